"""The export options have one definition (argmap/render/options.py). The Export dialog, the
URL parser, `argmap export --help` and the README's table are held to it here: a new option,
or a changed default, that one of them misses fails this test."""

import re
from dataclasses import fields
from pathlib import Path

import pytest

from argmap.render.options import NAMES, OPTION_HELP, PARSERS, ExportOptions, parse_options

README = (Path(__file__).parent.parent / "README.md").read_text()
TABLE = README[README.index("| option | values (default first) |"):]
TABLE = TABLE[:TABLE.index("\n\n")]


def test_every_option_has_a_parser_a_help_text_and_a_field():
    names = {f.name.replace("_", "-") for f in fields(ExportOptions)}
    assert set(NAMES) == set(PARSERS) == set(OPTION_HELP) == names


@pytest.mark.parametrize("name", NAMES)
def test_the_readme_table_names_every_option_with_its_default(name):
    row = next((line for line in TABLE.splitlines() if f"`{name}`" in line), None)
    assert row is not None, f"README's export table has no row for {name}"
    default = ExportOptions().__getattribute__(name.replace("-", "_"))
    if isinstance(default, bool):
        assert "on" in row or "off" in row, row  # legend (on), title (off), evaluation (off)
    elif isinstance(default, str):
        assert f"`{default}`" in row, (name, default, row)
    elif isinstance(default, int | float) and name != "dpi":
        assert re.search(rf"\b{default:g}\b", row), (name, default, row)


@pytest.mark.parametrize("name", NAMES)
def test_the_export_dialog_offers_every_option(client, name):
    page = client.get("/maps/treaty-alliance").get_data(as_text=True)
    dialog = page[page.index('id="export"'):]
    dialog = dialog[:dialog.index("</details>")]
    assert f'name="{name}"' in dialog, name


@pytest.mark.parametrize("name", NAMES)
def test_argmap_export_takes_every_option(runner, name):
    shown = runner.invoke(args=["export", "--help"]).output
    assert f"--{name}" in shown, name


def test_the_dialogs_defaults_are_the_definitions(client):
    page = client.get("/maps/treaty-alliance").get_data(as_text=True)
    dialog = page[page.index('id="export"'):page.index("</details>", page.index('id="export"'))]
    defaults = ExportOptions()
    for name in ("wrap", "font-size", "spacing", "scale", "depth"):
        value = re.search(rf'name="{name}"[^>]*value="([^"]*)"', dialog) or re.search(
            rf'value="([^"]*)"[^>]*name="{name}"', dialog)
        assert value, name
        assert parse_options({name: value.group(1)}) == defaults, name
