"""Which claims still stand: grounded labels, DF-QuAD strengths and plain-word explanations,
optionally with some nodes supposed withdrawn (a what-if that changes nothing stored)."""

from dataclasses import dataclass, field

from argmap.evaluate.dfquad import Strengths, strengths
from argmap.evaluate.grounded import IN, OUT, READINGS, UNDEC, Framework, framework, label
from argmap.mapdata import MapData, keep_only, short

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
    inferences: dict[str, str]  # "a -> b" -> label of that step (supports, linked steps)
    inference_why: dict[str, str] = field(default_factory=dict)  # for steps that fail
    converged: bool = True
    rounds: int = 0
    reading: str = "plain"
    withdrawn: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)


def _name(data: MapData, item) -> str:
    step = data.steps_by_ref.get(item) if isinstance(item, str) else None
    if step is not None:
        premises = " with ".join(f"\u201c{_name(data, p)}\u201d" for p in step.premises)
        linked = "linked " if step.is_linked else ""
        together = " together" if step.is_linked else ""
        target = (f"\u201c{_name(data, step.target)}\u201d" if not step.is_undercut
                  else _name(data, step.target))
        return f"the {linked}step from {premises}{together} to {target}"
    return short(data.nodes_by_key[item], 60)


def _cycle(attackers: dict, labels: dict, start) -> list:
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


def _shown(item):
    """A helper item ("p fails for s") stands for its premise p in explanations."""
    return item[0] if isinstance(item, tuple) else item


def explain_step(data: MapData, fw: Framework, labels: dict, ref: str,
                 by_item: dict | None = None) -> str:
    """Why a step holds, fails or is undecided: which premise or undercut decides it."""
    by_item = by_item if by_item is not None else fw.attackers
    step = fw.steps[ref]
    state = labels[ref]
    if state == IN:
        return ("Holds: all its premises stand and nothing undercuts it." if step.is_linked
                else "Holds: its premise stands and nothing undercuts it.")
    cutters = [a for a in by_item.get(ref, ()) if not isinstance(a, tuple)]
    if state == OUT:
        fallen = [p for p in step.premises if labels[p] == OUT]
        if fallen:
            why = f"its premise \u201c{_name(data, fallen[0])}\u201d is defeated"
            if step.is_linked:
                why += " (linked premises count only together)"
            return f"Fails: {why}."
        winner = next(a for a in cutters if labels[a] == IN)
        reason = "nothing attacks it" if not by_item.get(winner) else "every attack on it fails"
        return (f"Does not count: undercut by \u201c{_name(data, winner)}\u201d, which "
                f"stands because {reason}.")
    open_premises = [p for p in step.premises if labels[p] == UNDEC]
    if open_premises:
        return (f"Undecided: its premise \u201c{_name(data, open_premises[0])}\u201d is "
                "undecided.")
    return "Undecided: an undercut of it is undecided."


def explain(data: MapData, fw: Framework, labels: dict, item: str,
            by_item: dict | None = None) -> str:
    by_item = by_item if by_item is not None else fw.attackers
    if item in fw.steps:
        return explain_step(data, fw, labels, item, by_item)
    attackers = list(dict.fromkeys(by_item.get(item, ())))
    state = labels[item]
    if state == IN:
        if not attackers:
            return "Stands: nothing attacks it."
        beaten = [f"\u201c{_name(data, a)}\u201d is defeated" if a not in fw.steps
                  else f"{_name(data, a)} fails" for a in attackers[:3]]
        return "Stands: every attack on it fails (" + "; ".join(beaten) + ")."
    if state == OUT:
        winner = next(a for a in attackers if labels[a] == IN)
        derived = (winner, item) in fw.derived
        how = " (under necessary support: it attacks something this needs)" if derived else ""
        if winner in fw.steps:
            return f"Defeated by {_name(data, winner)}{how}, which holds."
        reason = ("nothing attacks it" if not by_item.get(winner)
                  else "every attack on it fails")
        return f"Defeated by \u201c{_name(data, winner)}\u201d{how}, which stands because {reason}."
    cycle = [_shown(c) for c in _cycle(by_item, labels, item)]
    if cycle:
        loop = " \u2192 ".join(f"\u201c{_name(data, c)}\u201d" if c not in fw.steps
                               else _name(data, c) for c in reversed(cycle))
        where = "sits in" if item in cycle[:-1] else "depends on"
        return f"Undecided: it {where} a cycle of attacks ({loop}) that no side wins."
    return "Undecided: its attackers are undecided."


def evaluate(data: MapData, *, reading: str = "plain", base: dict[str, float] | None = None,
             withdrawn: tuple[str, ...] = ()) -> Evaluation:
    if withdrawn:
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
        movers = _movers(data, strong.steps, incoming.get(node.key, []))
        results[node.key] = NodeResult(node.key, labels[node.key], strong.values[node.key],
                                       explain(data, fw, labels, node.key, by_item), movers)
    inferences = {ref: labels[ref] for ref in fw.steps}
    inference_why = {ref: explain(data, fw, labels, ref, by_item)
                     for ref, state in inferences.items() if state != IN}
    notes = [] if strong.converged else [
        f"The strengths did not settle within {strong.rounds} rounds (cycles keep moving "
        "them); treat them as approximate."]
    return Evaluation(results, inferences, inference_why, strong.converged, strong.rounds,
                      reading, tuple(withdrawn), notes)


def _movers(data: MapData, steps: dict[str, float], incoming: list) -> str:
    """The supporters and attackers that move a node's strength most (the strongest)."""
    pulls = []
    for rel in incoming:
        sign = "+" if rel.kind == "support" else "\u2212"
        value = steps[rel.ref]
        name = (f"\u201c{_name(data, rel.premises[0])}\u201d" if not rel.is_linked
                else _name(data, rel.ref))
        pulls.append((value, f"{sign} {name} ({value:.0%})"))
    pulls.sort(key=lambda p: -p[0])
    return ", ".join(text for _v, text in pulls[:3])
