"""Opposing positions and reconstructed premises are told apart from the source's own claims
in every view (the diagram, its legend, the outline and the panel), whatever their kind, and
a citation's note travels with it."""

import re
import xml.etree.ElementTree as ET
from dataclasses import replace

from argmap.formats import read, write
from argmap.render import Layout, render, to_dot
from argmap.render.legend import legend_cells
from argmap.render.theme import DARK, LIGHT, PRINT
from tests.helpers import fork_seed, node, post, rel, sign_up, source, tiny_map
from tests.test_render import SVG, node_text

POSITIONS = tiny_map(
    node("t", "thesis", "The bundle breaks the treaties."),
    node("o", "claim", "Settle costs and trade together.", title="Washington: one package",
         tags=("opposing",)),
    node("r", "evidence", "A rebuttal that the source reports.", cites="src",
         tags=("opposing",)),
    node("a", "claim", "Its scope is fixed."),
    node("p", "claim", "Nothing outside the scope is negotiable.", origin="reconstruction"),
    node("e", "rebuttal", "KORUS links trade and security.", origin="editor"),
    relations=[rel("attack", "o", "t"), rel("support", "r", "o"), rel("attack", "e", "p"),
               rel("attack", "a + p", "o")],
    sources=[source()])


def cells_of(dot: str, key: str) -> str:
    return next(line for line in dot.splitlines() if line.startswith(f'\t"n-{key}" ['))


def test_an_opposing_position_is_drawn_on_a_band_whatever_its_kind():
    for theme in (LIGHT, DARK, PRINT):
        dot = to_dot(POSITIONS, theme)
        for key in ("o", "r"):  # a claim and an evidence node
            line = cells_of(dot, key)
            assert f'BGCOLOR="{theme.band}"' in line and "OPPOSING POSITION \u00b7" in line
        for key in ("t", "a", "p", "e"):
            assert "BGCOLOR" not in cells_of(dot, key) and "OPPOSING" not in cells_of(dot, key)
    compact = to_dot(POSITIONS, LIGHT, Layout(labels="compact"))
    assert f'BGCOLOR="{LIGHT.band}"' in cells_of(compact, "o")  # the title sits on it


def test_a_reconstructed_premise_is_captioned_and_in_italics():
    dot = to_dot(POSITIONS)
    line = cells_of(dot, "p")
    assert "CLAIM \u00b7 RECONSTRUCTED" in line and "<I>Nothing outside the scope" in line
    assert "<I>" not in cells_of(dot, "a")
    assert "REBUTTAL \u00b7 EDITOR\u2019S ADDITION" in cells_of(dot, "e")
    svg = ET.fromstring(render(POSITIONS, "svg"))
    assert "RECONSTRUCTED" in node_text(svg, "p")
    italic = [t for t in svg.iter(f"{SVG}text") if t.get("font-style") == "italic"]
    assert any("Nothing outside" in (t.text or "") for t in italic)


def test_the_legend_names_what_the_drawing_shows():
    words = [text for _cell, text in legend_cells(POSITIONS, LIGHT, 10, False)]
    assert {"OPPOSING POSITION", "reconstructed premise", "editor\u2019s addition"} <= set(words)
    plain = tiny_map(node("t", "thesis"), node("a"), relations=[rel("support", "a", "t")])
    words = [text for _cell, text in legend_cells(plain, LIGHT, 10, False)]
    assert not [w for w in words if "OPPOSING" in w or "reconstructed" in w or "editor" in w]


def test_origins_tags_and_notes_survive_every_interchange_format():
    noted = tiny_map(*POSITIONS.nodes, relations=POSITIONS.relations, sources=[
        replace(POSITIONS.sources[0], note="Checked only in a reproduction.")])
    for fmt in ("json", "argdown"):
        _fmt, imported = read(write(noted, fmt).encode(), f"m.{fmt}", fmt)
        back = imported.data
        origins = {n.text: n.origin for n in back.nodes}
        assert origins["Nothing outside the scope is negotiable."] == "reconstruction", fmt
        assert origins["KORUS links trade and security."] == "editor", fmt
        opposing = {n.text for n in back.nodes if n.opposing}
        assert opposing == {"Settle costs and trade together.",
                            "A rebuttal that the source reports."}, fmt
        assert [s.note for s in back.sources] == ["Checked only in a reproduction."], fmt


def test_the_outline_and_the_panel_name_them(client):
    outline = client.get("/maps/treaty-alliance?view=outline").get_data(as_text=True)
    item = outline[outline.index('id="o-opp-one-stop-shopping"'):]
    assert re.search(r'class="marker marker-opposing">opposing position<', item[:1500])
    item = outline[outline.index('id="o-agreed-undone-by-agreement"'):]
    assert 'class="marker marker-origin-reconstruction">reconstructed premise<' in item[:1500]
    panel = client.get("/maps/treaty-alliance?node=outside-scope-not-negotiable").get_data(
        as_text=True)
    assert "reconstructed premise</span>" in panel
    assert "A premise the source text leaves unstated, made explicit by argmap editors" in panel
    panel = client.get("/maps/treaty-alliance?node=whns-commitment").get_data(as_text=True)
    box = panel[panel.index('class="citation-box"'):]
    assert '<p class="citation-note"><strong>Note:</strong> Not verified from here' in box
    assert "<blockquote>" not in box[:box.index("</div>")]  # no wording is invented


def test_an_editor_writes_a_citation_note_in_the_panel(client, app):
    sign_up(client, "ada")
    mine = fork_seed(client).split("?")[0]
    form = client.get(f"{mine}?node=three-categories").get_data(as_text=True)
    assert 'name="note"' in form and "what this citation could not confirm" in form
    values = {"kind": "evidence", "title": "Three categories", "text": "Seoul pays for three.",
              "document": "8th SMA", "locator": "Article I", "quote": "", "url": "",
              "version": "1"}
    edited = post(client, f"{mine}/nodes/three-categories/edit",
                  {**values, "note": "Wording <unverified> & so on."}, htmx="panel")
    page = edited.get_data(as_text=True)
    assert edited.status_code == 200, page[:2000]
    assert "<strong>Note:</strong> Wording &lt;unverified&gt; &amp; so on." in page
    too_long = post(client, f"{mine}/nodes/three-categories/edit",
                    {**values, "version": "2", "note": "x" * 501}, htmx="panel")
    assert too_long.status_code == 422
    assert re.search(r'id="edit-[\w-]*note-error"', too_long.get_data(as_text=True))
