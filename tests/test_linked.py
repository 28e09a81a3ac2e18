"""Linked premises end to end: evaluation (textbook cases and a property test against the
definition), drawing, every format, and the map-file versions."""

import itertools
import json
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.errors import MapFileError
from argmap.evaluate import IN, OUT, UNDEC, evaluate
from argmap.evaluate.dfquad import strengths
from argmap.formats import read, write
from argmap.formats.mapfile import load_map_file, parse_map_text
from argmap.mapdata import MapData, NodeData, RelationData
from argmap.paths import SEEDS
from argmap.render import render, to_dot
from tests.helpers import node, rel, tiny_map

SVG = "{http://www.w3.org/2000/svg}"


def linked_map(*extra, nodes=("a", "b", "c")):
    """a and b support c only together; `extra` adds relations."""
    keys = sorted(set(nodes) | {k for r in extra for k in (*r.premises, r.target)
                                if " -> " not in k})
    return tiny_map(*(node(k) for k in keys),
                    relations=[rel("support", "a + b", "c"), *extra])


def labels(data, reading="plain"):
    result = evaluate(data, reading=reading)
    return {k: r.label for k, r in result.nodes.items()}, result


# --- grounded: the textbook cases -------------------------------------------------------

def test_a_linked_step_holds_when_all_its_premises_stand():
    found, result = labels(linked_map())
    assert found == {"a": IN, "b": IN, "c": IN}
    assert result.inferences == {"a + b -> c": IN}


def test_one_defeated_premise_makes_the_linked_step_fail():
    data = linked_map(rel("attack", "x", "b"))
    found, result = labels(data)
    assert found["b"] == OUT and found["a"] == IN
    assert result.inferences["a + b -> c"] == OUT
    why = result.inference_why["a + b -> c"]
    assert why.startswith("Fails: its premise \u201cText of b.\u201d is defeated")
    # Two convergent reasons instead: one falling leaves the other's step standing.
    convergent = tiny_map(node("a"), node("b"), node("c"), node("x"),
                          relations=[rel("support", "a", "c"), rel("support", "b", "c"),
                                     rel("attack", "x", "b")])
    assert evaluate(convergent).inferences == {"a -> c": IN, "b -> c": OUT}


def test_an_undercut_of_a_linked_step_makes_it_fail_and_can_be_answered():
    data = linked_map(rel("undercut", "u", "a + b -> c"))
    _found, result = labels(data)
    assert result.inferences["a + b -> c"] == OUT
    assert result.inference_why["a + b -> c"].startswith("Does not count: undercut by")
    answered = linked_map(rel("undercut", "u", "a + b -> c"), rel("attack", "v", "u"))
    assert evaluate(answered).inferences["a + b -> c"] == IN


def test_a_linked_attack_defeats_only_while_it_holds():
    attack = tiny_map(node("a"), node("b"), node("t"), node("x"),
                      relations=[rel("attack", "a + b", "t")])
    assert labels(attack)[0]["t"] == OUT
    assert evaluate(attack).nodes["t"].why.startswith("Defeated by the linked step from")
    weakened = tiny_map(node("a"), node("b"), node("t"), node("x"),
                        relations=[rel("attack", "a + b", "t"), rel("attack", "x", "a")])
    found, result = labels(weakened)
    assert found == {"a": OUT, "b": IN, "t": IN, "x": IN}
    assert result.inferences["a + b -> t"] == OUT


def test_an_undecided_premise_leaves_the_step_undecided():
    data = linked_map(rel("attack", "x", "b"), rel("attack", "b", "x"))
    found, result = labels(data)
    assert found["b"] == UNDEC and result.inferences["a + b -> c"] == UNDEC
    assert "\u201cText of b.\u201d is undecided" in result.inference_why["a + b -> c"]


def test_necessary_support_spreads_attacks_through_a_linked_step():
    data = linked_map(rel("attack", "x", "a"))
    plain, _ = labels(data)
    necessary, result = labels(data, "necessary")
    assert plain["c"] == IN and necessary["c"] == OUT
    assert "necessary support" in result.nodes["c"].why


def test_the_seed_map_has_a_linked_step_that_fails_with_one_premise():
    seed = load_map_file(SEEDS / "treaty-alliance.yaml")
    ref = "mdt-article-4 + agreed-undone-by-agreement -> withdrawal-needs-consent"
    assert seed.steps_by_ref[ref].is_linked
    # Article VI defeats the reconstructed premise, so the step fails with it...
    assert evaluate(seed).inferences[ref] == OUT
    # ...and with that objection withdrawn, Article IV's undercut still stops it.
    assert evaluate(seed, withdrawn=("ed-art6-termination",)).inferences[ref] == OUT
    assert evaluate(seed, withdrawn=("ed-art6-termination", "ed-art4-grant")
                    ).inferences[ref] == IN
    withdrawn = evaluate(seed, withdrawn=("agreed-undone-by-agreement",))
    assert ref not in withdrawn.inferences  # the step goes with any of its premises


# --- DF-QuAD ------------------------------------------------------------------------------

def test_dfquad_a_linked_step_is_as_strong_as_its_weakest_premise():
    data = linked_map()
    result = strengths(data, {"a": 0.9, "b": 0.2})
    assert result.steps["a + b -> c"] == pytest.approx(0.2)
    # c = 0.5 + 0.5 * 0.2
    assert result.values["c"] == pytest.approx(0.6)
    cut = strengths(linked_map(rel("undercut", "u", "a + b -> c")), {"a": 0.9, "b": 0.2})
    assert cut.steps["a + b -> c"] == pytest.approx(0.2 * 0.5)


def test_dfquad_one_premise_steps_keep_their_old_values():
    data = tiny_map(node("a"), node("b"), node("u"),
                    relations=[rel("support", "b", "a"), rel("undercut", "u", "b -> a")])
    assert strengths(data).values["a"] == pytest.approx(0.625)


# --- property: the evaluation equals the definition ----------------------------------------

def oracle(data: MapData) -> tuple[dict, dict]:
    """Grounded labels by the definition in words, iterated from "all undecided" to the least
    fixpoint: a node is IN when every attack step on it is OUT and OUT when one is IN; a step
    is IN when all its premises are IN and every undercut of it is OUT, and OUT when a
    premise is OUT or an undercut of it is IN."""
    node_label = {n.key: UNDEC for n in data.nodes}
    step_label = {r.ref: UNDEC for r in data.relations}
    attacks = {k: [r.ref for r in data.relations if r.kind == "attack" and r.target == k]
               for k in node_label}
    cuts = {r.ref: [u.ref for u in data.relations if u.is_undercut and u.target == r.ref]
            for r in data.relations}
    while True:
        nodes = {k: IN if all(step_label[a] == OUT for a in attacks[k]) else
                 OUT if any(step_label[a] == IN for a in attacks[k]) else UNDEC
                 for k in node_label}
        steps = {}
        for r in data.relations:
            premises = [node_label[p] for p in r.premises]
            undercuts = [step_label[u] for u in cuts[r.ref]]
            if all(p == IN for p in premises) and all(u == OUT for u in undercuts):
                steps[r.ref] = IN
            elif OUT in premises or IN in undercuts:
                steps[r.ref] = OUT
            else:
                steps[r.ref] = UNDEC
        if (nodes, steps) == (node_label, step_label):
            return nodes, steps
        node_label, step_label = nodes, steps


@st.composite
def maps_with_linked_steps(draw):
    n = draw(st.integers(2, 6))
    keys = [f"n{i}" for i in range(n)]
    steps, taken = [], set()
    for _ in range(draw(st.integers(0, 9))):
        kind = draw(st.sampled_from(["support", "attack"]))
        target = draw(st.sampled_from(keys))
        premises = draw(st.lists(st.sampled_from([k for k in keys if k != target]),
                                 min_size=1, max_size=3, unique=True))
        if any((p, target) in taken for p in premises):
            continue
        taken.update((p, target) for p in premises)
        steps.append(RelationData(kind, tuple(premises), target))
    supports = [s for s in steps if s.kind == "support"]
    for _ in range(draw(st.integers(0, 3)) if supports else 0):
        target = draw(st.sampled_from(supports))
        free = [k for k in keys if k not in (*target.premises, target.target)
                and (k, target.ref) not in taken]
        if free:
            cutter = draw(st.sampled_from(free))
            taken.add((cutter, target.ref))
            steps.append(RelationData("undercut", (cutter,), target.ref))
    return MapData(slug="p", title="P", nodes=tuple(NodeData(k, "claim", k) for k in keys),
                   relations=tuple(steps))


@settings(max_examples=300, deadline=None)
@given(maps_with_linked_steps())
def test_evaluation_equals_the_definition_with_linked_steps(data):
    result = evaluate(data)
    nodes, steps = oracle(data)
    assert {k: r.label for k, r in result.nodes.items()} == nodes
    for ref, label in result.inferences.items():
        assert steps[ref] == label, ref


def test_the_oracle_itself_on_a_hand_case():
    data = linked_map(rel("attack", "x", "b"), rel("attack", "y", "x"))
    nodes, steps = oracle(data)
    assert nodes == {"a": IN, "b": IN, "c": IN, "x": OUT, "y": IN}
    assert steps["a + b -> c"] == IN and steps["x -> b"] == OUT


# --- drawing ------------------------------------------------------------------------------

def test_a_linked_step_is_drawn_through_one_inference_point():
    data = linked_map(rel("undercut", "u", "a + b -> c"))
    root = ET.fromstring(render(data, "svg"))
    ids = {g.get("id") for g in root.iter(f"{SVG}g")}
    assert "j-a_b--c" in ids  # the diamond
    edges = {g.get("id") for g in root.iter(f"{SVG}g") if g.get("class") == "edge"}
    assert {"r-a--j-a_b--c", "r-b--j-a_b--c", "r-j-a_b--c--n-c", "u-u--j-a_b--c"} <= edges
    legend = " ".join(root.itertext())
    assert "linked" in legend and "count only together" in legend


def test_one_premise_steps_are_drawn_as_before():
    data = tiny_map(node("a"), node("b"), relations=[rel("support", "a", "b")])
    source = to_dot(data)
    assert "j-" not in source and "linked premises" not in source


# --- formats --------------------------------------------------------------------------------

FILE = """\
format: argmap-map/2
slug: linked
title: Linked
nodes:
  - key: c
    kind: thesis
    text: The conclusion.
  - key: a
    kind: claim
    text: One premise.
    supports:
      - to: c
        with: [b]
  - key: b
    kind: claim
    text: Its co-premise.
  - key: u
    kind: rebuttal
    text: It does not follow.
    undercuts: "b + a -> c"
"""


def test_the_map_file_writes_a_linked_step_once_with_its_co_premises():
    data = parse_map_text(FILE)
    assert [(r.kind, r.premises, r.target) for r in data.relations] == [
        ("support", ("a", "b"), "c"), ("undercut", ("u",), "a + b -> c")]


def test_format_1_is_still_read_but_has_no_linked_steps():
    old = FILE.replace("argmap-map/2", "argmap-map/1")
    with pytest.raises(MapFileError, match=r":12: node 'a': a linked support needs "
                                           r"'format: argmap-map/2'"):
        parse_map_text(old, "old.yaml")
    plain = old.replace("      - to: c\n        with: [b]\n", "      - c\n").replace(
        '    undercuts: "b + a -> c"\n', '    undercuts: "a -> c"\n')
    assert [r.ref for r in parse_map_text(plain).relations] == ["a -> c", "u -> a -> c"]


@pytest.mark.parametrize("fmt", ["json", "argdown", "aif"])
def test_every_format_carries_linked_steps(fmt):
    data = parse_map_text(FILE)
    _found, back = read(write(data, fmt).encode(), f"linked.{fmt}")
    texts = {n.key: n.text for n in back.data.nodes}
    steps = {(r.kind, frozenset(texts[p] for p in r.premises),
              texts.get(r.target) or frozenset(
                  texts[p] for p in back.data.steps_by_ref[r.target].premises))
             for r in back.data.relations}
    assert ("support", frozenset({"One premise.", "Its co-premise."}), "The conclusion.") \
        in steps
    assert ("undercut", frozenset({"It does not follow."}),
            frozenset({"One premise.", "Its co-premise."})) in steps
    assert back.warnings == []


def test_argdown_writes_a_linked_step_as_a_premise_conclusion_structure():
    text = write(parse_map_text(FILE), "argdown")
    assert "(1) [a]: One premise." in text and "(2) [b]: Its co-premise." in text
    assert "----\n(3) [c]" in text
    assert "  _ <u>: It does not follow." in text or "  _ [u]: It does not follow." in text


def test_a_linked_attack_survives_argdown_and_aif():
    data = tiny_map(node("t", "thesis"), node("a"), node("b"),
                    relations=[rel("attack", "a + b", "t")])
    for fmt in ("argdown", "aif", "json"):
        _found, back = read(write(data, fmt).encode(), f"x.{fmt}")
        texts = {n.key: n.text for n in back.data.nodes}
        assert [(r.kind, sorted(texts[p] for p in r.premises), texts[r.target])
                for r in back.data.relations] == [
            ("attack", ["Text of a.", "Text of b."], "Text of t.")], fmt
        assert len(back.data.nodes) == 3, fmt


def test_json_version_1_is_still_read():
    payload = json.loads(write(tiny_map(node("a"), node("b"),
                                        relations=[rel("support", "a", "b")]), "json"))
    payload["version"] = 1
    payload["relations"] = [{"kind": "support", "from": "a", "to": "b"}]
    _found, back = read(json.dumps(payload).encode(), "old.json")
    assert [r.ref for r in back.data.relations] == ["a -> b"]


def test_pairs_of_premises_are_one_step_per_target():
    # every way a node could take part twice in steps to one target is refused
    for first, second in itertools.product(["a", "a + b"], ["a", "a + c"]):
        data = tiny_map(node("a"), node("b"), node("c"), node("t"),
                        relations=[rel("support", first, "t"), rel("attack", second, "t")])
        with pytest.raises(MapFileError, match="already argues about 't'"):
            read(write(data, "json").encode(), "twice.json")
