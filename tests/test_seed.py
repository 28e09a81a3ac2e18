"""The op-ed seed map: loaded into the database with the coverage the project promises."""

import re
from collections import Counter
from pathlib import Path

import pytest

from argmap import paths
from argmap.domain.maps import attach_text, get_map, load_map_data
from argmap.domain.passages import paragraphs

OPED = Path(paths.PACKAGE_DIR).parent.parent / "shared" / "seed" / "oped.txt"


@pytest.fixture
def seed(session):
    return load_map_data(session, found=get_map(session, slug="treaty-alliance"))


def test_the_seed_is_in_the_database_with_its_document(seed):
    assert seed.title == "The weight of a treaty alliance"
    doc = seed.document
    assert (doc.author, doc.outlet, doc.date.isoformat()) == (
        "Yoo Jee-hye", "Korea JoongAng Daily", "2025-04-22")


def test_size_and_coverage(seed):
    assert len(seed.nodes) >= 25
    assert set(Counter(n.kind for n in seed.nodes)) == {"thesis", "claim", "evidence",
                                                        "rebuttal"}
    assert set(Counter(r.kind for r in seed.relations)) == {"support", "attack", "undercut"}
    assert [n.key for n in seed.nodes if n.kind == "thesis"] == ["thesis"]
    thesis = seed.nodes_by_key["thesis"].text.lower()
    assert "tariff" in thesis and "treaty" in thesis and "unreasonable" in thesis


def citations(seed) -> str:
    return " | ".join(s.citation() for s in seed.sources)


def test_every_piece_of_the_op_eds_evidence_is_cited(seed):
    cited = citations(seed)
    for document, locator in [
        ("Mutual Defense Treaty", "Preamble"),
        ("Mutual Defense Treaty", "Article II"),
        ("Mutual Defense Treaty", "Article IV"),
        ("Wartime Host Nation Support", ""),
        ("Special Measures Agreement", "Full title"),
        ("Status of Forces Agreement", "Article V"),
        ("Special Measures Agreement", "labor, construction and logistics"),
    ]:
        assert re.search(re.escape(document) + r"[^|]*" + re.escape(locator), cited), document
    evidence_sources = {n.cites for n in seed.nodes if n.kind == "evidence"}
    assert all(evidence_sources) and evidence_sources <= set(seed.sources_by_key)
    texts = " ".join(n.text for n in seed.nodes)
    for phrase in ("Article IV", "1992", "12th", "three"):
        assert phrase in texts


def test_each_opposing_position_is_answered_by_a_rebuttal(seed):
    positions = {"opp-fivefold", "opp-strategic-assets", "opp-hormuz", "opp-one-stop-shopping",
                 "opp-pentagon-guidance", "opp-one-theater"}
    answered = {r.target for r in seed.relations
                if r.kind == "attack" and r.target in positions
                and seed.nodes_by_key[r.premises[0]].kind == "rebuttal"
                and seed.nodes_by_key[r.premises[0]].origin == "document"}
    assert answered == positions


def test_editors_counterarguments_are_marked_and_sourced(seed):
    editors = [n for n in seed.nodes if n.origin == "editor"]
    assert len(editors) >= 2
    assert all(n.cites and n.author for n in editors)
    targets = {r.target for r in seed.relations if r.premises[0] in {n.key for n in editors}}
    op_ed_targets = {t for t in targets if " -> " in t or
                     seed.nodes_by_key[t].origin == "document"}
    assert len(op_ed_targets) >= 2  # they argue against the op-ed itself
    cited = {seed.sources_by_key[n.cites].locator for n in editors}
    assert {"Article IV", "Article VI"} <= cited


def test_quotes_are_short_and_located(seed):
    for src in seed.sources:
        assert src.locator and (src.quote is None or len(src.quote) <= 200)
    for item in seed.nodes:
        assert item.passage_quote is None or len(item.passage_quote.split()) <= 12


@pytest.mark.skipif(not OPED.exists(), reason="the op-ed text is not in ../shared/seed")
def test_passages_anchor_in_the_op_ed_and_nodes_are_paraphrased(session, seed):
    text = OPED.read_text(encoding="utf-8")
    anchored = attach_text(session, found=get_map(session, slug="treaty-alliance"), text=text)
    assert anchored == sum(1 for n in seed.nodes if n.passage_quote)
    assert len(paragraphs(text)) >= 21
    # Own words: no node repeats eight or more consecutive words of the op-ed.
    words = re.findall(r"[\w'’-]+", text.lower())
    grams = {tuple(words[i:i + 8]) for i in range(len(words) - 7)}
    for item in seed.nodes:
        mine = re.findall(r"[\w'’-]+", item.text.lower())
        copied = [" ".join(mine[i:i + 8]) for i in range(len(mine) - 7)
                  if tuple(mine[i:i + 8]) in grams]
        assert not copied, (item.key, copied)


def test_every_node_has_a_short_title(seed):
    """Diagrams at the titles and compact levels of detail print titles: each is at most
    eight words, so a box stays small enough to read on a slide."""
    long = {n.key: n.title for n in seed.nodes if not n.title or len(n.title.split()) > 8}
    assert long == {}
