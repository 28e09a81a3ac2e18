"""Gradual strength by DF-QuAD (Rago, Toni, Aurisicchio and Baroni, KR 2016).

strength(a) = combine(base(a), F(strengths of a's attackers), F(strengths of its supporters))
  F(v1..vn) = 1 - (1 - v1)...(1 - vn), and F() = 0;
  combine(v0, va, vs) = v0 when va = vs; v0 - v0 * (va - vs) when va > vs;
                        v0 + (1 - v0) * (vs - va) when vs > va.

Steps: a support or attack counts with the strength of its step, which is the weakest of its
premises' strengths (a linked step is only as strong as its weakest premise: the weakest-link
principle, Pollock 2001, "Defeasible reasoning with variable degrees of justification",
Artificial Intelligence 133), times (1 - strength) of each undercut of that step. An undercut
weakens the inference, not the premises; for one premise this is DF-QuAD's own undercut
reading, so one-premise maps get the values they always had. Acyclic maps are computed exactly in
topological order; with cycles the values are iterated from the base scores until no value
moves by more than TOLERANCE, at most MAX_ROUNDS times, and the result says whether it got there.
"""

from collections import defaultdict, deque
from dataclasses import dataclass, field

from argmap.mapdata import MapData

TOLERANCE = 1e-9
MAX_ROUNDS = 1000


@dataclass(frozen=True)
class Strengths:
    values: dict[str, float]
    converged: bool = True
    rounds: int = 0  # 0: computed exactly in topological order
    steps: dict[str, float] = field(default_factory=dict)  # each support or attack step


def aggregate(values) -> float:
    product = 1.0
    for value in values:
        product *= 1.0 - value
    return 1.0 - product


def combine(base: float, attack: float, support: float) -> float:
    if attack >= support:
        return base - base * (attack - support)
    return base + (1.0 - base) * (support - attack)


def strengths(data: MapData, base: dict[str, float] | None = None) -> Strengths:
    base = base or {}
    score = {n.key: base.get(n.key, 0.5) for n in data.nodes}
    attacks, supports = defaultdict(list), defaultdict(list)  # node -> steps aimed at it
    undercuts = defaultdict(list)  # step ref -> its undercut steps
    steps = data.steps_by_ref
    for rel in data.relations:
        if rel.kind == "attack":
            attacks[rel.target].append(rel)
        elif rel.kind == "support":
            supports[rel.target].append(rel)
        else:
            undercuts[steps[rel.target].ref].append(rel)
    depends = defaultdict(set)  # node -> nodes its strength is computed from
    for key in score:
        for rel in (*attacks[key], *supports[key]):
            depends[key].update(rel.premises)
            for cut in undercuts[rel.ref]:
                depends[key].update(cut.premises)

    def step(rel, current: dict[str, float]) -> float:
        value = min((current[p] for p in rel.premises), default=0.0)
        for cut in undercuts[rel.ref]:
            value *= 1.0 - min((current[p] for p in cut.premises), default=0.0)
        return value

    def value(key: str, current: dict[str, float]) -> float:
        return combine(score[key], aggregate(step(r, current) for r in attacks[key]),
                       aggregate(step(r, current) for r in supports[key]))

    def with_steps(values: dict[str, float], converged: bool = True, rounds: int = 0):
        aimed = [r for r in data.relations if not r.is_undercut]
        return Strengths(values, converged, rounds, {r.ref: step(r, values) for r in aimed})

    order = _topological(score, depends)
    if order is not None:
        result: dict[str, float] = {}
        for key in order:
            result[key] = value(key, result)
        return with_steps(result)
    current = dict(score)
    for rounds in range(1, MAX_ROUNDS + 1):
        following = {key: value(key, current) for key in score}
        moved = max((abs(following[k] - current[k]) for k in score), default=0.0)
        current = following
        if moved <= TOLERANCE:
            return with_steps(current, True, rounds)
    return with_steps(current, False, MAX_ROUNDS)


def _topological(keys, depends) -> list[str] | None:
    """Keys so that each comes after what it depends on, or None when there is a cycle."""
    waiting = {key: len(depends[key]) for key in keys}
    users = defaultdict(list)
    for key in keys:
        for dependency in depends[key]:
            users[dependency].append(key)
    ready = deque(key for key, count in waiting.items() if count == 0)
    order = []
    while ready:
        key = ready.popleft()
        order.append(key)
        for user in users[key]:
            waiting[user] -= 1
            if waiting[user] == 0:
                ready.append(user)
    return order if len(order) == len(waiting) else None
