"""Evaluation: textbook frameworks with their known grounded labels, DF-QuAD values worked out
by hand, a property test against the definition, and the seed map's evaluation."""

import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.evaluate import IN, OUT, UNDEC, evaluate
from argmap.evaluate.dfquad import aggregate, combine, strengths
from argmap.evaluate.grounded import Framework, framework, label
from argmap.formats.mapfile import load_map_file
from argmap.paths import SEEDS
from tests.helpers import node, rel, tiny_map

SEED = load_map_file(SEEDS / "treaty-alliance.yaml")


def attacks(*pairs, nodes=None, supports=(), undercuts=()):
    keys = nodes or sorted({k for pair in pairs for k in pair} | {k for p in supports for k in p})
    return tiny_map(*(node(k) for k in keys),
                    relations=[rel("attack", a, b) for a, b in pairs]
                    + [rel("support", a, b) for a, b in supports]
                    + [rel("undercut", a, b) for a, b in undercuts])


def labels_of(data, reading="plain"):
    result = evaluate(data, reading=reading)
    return {k: r.label for k, r in result.nodes.items()}, result


# --- textbook frameworks -----------------------------------------------------------------

def test_reinstatement():
    labels, result = labels_of(attacks(("a", "b"), ("b", "c")))
    assert labels == {"a": IN, "b": OUT, "c": IN}
    assert result.nodes["b"].why.startswith("Defeated by \u201cText of a.\u201d")
    assert "every attack on it fails" in result.nodes["c"].why


def test_even_cycle_is_undecided():
    labels, result = labels_of(attacks(("a", "b"), ("b", "a")))
    assert labels == {"a": UNDEC, "b": UNDEC}
    assert "cycle of attacks" in result.nodes["a"].why


def test_odd_cycle_is_undecided():
    labels, _ = labels_of(attacks(("a", "b"), ("b", "c"), ("c", "a")))
    assert labels == {"a": UNDEC, "b": UNDEC, "c": UNDEC}


def test_self_attack():
    labels, result = labels_of(tiny_map(node("a"), node("b"),
                                        relations=[rel("attack", "a", "a"),
                                                   rel("attack", "a", "b")]))
    assert labels == {"a": UNDEC, "b": UNDEC}
    assert "sits in a cycle" in result.nodes["a"].why


def test_undercut_on_a_support():
    data = tiny_map(node("a"), node("b"), node("u"),
                    relations=[rel("support", "a", "b"), rel("undercut", "u", "a -> b")])
    labels, result = labels_of(data)
    assert labels == {"a": IN, "b": IN, "u": IN}  # support never defeats
    assert result.inferences == {"a -> b": OUT}
    fw = framework(data)
    assert "undercut by" in __import__("argmap.evaluate", fromlist=["explain"]).explain(
        data, fw, label(fw), "a -> b")
    # a defeated undercutter gives the inference back
    data2 = tiny_map(node("a"), node("b"), node("u"), node("v"),
                     relations=[rel("support", "a", "b"), rel("undercut", "u", "a -> b"),
                                rel("attack", "v", "u")])
    assert evaluate(data2).inferences == {"a -> b": IN}


def test_floating_reinstatement():
    # a and b attack each other, both attack c, c attacks d: grounded leaves all undecided
    labels, _ = labels_of(attacks(("a", "b"), ("b", "a"), ("a", "c"), ("b", "c"), ("c", "d")))
    assert labels == {"a": UNDEC, "b": UNDEC, "c": UNDEC, "d": UNDEC}


def test_necessary_support_reading():
    data = attacks(("x", "a"), supports=[("a", "b"), ("b", "c")], nodes=["a", "b", "c", "x"])
    plain, _ = labels_of(data)
    assert plain == {"a": OUT, "b": IN, "c": IN, "x": IN}
    necessary, result = labels_of(data, "necessary")
    assert necessary == {"a": OUT, "b": OUT, "c": OUT, "x": IN}
    assert "necessary support" in result.nodes["c"].why


# --- DF-QuAD ------------------------------------------------------------------------------

def test_dfquad_by_hand():
    # b (0.5) supports a, c attacks a with base 0.8; a's base is 0.5.
    data = tiny_map(node("a"), node("b"), node("c"),
                    relations=[rel("support", "b", "a"), rel("attack", "c", "a")])
    result = strengths(data, {"c": 0.8})
    # F(attackers) = 0.8, F(supporters) = 0.5: va > vs, so 0.5 - 0.5 * (0.8 - 0.5) = 0.35
    assert result.values["a"] == pytest.approx(0.35)
    assert result.converged and result.rounds == 0
    assert aggregate([0.5, 0.5]) == pytest.approx(0.75)
    assert combine(0.5, 0.0, 0.75) == pytest.approx(0.875)
    assert combine(0.4, 0.3, 0.3) == pytest.approx(0.4)


def test_dfquad_undercut_weakens_the_support():
    data = tiny_map(node("a"), node("b"), node("u"),
                    relations=[rel("support", "b", "a"), rel("undercut", "u", "b -> a")])
    # the support counts at 0.5 * (1 - 0.5) = 0.25: 0.5 + 0.5 * 0.25 = 0.625
    assert strengths(data).values["a"] == pytest.approx(0.625)


def test_dfquad_cycle_converges_and_says_so():
    data = attacks(("a", "b"), ("b", "a"))
    result = strengths(data, {"a": 0.6, "b": 0.4})
    assert result.converged and result.rounds > 0
    a, b = result.values["a"], result.values["b"]
    assert a == pytest.approx(0.6 - 0.6 * b, abs=1e-7)
    assert b == pytest.approx(0.4 - 0.4 * a, abs=1e-7)


# --- property: propagation equals the definition -----------------------------------------

def brute_grounded(items, attackers):
    """The least complete labelling, by the definition: iterate the characteristic function."""
    inside: set = set()
    while True:
        defended = {x for x in items
                    if all(any(d in inside for d in attackers.get(y, ()))
                           for y in attackers.get(x, ()))}
        if defended == inside:
            break
        inside = defended
    out = {x for x in items if any(a in inside for a in attackers.get(x, ()))}
    return {x: IN if x in inside else OUT if x in out else UNDEC for x in items}


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=8).flatmap(
    lambda n: st.tuples(st.just(n), st.sets(st.tuples(st.integers(0, n - 1),
                                                      st.integers(0, n - 1))))))
def test_propagation_equals_the_definition(case):
    n, pairs = case
    items = [f"x{i}" for i in range(n)]
    fw = Framework(items)
    for a, b in pairs:
        fw.add(f"x{a}", f"x{b}")
    assert label(fw) == brute_grounded(items, fw.attackers)


def test_brute_force_checker_is_itself_right():
    # every subset check on one small case: the grounded extension is the least complete one
    items = ["a", "b", "c"]
    att = {"b": ["a"], "c": ["b"]}
    complete = []
    for size in range(4):
        for subset in itertools.combinations(items, size):
            s = set(subset)
            conflict_free = not any(a in s for x in s for a in att.get(x, ()))
            defends = {x for x in items if all(any(d in s for d in att.get(y, ()))
                                               for y in att.get(x, ()))}
            if conflict_free and defends == s:
                complete.append(s)
    assert min(complete, key=len) == {"a", "c"}
    assert brute_grounded(items, att) == {"a": IN, "b": OUT, "c": IN}


# --- the seed map -------------------------------------------------------------------------

def test_seed_evaluation_is_stable_and_explained():
    first, second = evaluate(SEED), evaluate(SEED)
    assert first == second
    # The editors' objections to the scope and consent arguments stand unanswered.
    assert first.nodes["thesis"].label == OUT
    assert all(r.why for r in first.nodes.values())
    labels = {r.label for r in first.nodes.values()}
    assert labels <= {IN, OUT, UNDEC} and OUT in labels
    for key, result in first.nodes.items():
        if result.label == OUT:
            assert result.why.startswith("Defeated by"), key


def test_what_if_withdrawing_a_claim_changes_the_thesis():
    before = evaluate(SEED)
    # the editors' objections to the answers to both objections the thesis faces
    withdrawn = ANSWERED
    after = evaluate(SEED, withdrawn=withdrawn)
    assert not set(withdrawn) & set(after.nodes)
    assert before.nodes["thesis"].why.startswith("Defeated by \u201cTrump, second term")
    assert after.nodes["thesis"].label == IN and before.nodes["thesis"].label == OUT
    assert after.nodes["thesis"].strength > before.nodes["thesis"].strength
    # One of them alone does not do it: the other objection is still unanswered.
    assert evaluate(SEED, withdrawn=ANSWERED[:1]).nodes["thesis"].label == OUT
    # Under necessary support, Article VI's attack on the reconstructed premise also reaches
    # the consent claim, so the thesis needs that withdrawn as well.
    necessary = evaluate(SEED, withdrawn=withdrawn, reading="necessary")
    assert necessary.nodes["thesis"].label == OUT
    assert evaluate(SEED, withdrawn=(*withdrawn, "ed-art6-termination"),
                    reading="necessary").nodes["thesis"].label == IN


ANSWERED = ("ed-korus-linkage", "ed-strategic-flexibility", "ed-ndaa-consultation")


def test_cli_prints_the_same(runner):
    result = runner.invoke(args=["evaluate", str(SEEDS / "treaty-alliance.yaml"), "--format",
                                 "json", "--withdraw", "ed-korus-linkage"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    expected = evaluate(SEED, withdrawn=("ed-korus-linkage",))
    assert {n["key"]: n["label"] for n in printed["nodes"]} == \
        {k: r.label for k, r in expected.nodes.items()}
    text = runner.invoke(args=["evaluate", "treaty-alliance", "--semantics", "dfquad"])
    assert text.exit_code == 0 and "thesis: Defeated" in text.output and "%" in text.output
