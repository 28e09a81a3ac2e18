"""Grounded labelling (Dung 1995) of a map, in O(items + attacks).

The items are the map's nodes and its support relations (inferences); an attack relation makes
one node attack another, an undercut makes a node attack an inference. Support never defeats.

Readings:
- plain (default): only attacks and undercuts;
- necessary: support is read as necessary support (Cayrol & Lagasquie-Schiex 2013). Before the
  labelling, every attack on a node is extended to everything that node supports, directly or
  through a chain of supports: if c attacks a, and a supports b (or a supports x supports b),
  then c also attacks b (the secondary and extended attacks of that paper's necessary reading).
  Nothing else is derived.
"""

from collections import defaultdict, deque
from dataclasses import dataclass, field

from argmap.mapdata import MapData

IN, OUT, UNDEC = "IN", "OUT", "UNDEC"
READINGS = ("plain", "necessary")


@dataclass
class Framework:
    """Items (node keys and "a -> b" inference refs) and who attacks whom."""

    items: list[str]
    attackers: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    derived: set[tuple[str, str]] = field(default_factory=set)  # attacks added by a reading

    def targets(self) -> dict[str, list[str]]:
        out = defaultdict(list)
        for target, sources in self.attackers.items():
            for source in sources:
                out[source].append(target)
        return out


def framework(data: MapData, reading: str = "plain") -> Framework:
    if reading not in READINGS:
        raise ValueError(f"unknown reading {reading!r}")
    items = [n.key for n in data.nodes]
    items += [r.ref for r in data.relations if r.kind == "support"]
    fw = Framework(items)
    supports = defaultdict(list)
    for rel in data.relations:
        if rel.kind == "support":
            supports[rel.source].append(rel.target)
    for rel in data.relations:
        if rel.kind in ("attack", "undercut"):
            fw.attackers[rel.target].append(rel.source)
    if reading == "necessary":
        for rel in data.relations:
            if rel.kind != "attack":
                continue
            seen, queue = {rel.target}, deque([rel.target])
            while queue:
                for supported in supports[queue.popleft()]:
                    if supported not in seen:
                        seen.add(supported)
                        queue.append(supported)
                        if rel.source not in fw.attackers[supported]:
                            fw.attackers[supported].append(rel.source)
                            fw.derived.add((rel.source, supported))
    return fw


def label(fw: Framework) -> dict[str, str]:
    """The grounded labelling by propagation: IN when every attacker is OUT, OUT when some
    attacker is IN, UNDEC for what is left."""
    labels: dict[str, str] = {}
    alive = {item: len(set(fw.attackers.get(item, ()))) for item in fw.items}
    targets = fw.targets()
    queue = deque(item for item in fw.items if alive[item] == 0)
    while queue:
        item = queue.popleft()
        if item in labels:
            continue
        labels[item] = IN
        for target in set(targets.get(item, ())):
            if target in labels:
                continue
            labels[target] = OUT
            for next_target in set(targets.get(target, ())):
                if next_target not in labels:
                    alive[next_target] -= 1
                    if alive[next_target] == 0:
                        queue.append(next_target)
    for item in fw.items:
        labels.setdefault(item, UNDEC)
    return labels
