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

from argmap.mapdata import MapData

IN, OUT, UNDEC = "IN", "OUT", "UNDEC"
READINGS = ("plain", "necessary")


class Framework:
    """Items (node keys and "a -> b" inference refs) and who attacks whom.

    Attacks are kept as pairs of item numbers, once each, so labelling works on plain lists.
    """

    def __init__(self, items: list[str]):
        self.items = list(items)
        self.index = {item: i for i, item in enumerate(self.items)}
        self.edges: list[tuple[int, int]] = []  # (attacker, attacked)
        self.seen: set[tuple[int, int]] = set()
        self.derived: set[tuple[str, str]] = set()  # attacks added by a reading

    def add(self, attacker: str, attacked: str) -> bool:
        pair = (self.index[attacker], self.index[attacked])
        if pair in self.seen:
            return False
        self.seen.add(pair)
        self.edges.append(pair)
        return True

    @property
    def attackers(self) -> dict[str, list[str]]:
        """Attackers by item name (for explanations; built on demand)."""
        found = defaultdict(list)
        for a, t in self.edges:
            found[self.items[t]].append(self.items[a])
        return found


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
            fw.add(rel.source, rel.target)
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
                        if fw.add(rel.source, supported):
                            fw.derived.add((rel.source, supported))
    return fw


def label(fw: Framework) -> dict[str, str]:
    """The grounded labelling by propagation: IN when every attacker is OUT, OUT when some
    attacker is IN, UNDEC for what is left. Each item and attack is handled a bounded number
    of times (items are numbered so the loop works on plain lists)."""
    count = len(fw.items)
    targets: list[list[int]] = [[] for _ in range(count)]
    alive = [0] * count  # attackers not yet OUT
    for attacker, attacked in fw.edges:
        targets[attacker].append(attacked)
        alive[attacked] += 1
    state = [0] * count  # 0 unlabelled, 1 IN, 2 OUT
    queue = [i for i in range(count) if alive[i] == 0]
    for item in queue:  # the list grows while it is read
        if state[item]:
            continue
        state[item] = 1
        for target in targets[item]:
            if state[target]:
                continue
            state[target] = 2
            for next_target in targets[target]:
                if not state[next_target]:
                    alive[next_target] -= 1
                    if alive[next_target] == 0:
                        queue.append(next_target)
    names = (UNDEC, IN, OUT)
    return {item: names[state[i]] for i, item in enumerate(fw.items)}
