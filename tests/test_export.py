"""Export options: each one changes the DOT as specified, every output is valid, slides are
16:9, exports are deterministic, and the web and the CLI give the same files."""

import colorsys
import html
import io
import re
import struct
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from pypdf import PdfReader

from argmap.cli import export_command
from argmap.formats.mapfile import load_map_file
from argmap.paths import SEEDS
from argmap.render import drawing, export
from argmap.render.deck import direct_claims
from argmap.render.options import NAMES, ExportOptions, parse_options
from argmap.render.pipeline import choose, view_dot
from argmap.render.select import Graph
from argmap.render.theme import THEMES

SEED = load_map_file(SEEDS / "treaty-alliance.yaml")


def dot_of(**values) -> str:
    options = parse_options({k.replace("_", "-"): str(v) for k, v in values.items()})
    return view_dot(choose(SEED, options), options)


def graph_attr(dot: str, name: str) -> str | None:
    lines = [line for line in dot.splitlines()
             if re.match(r"^\t(?:graph \[)?[a-z]+=", line)]  # graph attributes only
    found = [m.group(1) for line in lines
             for m in [re.search(rf'\b{name}=("[^"]*"|<.*>|[^\s\]]+)', line)] if m]
    return found[-1].strip('"') if found else None


def node_keys(dot: str) -> set[str]:
    return set(re.findall(r'^\t"n-([a-z0-9-]+)" \[', dot, re.M))


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


# --- each option, as specified --------------------------------------------------------------

@pytest.mark.parametrize("theme", sorted(THEMES))
def test_theme_sets_the_colours(theme):
    dot = dot_of(theme=theme)
    style = THEMES[theme]
    assert graph_attr(dot, "bgcolor") == style.background
    claim = re.search(r'"n-mdt-commits-defense" \[[^\n]*', dot).group(0)
    assert f'fillcolor="{style.nodes["claim"].fill}"' in claim
    assert f'color="{style.nodes["claim"].border}"' in claim
    attack = re.search(r'id="r-opp-[a-z-]+--[a-z-]+"[^\n]*', dot).group(0)
    edge_line = dot[dot.rfind("\n", 0, dot.index(attack)):dot.index(attack) + len(attack)]
    if "style=dashed" in edge_line:
        assert f'color="{style.edges["attack"].color}"' in edge_line


def test_kinds_and_relations_differ_without_colour_in_every_theme():
    for theme in THEMES.values():
        shapes = {(s.shape, s.style, s.peripheries) for s in theme.nodes.values()}
        lines = {(e.style, e.arrowhead) for e in theme.edges.values()}
        captions = {s.caption for s in theme.nodes.values()}
        assert len(shapes) == 4 and len(lines) == 3 and len(captions) == 4, theme.name


def test_print_theme_has_no_saturated_fills():
    dot = dot_of(theme="print")
    colours = set(re.findall(r'(?:fillcolor|bgcolor|BGCOLOR)="(#[0-9a-fA-F]{6})"', dot))
    assert colours
    for colour in colours:
        r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
        _h, saturation, _v = colorsys.rgb_to_hsv(r, g, b)
        assert saturation <= 0.05, colour


@pytest.mark.parametrize("direction, rankdir", [("top-down", "BT"), ("bottom-up", "TB"),
                                                ("left-right", "RL")])
def test_direction(direction, rankdir):
    assert graph_attr(dot_of(direction=direction), "rankdir") == rankdir


@pytest.mark.parametrize("wrap", [16, 36, 60])
def test_wrap_width(wrap):
    dot = dot_of(wrap=wrap, legend="no")
    longest = {"text": 0, "citation": 0}
    for cell in re.findall(r'<TD ALIGN="LEFT" BALIGN="LEFT">(.*?)</TD>', dot):
        if "<FONT POINT-SIZE" in cell and "<I>" not in cell:
            continue  # the kind's caption, never wrapped
        kind = "citation" if "<I>" in cell else "text"
        for line in re.sub(r"<(?!BR)[^>]+>", "", cell).split('<BR ALIGN="LEFT"/>'):
            longest[kind] = max(longest[kind], len(html.unescape(line)))
    assert wrap - 12 <= longest["text"] <= wrap
    assert longest["citation"] <= wrap + 4  # citations run a little wider than the text


def test_font_size_and_spacing():
    dot = dot_of(font_size=16, spacing=2)
    assert re.search(r"^\tnode \[[^\]]*fontsize=16", dot, re.M)
    assert graph_attr(dot, "nodesep") == "0.7" and graph_attr(dot, "ranksep") == "1.1"


@pytest.mark.parametrize("fit, size", [("16:9", "13.33,7.5!"), ("4:3", "10,7.5!")])
def test_fit_to_a_slide(fit, size):
    assert graph_attr(dot_of(fit=fit), "size") == size
    assert graph_attr(dot_of(), "size") is None


def test_focus_subtree_and_neighbourhood():
    graph = Graph(SEED)
    below = set(graph.below["mdt-commits-defense"])
    assert node_keys(dot_of(focus="mdt-commits-defense", depth=1)) == \
        {"mdt-commits-defense"} | below
    near = node_keys(dot_of(focus="mdt-commits-defense", depth=1, around="neighbourhood"))
    expected = {"mdt-commits-defense"} | {
        r.target for r in SEED.relations if r.premises[0] == "mdt-commits-defense"} | {
        r.premises[0] for r in SEED.relations if r.target == "mdt-commits-defense"} | {
        r.premises[0] for r in SEED.relations  # an undercut of a step into it, too
        if r.is_undercut and r.target.endswith(" -> mdt-commits-defense")}
    assert near == expected  # exactly the node and its direct neighbours
    deeper = node_keys(dot_of(focus="mdt-commits-defense", depth=2))
    assert deeper > node_keys(dot_of(focus="mdt-commits-defense", depth=1))


def test_hide_kinds_and_their_relations():
    dot = dot_of(hide="evidence,rebuttal")
    kinds = {n.key: n.kind for n in SEED.nodes}
    assert node_keys(dot) == {k for k, kind in kinds.items() if kind not in
                              ("evidence", "rebuttal")}
    for source, target in re.findall(r'"n-([a-z0-9-]+)" -> "n-([a-z0-9-]+)"', dot):
        assert kinds[source] not in ("evidence", "rebuttal") and kinds[target] != "evidence"


def test_collapse_into_a_stub():
    dot = dot_of(collapse="mdt-commits-defense")
    hidden = set(Graph(SEED).reach("mdt-commits-defense", 99, Graph(SEED).below)) - {
        "mdt-commits-defense"}
    assert not (node_keys(dot) & hidden) and "mdt-commits-defense" in node_keys(dot)
    assert re.search(rf'"s-mdt-commits-defense" \[[^\n]*label="\+{len(hidden)} hidden"', dot)
    assert '"s-mdt-commits-defense" -> "n-mdt-commits-defense"' in dot


def _labels(dot: str, key: str) -> str:
    """The text a node's box prints (its HTML-like label, tags dropped)."""
    label = re.search(rf'^\t"n-{key}" \[label=<(.*?)>\s', dot, re.M | re.S).group(1)
    return html.unescape(re.sub(r"<[^>]+>", " ", label))


def test_labels_full_titles_and_compact():
    thesis = SEED.nodes_by_key["thesis"]
    untitled = next(n for n in SEED.nodes if len(n.text.split()) > 8 and n.kind == "claim")
    data = replace(SEED, nodes=tuple(replace(n, title=None) if n is untitled else n
                                     for n in SEED.nodes))
    full, titles, compact = (drawing(data, ExportOptions(labels=v, evaluation=True), "dot")
                             .sources[0] for v in ("full", "titles", "compact"))
    words = " ".join(untitled.text.split()[:8])
    # full: caption, title and the whole text (and the citation)
    assert thesis.title in _labels(full, "thesis")
    assert thesis.text.split()[-1] in _labels(full, "thesis")
    # titles: the kind's caption and the title; first words where there is no title
    assert "THESIS" in _labels(titles, "thesis") and thesis.title in _labels(titles, "thesis")
    assert thesis.text.split()[-1] not in _labels(titles, "thesis").replace(thesis.title, "")
    assert " ".join(_labels(titles, untitled.key).split()).endswith(f"{words} \u2026")
    # compact: the evaluation mark and the title, nothing else
    shown = " ".join(_labels(compact, "thesis").split())
    assert shown == f"\u2713 {thesis.title}" or shown == f"\u2717 {thesis.title}"
    assert "THESIS" not in shown
    # the whole text stays on hover, in every level of detail
    for dot in (full, titles, compact):
        tip = re.search(r'^\t"n-thesis" \[.*?tooltip="([^"]*)"', dot, re.M | re.S).group(1)
        assert tip.split()[-1] == thesis.text.split()[-1]
    assert len(compact) < len(titles) < len(full)


def test_legend_and_title():
    assert "supports" in dot_of() and graph_attr(dot_of(), "labelloc") == "b"
    bare = dot_of(legend="no")
    assert "undercuts (this does not follow)" not in bare and graph_attr(bare, "label") is None
    titled = dot_of(title="yes", legend="no")
    assert "The weight of a treaty alliance" in titled and "Korea JoongAng Daily" in titled
    assert graph_attr(titled, "labelloc") == "t"


@pytest.mark.parametrize("values, field", [
    ({"theme": "neon"}, "theme"), ({"wrap": "wide"}, "wrap"), ({"depth": "0"}, "depth"),
    ({"hide": "everything"}, "hide"), ({"legend": "maybe"}, "legend"),
    ({"colour": "red"}, "colour"), ({"fit": "21:9"}, "fit")])
def test_bad_options_name_their_field(values, field):
    from argmap.errors import InvalidInput
    with pytest.raises(InvalidInput) as caught:
        parse_options(values)
    assert caught.value.field == field and field in str(caught.value)


# --- outputs ----------------------------------------------------------------------------

def test_every_format_is_valid():
    options = ExportOptions(theme="dark", title=True)
    svg = export(SEED, options, "svg")
    ET.fromstring(svg)
    assert png_size(export(SEED, options, "png"))[0] > 0
    assert len(PdfReader(io.BytesIO(export(SEED, options, "pdf"))).pages) == 1
    subprocess.run(["dot", "-Tcanon"], input=export(SEED, options, "dot"), check=True,
                   capture_output=True, timeout=60)


def test_png_scale_two_doubles_the_pixels():
    one = png_size(export(SEED, ExportOptions(focus="thesis", depth=1), "png"))
    two = png_size(export(SEED, ExportOptions(focus="thesis", depth=1, scale=2), "png"))
    assert abs(two[0] - 2 * one[0]) <= 1 and abs(two[1] - 2 * one[1]) <= 1
    dpi = png_size(export(SEED, ExportOptions(focus="thesis", depth=1, dpi=192), "png"))
    assert dpi == two


@pytest.mark.parametrize("fit, ratio", [("16:9", 16 / 9), ("4:3", 4 / 3)])
def test_fitted_outputs_have_the_slide_shape(fit, ratio):
    options = ExportOptions(fit=fit, focus="sma-rooted-in-mdt", labels="titles")
    width, height = png_size(export(SEED, options, "png"))
    assert abs(width / height - ratio) < 0.01
    page = PdfReader(io.BytesIO(export(SEED, options, "pdf"))).pages[0]
    assert abs(float(page.mediabox.width) / float(page.mediabox.height) - ratio) < 0.01


def test_deck_starts_with_the_overview_and_shows_every_claim():
    claims = direct_claims(SEED)
    assert len(claims) == 3
    reader = PdfReader(io.BytesIO(export(SEED, ExportOptions(theme="print"), "deck")))
    for page in reader.pages:
        assert round(float(page.mediabox.width) / float(page.mediabox.height), 3) == \
            round(16 / 9, 3)
    first = reader.pages[0].extract_text()
    assert "overview" in first and "more: slide" in first
    text = " ".join(page.extract_text().replace("\n", " ") for page in reader.pages)
    assert "The MDT sets a shared, lasting" in text


def test_dot_and_svg_are_byte_identical_across_runs():
    options = ExportOptions(theme="colour-blind-safe", focus="thesis", depth=2,
                            collapse=("mdt-commits-defense",), title=True)
    assert export(SEED, options, "dot") == export(SEED, options, "dot")
    assert export(SEED, options, "svg") == export(SEED, options, "svg")


def test_file_names_come_from_the_slug_and_the_options():
    assert ExportOptions().file_stem("seed") == "seed"
    assert ExportOptions(theme="print", fit="16:9", focus="thesis", hide=("evidence",)
                         ).file_stem("seed") == "seed.print.fit-16x9.focus-thesis.hide-evidence"


# --- the same options in the dialog, the URL and the CLI --------------------------------

def test_the_cli_offers_exactly_the_same_options():
    flags = {opt for param in export_command.params for opt in param.opts
             if opt.startswith("--")} - {"--format", "--output"}
    assert flags == {f"--{name}" for name in NAMES}


def test_the_export_dialog_offers_the_same_options(client):
    html = client.get("/maps/treaty-alliance").get_data(as_text=True)
    form = html[html.index('class="export-form"'):]
    form = form[:form.index("</form>")]
    names = set(re.findall(r'name="([a-z-]+)"', form))
    assert names == set(NAMES) | {"format"}


def test_dialog_redirects_to_the_export_address(client):
    reply = client.get("/maps/treaty-alliance/export?format=png&theme=print&fit=none&scale=2"
                       "&wrap=36&legend=no&legend=yes&hide=evidence&hide=rebuttal&focus=")
    assert reply.status_code == 303
    assert reply.location == ("/maps/treaty-alliance/export.png?theme=print&scale=2"
                              "&hide=evidence,rebuttal")
    reply = client.get("/maps/treaty-alliance/export?format=png&theme=print&fit=16:9&scale=2"
                       "&focus=sma-is-exception&labels=titles&hide=evidence&hide=rebuttal")
    assert reply.location == ("/maps/treaty-alliance/export.png?theme=print&fit=16:9&scale=2"
                              "&focus=sma-is-exception&hide=evidence,rebuttal&labels=titles")
    file = client.get(reply.location)
    assert file.status_code == 200 and file.mimetype == "image/png"
    assert ('filename="treaty-alliance.print.fit-16x9.scale-2.focus-sma-is-exception.'
            'hide-evidence+rebuttal.labels-titles.png"') in \
        file.headers["Content-Disposition"]


def test_dialog_shows_a_bad_option_next_to_its_field(client):
    reply = client.get("/maps/treaty-alliance/export?format=svg&wrap=400&theme=light")
    html = reply.get_data(as_text=True)
    assert reply.status_code == 422
    assert re.search(r'<p class="error" id="export-wrap-error">[^<]*between 12 and 120', html)
    assert 'id="export" open' in html
    bad_focus = client.get("/maps/treaty-alliance/export?format=svg&focus=nobody")
    assert bad_focus.status_code == 422 and "no node matches “nobody”" in \
        bad_focus.get_data(as_text=True)


def test_bad_option_in_the_address_is_a_400(client):
    reply = client.get("/maps/treaty-alliance/export.svg?theme=neon")
    assert reply.status_code == 400 and "theme: unknown value" in reply.get_data(as_text=True)


@pytest.mark.parametrize("fmt", ["dot", "svg"])
def test_the_web_and_the_cli_give_the_same_file(client, runner, tmp_path, fmt):
    query = "theme=print&fit=16:9&focus=sma-is-exception&depth=1&title=yes&labels=titles"
    web = client.get(f"/maps/treaty-alliance/export.{fmt}?{query}").data
    out = tmp_path / f"cli.{fmt}"
    result = runner.invoke(args=["export", "treaty-alliance", "--format", fmt, "--theme",
                                 "print", "--fit", "16:9", "--focus", "sma-is-exception",
                                 "--depth", "1", "--title", "yes", "--labels", "titles",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == web


def test_the_web_and_the_cli_give_the_same_deck(client, runner, tmp_path):
    web = PdfReader(io.BytesIO(client.get(
        "/maps/treaty-alliance/export.deck?theme=print").data))
    result = runner.invoke(args=["export", "treaty-alliance", "--format", "deck", "--theme",
                                 "print", "-o", str(tmp_path / "deck.pdf")])
    assert result.exit_code == 0, result.output
    cli = PdfReader(tmp_path / "deck.pdf")
    assert [p.extract_text() for p in cli.pages] == [p.extract_text() for p in web.pages]


# --- the legibility rule for single slides ---------------------------------------------------

def test_a_fit_that_would_print_specks_is_refused_in_the_dialog(client):
    reply = client.get("/maps/treaty-alliance/export?format=png&fit=16:9")
    html = reply.get_data(as_text=True)
    assert reply.status_code == 422 and 'id="export" open' in html
    note = re.search(r'<p class="error" id="export-fit-error">([^<]*)</p>', html)
    assert note, html[:2000]
    smallest = float(re.search(r"smallest text would be ([\d.]+) pt", note.group(1)).group(1))
    assert 0 < smallest < 14 and "deck" in note.group(1) and "focus" in note.group(1)
    legible = client.get("/maps/treaty-alliance/export?format=png&fit=16:9"
                         "&focus=sma-is-exception&labels=titles")
    assert legible.status_code == 303


def test_a_fit_that_would_print_specks_is_one_line_on_the_clis_stderr(runner, tmp_path):
    out = tmp_path / "slide.png"
    result = runner.invoke(args=["export", "treaty-alliance", "--fit", "16:9", "-o", str(out)])
    assert result.exit_code != 0 and not out.exists()
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and re.search(r"smallest text would be \d+\.\d pt", lines[0])
    assert "deck" in lines[0]
