"""Which claims still stand: grounded labels, DF-QuAD strengths and plain-word explanations,
optionally with some nodes supposed withdrawn (a what-if that changes nothing stored)."""

from dataclasses import dataclass, field

from argmap.evaluate.dfquad import Strengths, strengths
from argmap.evaluate.grounded import IN, OUT, READINGS, UNDEC, Framework, framework, label
from argmap.mapdata import MapData
from argmap.outline import short

__all__ = ["IN", "OUT", "READINGS", "UNDEC", "Evaluation", "NodeResult", "evaluate"]
MARKS = {IN: "\u2713", OUT: "\u2717", UNDEC: "?"}  # readable without colour
WORDS = {IN: "stands", OUT: "defeated", UNDEC: "undecided"}


@dataclass(frozen=True)
class NodeResult:
    key: str
    label: str
    strength: float
    why: str
    movers: str = ""


@dataclass(frozen=True)
class Evaluation:
    nodes: dict[str, NodeResult]
    inferences: dict[str, str]  # "a -> b" -> label of that support step
    inference_why: dict[str, str] = field(default_factory=dict)  # for steps that fail
    converged: bool = True
    rounds: int = 0
    reading: str = "plain"
    withdrawn: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)


def _name(data: MapData, item: str) -> str:
    if " -> " in item:
        a, b = item.split(" -> ")
        return f"the step from \u201c{_name(data, a)}\u201d to \u201c{_name(data, b)}\u201d"
    return short(data.nodes_by_key[item], 60)


def _cycle(attackers: dict, labels: dict[str, str], start: str) -> list[str]:
    """A cycle of undecided attacks that `start` sits in or hangs from."""
    path, seen = [start], {start: 0}
    current = start
    while True:
        nxt = next((a for a in attackers.get(current, ()) if labels[a] == UNDEC), None)
        if nxt is None:
            return []
        if nxt in seen:
            return path[seen[nxt]:] + [nxt]
        seen[nxt] = len(path)
        path.append(nxt)
        current = nxt


def explain(data: MapData, fw: Framework, labels: dict[str, str], item: str,
            by_item: dict | None = None) -> str:
    by_item = by_item if by_item is not None else fw.attackers
    attackers = list(dict.fromkeys(by_item.get(item, ())))
    state = labels[item]
    if state == IN:
        if not attackers:
            return "Stands: nothing attacks it."
        beaten = [f"\u201c{_name(data, a)}\u201d is defeated" for a in attackers[:3]]
        return "Stands: every attack on it fails (" + "; ".join(beaten) + ")."
    if state == OUT:
        winner = next(a for a in attackers if labels[a] == IN)
        reason = ("nothing attacks it" if not by_item.get(winner)
                  else "every attack on it fails")
        derived = (winner, item) in fw.derived
        how = " (under necessary support: it attacks something this needs)" if derived else ""
        if " -> " in item:
            return (f"Does not count: undercut by \u201c{_name(data, winner)}\u201d{how}, which "
                    f"stands because {reason}.")
        return f"Defeated by \u201c{_name(data, winner)}\u201d{how}, which stands because {reason}."
    cycle = _cycle(by_item, labels, item)
    if cycle:
        loop = " \u2192 ".join(f"\u201c{_name(data, c)}\u201d" for c in reversed(cycle))
        where = "sits in" if item in cycle[:-1] else "depends on"
        return f"Undecided: it {where} a cycle of attacks ({loop}) that no side wins."
    return "Undecided: its attackers are undecided."


def evaluate(data: MapData, *, reading: str = "plain", base: dict[str, float] | None = None,
             withdrawn: tuple[str, ...] = ()) -> Evaluation:
    if withdrawn:
        from argmap.render.select import keep_only
        data = keep_only(data, {n.key for n in data.nodes} - set(withdrawn))
    fw = framework(data, reading)
    labels = label(fw)
    strong: Strengths = strengths(data, base)
    incoming: dict[str, list] = {}
    for rel in data.relations:
        if rel.kind in ("support", "attack"):
            incoming.setdefault(rel.target, []).append(rel)
    by_item = fw.attackers
    results = {}
    for node in data.nodes:
        movers = _movers(data, strong.values, incoming.get(node.key, []))
        results[node.key] = NodeResult(node.key, labels[node.key], strong.values[node.key],
                                       explain(data, fw, labels, node.key, by_item), movers)
    inferences = {r.ref: labels[r.ref] for r in data.relations if r.kind == "support"}
    inference_why = {ref: explain(data, fw, labels, ref, by_item)
                     for ref, state in inferences.items() if state != IN}
    notes = [] if strong.converged else [
        f"The strengths did not settle within {strong.rounds} rounds (cycles keep moving "
        "them); treat them as approximate."]
    return Evaluation(results, inferences, inference_why, strong.converged, strong.rounds,
                      reading, tuple(withdrawn), notes)


def _movers(data: MapData, values: dict[str, float], incoming: list) -> str:
    """The supporters and attackers that move a node's strength most (the strongest)."""
    pulls = []
    for rel in incoming:
        sign = "+" if rel.kind == "support" else "\u2212"
        pulls.append((values[rel.source], f"{sign} \u201c{_name(data, rel.source)}\u201d "
                                          f"({values[rel.source]:.0%})"))
    pulls.sort(key=lambda p: -p[0])
    return ", ".join(text for _v, text in pulls[:3])
