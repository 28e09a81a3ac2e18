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


def test_every_piece_of_the_op_eds_evidence_is_cited_by_its_real_name(seed):
    cited = citations(seed)
    for document, locator in [
        ("Mutual Defense Treaty between the Republic of Korea", "Preamble"),
        ("Mutual Defense Treaty between the Republic of Korea", "Article II"),
        ("Mutual Defense Treaty between the Republic of Korea", "Article IV"),
        ("wartime host nation support", "Article 2(a)"),
        ("concerning Special Measures", "Title: \u201cSpecial Measures Relating to Article V "
         "of the Agreement under Article IV of the Mutual Defense Treaty"),
        ("Status of United States Armed Forces", "Article V"),
        ("concerning Special Measures (the 8th SMA", "Article I: \u201cLabor Cost Sharing"),
    ]:
        assert re.search(re.escape(document) + r"[^|]*" + re.escape(locator), cited), document
    evidence_sources = {n.cites for n in seed.nodes if n.kind == "evidence"}
    assert all(evidence_sources) and evidence_sources <= set(seed.sources_by_key)
    by_key = seed.sources_by_key
    # The corrections of the fact-check: Article II says "deter", the wartime-support
    # agreement was signed in 1991, and wordings that could not be checked say so.
    assert "deter armed attack" in by_key["mdt-art2"].quote
    assert "1991" in by_key["whns"].document and by_key["whns"].quote is None
    assert "Not verified" in by_key["whns"].note
    assert "own rendering" in by_key["sma-title"].note
    assert all(s.url or s.note for s in seed.sources)
    assert not any("Yoo Jee-hye" in s.document for s in seed.sources)  # the op-ed isn't evidence
    node = seed.nodes_by_key
    assert "deter" in node["mdt-article-2"].text and "withstand" not in node["mdt-article-2"].text
    texts = " ".join(n.text for n in seed.nodes)
    for phrase in ("Article IV", "1992", "12th", "three"):
        assert phrase in texts


OPPOSING = {"opp-fivefold", "opp-strategic-assets", "opp-hormuz", "opp-one-stop-shopping",
            "opp-withdrawal-threat", "opp-pentagon-guidance", "opp-one-theater"}


def test_opposing_positions_are_tagged_and_answered_by_the_op_eds_own_claims(seed):
    assert {n.key for n in seed.nodes if n.opposing} == OPPOSING
    assert not any(n.title.lower().startswith("opposing") for n in seed.nodes)
    answers = {}
    for r in seed.relations:
        if r.kind == "attack" and r.target in OPPOSING:
            answers.setdefault(r.target, set()).update(r.premises)
    # The op-ed answers each position it argues against with a claim it makes itself, not a
    # copy: no node of the source is a rebuttal any more. It leaves two demands unanswered.
    assert not [n.key for n in seed.nodes if n.kind == "rebuttal" and n.origin == "document"]
    assert set(answers) == OPPOSING - {"opp-fivefold", "opp-hormuz"}
    assert answers["opp-one-stop-shopping"] == {"sma-scope-fixed", "outside-scope-not-negotiable"}
    assert {"withdrawal-needs-consent"} <= answers["opp-withdrawal-threat"]
    # What the op-ed concludes from the thesis rests on it; nothing restates it as a reason,
    # and the op-ed's answers to the bundle and the threat are not repeated as supports.
    assert {r.target for r in seed.relations if r.premises == ("thesis",)} == {
        "rec-legal-architecture", "no-rushed-deal"}


def test_linked_premises_and_reconstructions(seed):
    linked = {(r.kind, frozenset(r.premises), r.target) for r in seed.relations if r.is_linked}
    assert linked == {
        ("support", frozenset({"mdt-article-4", "agreed-undone-by-agreement"}),
         "withdrawal-needs-consent"),
        ("support", frozenset({"sma-is-exception", "exception-read-narrowly"}),
         "sma-scope-fixed"),
        ("attack", frozenset({"sma-scope-fixed", "outside-scope-not-negotiable"}),
         "opp-one-stop-shopping"),
    }
    reconstructed = {n.key for n in seed.nodes if n.origin == "reconstruction"}
    assert reconstructed == {"agreed-undone-by-agreement", "outside-scope-not-negotiable",
                             "exception-read-narrowly"}
    for key in reconstructed:  # unstated: nothing to anchor, and each is a premise
        assert seed.nodes_by_key[key].passage_quote is None
        assert any(key in r.premises and r.is_linked for r in seed.relations)


def test_editors_counterarguments_are_marked_sourced_and_reach_the_thesis(seed):
    editors = [n for n in seed.nodes if n.origin == "editor"]
    assert len(editors) >= 7
    assert all(n.cites and n.author and n.title.startswith("Editors:") for n in editors)
    op_ed = {n.key for n in seed.nodes if n.origin != "editor" and not n.opposing}
    for n in editors:
        (target,) = [r.target for r in seed.relations if n.key in r.premises]
        ends = set(seed.steps_by_ref[target].premises) if " -> " in target else {target}
        assert ends & (op_ed | OPPOSING), n.key
    cited = {seed.sources_by_key[n.cites].locator for n in editors}
    assert {"Article IV", "Article VI"} <= cited
    documents = " ".join(seed.sources_by_key[n.cites].document for n in editors)
    assert "Strategic Consultation for Allied Partnership" in documents
    assert "KORUS" in documents and "Public Law 116-92" in documents


def test_no_two_nodes_say_the_same_thing(seed):
    """No two nodes share a title, and no two nodes' texts share six consecutive words."""
    titles = Counter(n.title for n in seed.nodes)
    assert [t for t, count in titles.items() if count > 1] == []
    seen: dict[tuple[str, ...], str] = {}
    for item in seed.nodes:
        words = re.findall(r"[\w'’-]+", item.text.lower())
        for gram in {tuple(words[i:i + 6]) for i in range(len(words) - 5)}:
            assert seen.setdefault(gram, item.key) == item.key, (item.key, seen[gram], gram)


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
