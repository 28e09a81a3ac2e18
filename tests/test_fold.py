"""Folding wide trees toward their frame (render/fold.py), on its own and in the real layout
of the seed map: no wider than about 2:1 on the page and at 16:9, nothing overlapping, and
each objection right under what it attacks."""

import itertools

import pytest

from argmap.formats.mapfile import load_map_file
from argmap.paths import SEEDS
from argmap.render import ExportOptions, drawing
from argmap.render.fold import fold
from argmap.render.run import layout

SEED = load_map_file(SEEDS / "treaty-alliance.yaml")


def star(children: int) -> tuple[dict, list]:
    boxes = {"root": (2.0, 0.6), **{f"c{i}": (2.0, 0.6) for i in range(children)}}
    return boxes, [(f"c{i}", "root") for i in range(children)]


def test_without_a_target_nothing_folds():
    boxes, edges = star(9)
    plan = fold(boxes, edges, aspect=None, nodesep=0.35, ranksep=0.55)
    assert plan.minlen == {} and plan.width == pytest.approx(9 * 2.0 + 8 * 0.35)


def test_many_children_stack_in_rows_of_nearly_equal_length():
    boxes, edges = star(9)
    plan = fold(boxes, edges, aspect=1.0, nodesep=0.35, ranksep=0.55)
    rows = sorted(itertools.groupby(sorted(plan.minlen.get(i, 1) for i in range(9))),
                  key=lambda group: group[0])
    lengths = [len(list(group)) for _, group in rows]
    assert len(lengths) > 1 and max(lengths) - min(lengths) <= 1
    assert [distance for distance, _ in rows] == list(range(1, len(lengths) + 1))
    assert 0.6 < plan.width / plan.height < 1.6


def test_left_to_right_folds_the_other_way():
    boxes, edges = star(9)
    down = fold(boxes, edges, aspect=16 / 9, nodesep=0.35, ranksep=0.55)
    across = fold(boxes, edges, aspect=16 / 9, nodesep=0.35, ranksep=0.55, across=True)
    assert across.minlen != {} and across.width > across.height
    assert down.width / down.height == pytest.approx(16 / 9, rel=0.6)


def test_a_cycle_still_gives_a_tree():
    boxes = {"a": (1.0, 0.5), "b": (1.0, 0.5)}
    plan = fold(boxes, [("a", "b"), ("b", "a")], aspect=1.0, nodesep=0.3, ranksep=0.5)
    assert plan.children == {"a": [], "b": ["a"]}


def boxes_of(source: str) -> tuple[tuple[float, float], dict[str, tuple[float, ...]]]:
    lines = layout(source).splitlines()
    size = tuple(float(v) for v in lines[0].split()[2:4])
    found = {}
    for line in lines:
        parts = line.split()
        if parts[0] == "node" and parts[1].strip('"').startswith("n-"):
            found[parts[1].strip('"')[2:]] = tuple(float(v) for v in parts[2:6])
    return (size[0], size[1]), found


@pytest.mark.parametrize("options", [ExportOptions(labels="titles", evaluation=True),
                                     ExportOptions(labels="titles", fit="16:9"),
                                     ExportOptions(labels="full")],
                         ids=["page", "fit-16x9", "full"])
def test_the_seed_map_is_no_wider_than_two_to_one_and_nothing_overlaps(options):
    (width, height), boxes = boxes_of(drawing(SEED, options, "svg").sources[0])
    assert width / height <= 2.0, (width, height)
    assert len(boxes) == len(SEED.nodes)
    for (a, (ax, ay, aw, ah)), (b, (bx, by, bw, bh)) in itertools.combinations(
            boxes.items(), 2):
        apart = abs(ax - bx) >= (aw + bw) / 2 or abs(ay - by) >= (ah + bh) / 2
        assert apart, f"{a} overlaps {b}"


def test_an_objection_sits_right_under_what_it_attacks():
    _, boxes = boxes_of(drawing(SEED, ExportOptions(labels="titles"), "svg").sources[0])
    below = {p for r in SEED.relations for p in ([r.target] if not r.is_undercut else [])}
    attacks = [r for r in SEED.relations if r.kind == "attack" and not r.is_linked
               and r.premises[0] not in below and SEED.nodes_by_key[r.premises[0]].kind
               == "rebuttal"]
    assert len(attacks) >= 5
    for rel in attacks:
        (rx, ry, rw, rh), (tx, ty, tw, th) = boxes[rel.premises[0]], boxes[rel.target]
        gap = ty - th / 2 - (ry + rh / 2)  # rankdir BT: the target is above
        assert 0 < gap < 1.2, (rel.ref, gap)
        assert abs(rx - tx) < 3 * max(rw, tw), (rel.ref, rx, tx)
