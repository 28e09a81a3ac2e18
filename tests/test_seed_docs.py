"""docs/seed-map.md says what the seed map's evaluation is: every row of its what-if table is
recomputed here, under both readings, so the page cannot drift from the map."""

import re

import pytest

from argmap.evaluate import evaluate
from argmap.formats.mapfile import load_map_file
from argmap.paths import SEEDS

DOC = SEEDS.parent / "docs" / "seed-map.md"
SEED = load_map_file(SEEDS / "treaty-alliance.yaml")
CELL = r"(IN|OUT|UNDEC) ([\d.]+)%"
ROW = re.compile(rf"^\| (nothing|`[^|]+`) \| {CELL} \| {CELL} \|$")


def rows() -> list[tuple[tuple[str, ...], tuple[str, float], tuple[str, float]]]:
    found = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            keys = () if match[1] == "nothing" else tuple(re.findall(r"`([^`]+)`", match[1]))
            found.append((keys, (match[2], float(match[3])), (match[4], float(match[5]))))
    return found


def test_the_table_covers_each_editors_counterargument_alone():
    alone = {keys[0] for keys, _plain, _necessary in rows() if len(keys) == 1}
    assert alone == {n.key for n in SEED.nodes if n.origin == "editor"}
    assert tuple(keys for keys, *_ in rows() if not keys) == ((), )


@pytest.mark.parametrize("keys, plain, necessary", rows(), ids=lambda v: str(v))
def test_each_row_is_what_argmap_evaluate_prints(keys, plain, necessary):
    for reading, (label, strength) in (("plain", plain), ("necessary", necessary)):
        thesis = evaluate(SEED, reading=reading, withdrawn=keys).nodes["thesis"]
        assert (thesis.label, round(thesis.strength * 100, 1)) == (label, strength), reading
