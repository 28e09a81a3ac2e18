"""Gradual strength by DF-QuAD (Rago, Toni, Aurisicchio and Baroni, KR 2016).

strength(a) = combine(base(a), F(strengths of a's attackers), F(strengths of its supporters))
  F(v1..vn) = 1 - (1 - v1)...(1 - vn), and F() = 0;
  combine(v0, va, vs) = v0 when va = vs; v0 - v0 * (va - vs) when va > vs;
                        v0 + (1 - v0) * (vs - va) when vs > va.

An undercut weakens the inference, not the supporter: a supporter counts with its strength times
(1 - strength) of each undercutter of that support. Acyclic maps are computed exactly in
topological order; with cycles the values are iterated from the base scores until no value
moves by more than TOLERANCE, at most MAX_ROUNDS times, and the result says whether it got there.
"""

from collections import defaultdict, deque
from dataclasses import dataclass

from argmap.mapdata import MapData

TOLERANCE = 1e-9
MAX_ROUNDS = 1000


@dataclass(frozen=True)
class Strengths:
    values: dict[str, float]
    converged: bool = True
    rounds: int = 0  # 0: computed exactly in topological order


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
    attackers, supporters = defaultdict(list), defaultdict(list)
    undercutters = defaultdict(list)
    for rel in data.relations:
        if rel.kind == "attack":
            attackers[rel.target].append(rel.source)
        elif rel.kind == "support":
            supporters[rel.target].append((rel.source, rel.ref))
        else:
            undercutters[rel.target].append(rel.source)
    depends = defaultdict(set)  # node -> nodes its strength is computed from
    for key in score:
        depends[key].update(attackers[key])
        for source, ref in supporters[key]:
            depends[key].add(source)
            depends[key].update(undercutters[ref])

    def value(key: str, current: dict[str, float]) -> float:
        support = aggregate(current[s] * _weakened(ref, current) for s, ref in supporters[key])
        return combine(score[key], aggregate(current[a] for a in attackers[key]), support)

    def _weakened(ref: str, current: dict[str, float]) -> float:
        factor = 1.0
        for cutter in undercutters[ref]:
            factor *= 1.0 - current[cutter]
        return factor

    order = _topological(score, depends)
    if order is not None:
        result: dict[str, float] = {}
        for key in order:
            result[key] = value(key, result)
        return Strengths(result)
    current = dict(score)
    for rounds in range(1, MAX_ROUNDS + 1):
        following = {key: value(key, current) for key in score}
        moved = max((abs(following[k] - current[k]) for k in score), default=0.0)
        current = following
        if moved <= TOLERANCE:
            return Strengths(current, True, rounds)
    return Strengths(current, False, MAX_ROUNDS)


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
