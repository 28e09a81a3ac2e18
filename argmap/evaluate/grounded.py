"""Grounded labelling (Dung 1995) of a map, in O(items + attacks).

The items are the map's nodes and its steps (support steps always, other steps when they are
linked). A step *holds* when all its premises stand and no undercut of it stands; it *fails*
when a premise is defeated or an undercut of it stands. An attack step defeats its target
only while it holds; support never defeats.

In Dung's terms each premise p of a step s gets a helper item "p fails for s", attacked by p
alone, which attacks s: the helper is IN exactly when p is OUT. A one-premise attack or
undercut is drawn as the plain attack from its premise (the same labels, fewer items).

Readings:
- plain (default): only attacks and undercuts;
- necessary: support is read as necessary support (Cayrol & Lagasquie-Schiex 2013). Before the
  labelling, every attack on a node is extended to everything that node supports, directly or
  through a chain of supports: if c attacks a, and a supports b (alone or with co-premises),
  then c also attacks b (the secondary and extended attacks of that paper's necessary reading).
  Nothing else is derived.
"""

from collections import defaultdict, deque

from argmap.mapdata import MapData, RelationData

IN, OUT, UNDEC = "IN", "OUT", "UNDEC"
READINGS = ("plain", "necessary")


def fails_item(premise: str, ref: str) -> tuple[str, str]:
    """The helper item that is IN exactly when `premise` is defeated (for step `ref`)."""
    return (premise, ref)


class Framework:
    """Items (node keys, step refs, and premise helpers) and who attacks whom.

    Attacks are kept as pairs of item numbers, once each, so labelling works on plain lists.
    """

    def __init__(self, items: list):
        self.items = list(items)
        self.index = {item: i for i, item in enumerate(self.items)}
        self.edges: list[tuple[int, int]] = []  # (attacker, attacked)
        self.seen: set[tuple[int, int]] = set()
        self.derived: set[tuple[str, str]] = set()  # attacks added by a reading
        self.steps: dict[str, RelationData] = {}  # the steps that are items, by ref

    def add(self, attacker, attacked) -> bool:
        pair = (self.index[attacker], self.index[attacked])
        if pair in self.seen:
            return False
        self.seen.add(pair)
        self.edges.append(pair)
        return True

    @property
    def attackers(self) -> dict:
        """Attackers by item name (for explanations; built on demand)."""
        found = defaultdict(list)
        for a, t in self.edges:
            found[self.items[t]].append(self.items[a])
        return found


def is_item(step: RelationData) -> bool:
    """Support steps are items (they can be undercut); other steps only when linked."""
    return step.kind == "support" or step.is_linked


def attacker_of(step: RelationData) -> str:
    """What attacks a target on behalf of an attack or undercut step."""
    return step.ref if is_item(step) else step.premises[0]


def framework(data: MapData, reading: str = "plain") -> Framework:
    if reading not in READINGS:
        raise ValueError(f"unknown reading {reading!r}")
    items: list = [n.key for n in data.nodes]
    steps = [r for r in data.relations if is_item(r)]
    items += [r.ref for r in steps]
    items += [fails_item(p, r.ref) for r in steps for p in r.premises]
    fw = Framework(items)
    fw.steps = {r.ref: r for r in steps}
    for step in steps:
        for premise in step.premises:
            fw.add(premise, fails_item(premise, step.ref))
            fw.add(fails_item(premise, step.ref), step.ref)
    supports = defaultdict(list)
    for rel in data.relations:
        if rel.kind == "support":
            for premise in rel.premises:
                supports[premise].append(rel.target)
    for rel in data.relations:
        if rel.kind == "attack":
            fw.add(attacker_of(rel), rel.target)
        elif rel.is_undercut:
            fw.add(attacker_of(rel), data.steps_by_ref[rel.target].ref)
    if reading == "necessary":
        for rel in data.relations:
            if rel.kind != "attack":
                continue
            attacker = attacker_of(rel)
            seen, queue = {rel.target}, deque([rel.target])
            while queue:
                for supported in supports[queue.popleft()]:
                    if supported not in seen:
                        seen.add(supported)
                        queue.append(supported)
                        if fw.add(attacker, supported):
                            fw.derived.add((attacker, supported))
    return fw


def label(fw: Framework) -> dict:
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
