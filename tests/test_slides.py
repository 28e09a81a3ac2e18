"""Slides a room can read: every page of the deck and every fitted export meets the
legibility rule, measured from the files themselves; the deck has no near-empty pages; the
build-up deck keeps every node in place; the .pptx carries titles and notes."""

import io
import re
import unicodedata
from collections import defaultdict

import pytest
from pptx import Presentation
from pypdf import PdfReader

from argmap.errors import Illegible
from argmap.formats.mapfile import load_map_file
from argmap.paths import SEEDS
from argmap.render import ExportOptions, drawing, export
from argmap.render.deck import plan_deck, slide_layout
from argmap.render.dot import title_of
from argmap.render.legibility import NODE_TEXT_PT, TEXT_PT
from argmap.render.pipeline import layout_for
from argmap.render.run import layout
from argmap.render.select import Graph
from argmap.render.theme import LIGHT
from tests.legibility import pdf_text_sizes, svg_text_sizes

SEED = load_map_file(SEEDS / "treaty-alliance.yaml")
EPSILON = 0.05  # points: rounding in the files' matrices
TITLES = [" ".join(title_of(node).split()) for node in SEED.nodes]


def assert_legible(runs: list[tuple[str, float]], where: str) -> None:
    """No run under 14 pt; a run that is part of a node's title is at least 18 pt."""
    assert runs, where
    small = [(text, size) for text, size in runs if size < TEXT_PT - EPSILON]
    assert small == [], where
    node_runs = [(text, size) for text, size in runs
                 if len(text.strip()) > 7 and any(text.strip() in title for title in TITLES)]
    assert node_runs, where
    tiny = [(text, size) for text, size in node_runs if size < NODE_TEXT_PT - EPSILON]
    assert tiny == [], where


DECKS = [ExportOptions(), ExportOptions(evaluation=True, theme="dark"),
         ExportOptions(fit="4:3", labels="titles"), ExportOptions(reveal=True)]


@pytest.mark.parametrize("options", DECKS, ids=["default", "evaluation-dark", "4x3-titles",
                                                "reveal"])
def test_every_page_of_the_deck_meets_the_legibility_rule(options):
    pdf = export(SEED, options, "deck")
    pages = pdf_text_sizes(pdf)
    assert len(pages) > 8
    for number, runs in enumerate(pages, 1):
        assert_legible(runs, f"page {number}")
    # The title band is drawn last: its title, then the slide's number ("3 / 17").
    numbers = [next(i for i, (text, _) in enumerate(runs) if re.fullmatch(r"\s*\d+ / \d+",
                                                                        text))
               for runs in pages]
    sizes = {round(runs[i - 1][1], 1) for runs, i in zip(pages, numbers, strict=True)}
    assert sizes == {26.0}  # one title size on every slide
    if options.evaluation:
        text = " ".join(t for runs in pages for t, _ in runs)
        assert "\u2713" in text and "stands" in text  # marks on the boxes, and the legend


FITS = [ExportOptions(fit="16:9", focus="sma-is-exception", labels="titles"),
        ExportOptions(fit="4:3", focus="opp-fivefold", labels="compact"),
        ExportOptions(fit="16:9", focus="thesis", depth=1, labels="compact", wrap=20,
                      legend=False),
        ExportOptions(fit="16:9"), ExportOptions(fit="4:3", labels="titles"),
        ExportOptions(fit="16:9", focus="mdt-commits-defense")]


@pytest.mark.parametrize("options", FITS, ids=lambda o: o.file_stem("fit"))
def test_a_fitted_export_is_legible_or_refused(options):
    try:
        svg = export(SEED, options, "svg")
    except Illegible as exc:
        assert exc.smallest < TEXT_PT and "deck" in str(exc)
        return
    assert_legible(svg_text_sizes(svg), "svg")
    assert_legible(pdf_text_sizes(export(SEED, options, "pdf"))[0], "pdf")


def test_the_seed_map_gives_legible_slides_and_refusals():
    produced = []
    for options in FITS:
        try:
            export(SEED, options, "svg")
            produced.append(options)
        except Illegible:
            pass
    assert 2 <= len(produced) < len(FITS)  # some views fit a slide, the whole map doesn't


def plan(**values):
    options = ExportOptions(**values)
    base = layout_for(options)
    layouts = (slide_layout(base, "compact", (13.333, 7.5)),
               slide_layout(base, "compact", (13.333, 7.5)))
    return plan_deck(SEED, theme=LIGHT, layouts=layouts,
                     page=(13.333, 7.5), reveal=options.reveal)


def test_no_page_has_fewer_than_three_nodes_unless_its_subtree_has():
    below = Graph(SEED).below
    pages = plan()
    for page in pages:
        reach, todo = set(page.roots), list(page.roots)
        while todo:
            for other in below.get(todo.pop(), ()):
                if other not in reach:
                    reach.add(other)
                    todo.append(other)
        assert len(page.view.data.nodes) >= min(3, len(reach)), (page.title, page.roots)
    shown = {n.key for page in pages for n in page.view.data.nodes}
    assert shown == {n.key for n in SEED.nodes}  # and every node is on some slide


def test_the_build_up_keeps_every_node_in_place():
    plain = drawing(SEED, ExportOptions(), "deck")
    built = drawing(SEED, ExportOptions(reveal=True), "deck")
    assert len(built.sources) > len(plain.sources)
    steps = defaultdict(list)
    for page, source in zip(plan(reveal=True), built.sources, strict=True):
        steps[page.number].append(source)
    grown = 0
    for number, sources in steps.items():
        positions = [re.findall(r"^node (\S+) (\S+ \S+ \S+ \S+)", layout(s), re.M)
                     for s in sources]
        assert all(p == positions[0] for p in positions), f"slide {number} moves"
        visible = [len(re.findall(r'^\t+"n-[^"]+" \[(?![^\n]*style=invis\])', s, re.M))
                   for s in sources]
        assert visible == sorted(visible) and len(set(visible)) == len(visible)
        grown += len(sources) > 1
    assert grown >= 5


def test_powerpoint_has_the_decks_slides_titles_and_notes():
    pdf = PdfReader(io.BytesIO(export(SEED, ExportOptions(), "deck")))
    deck = Presentation(io.BytesIO(export(SEED, ExportOptions(), "pptx")))
    slides = list(deck.slides)
    assert len(slides) == len(pdf.pages)
    for slide, page in zip(slides, pdf.pages, strict=True):
        title = slide.shapes.title.text_frame.text
        text = unicodedata.normalize("NFKC", page.extract_text())  # PDF text has ligatures
        assert title and title.split()[0] in text
        pictures = [s for s in slide.shapes if s.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE
        assert len(pictures) == 1
    notes = slides[-1].notes_slide.notes_text_frame.text
    assert notes.strip()
    cited = next(s for s in slides
                 if "Article IV" in s.notes_slide.notes_text_frame.text)
    assert "\u2014 " in cited.notes_slide.notes_text_frame.text  # a citation line
