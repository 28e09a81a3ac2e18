"""The rules of a map, in one place: what a node, a source and a step may be.

Every way into a map asks this module: the map-file reader and every importer check a whole
MapData with `check_map`, and the domain functions behind the web forms and the CLI check each
single change with `check_node` and `check_step`. A broken rule is a `RuleBroken` carrying one
message, the key of the node or source it is about, and the form field it concerns; readers
add their own location (a line, a JSON path) in front of the same message.

The database holds the same rules where a constraint can (see models.py); the rules that span
rows (a step's premises, what an undercut may target) live only here.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from argmap.errors import InvalidInput
from argmap.mapdata import MapData, NodeData, RelationData, SourceData, same_step
from argmap.models import MapBase, NodeCreate, NodeKind, RelationKind, SourceCreate, validate

STEP_KINDS = {k.value for k in RelationKind}
EVIDENCE_CITES = "evidence must cite a source"
OWN_STEP = "a node cannot undercut an inference it is part of"


class RuleBroken(InvalidInput):
    """One broken rule; `key` names the node or source it is about, when there is one."""

    def __init__(self, message: str, *, key: str | None = None, field: str | None = None,
                 step: RelationData | None = None):
        super().__init__(message, field=field)
        self.key = key
        self.step = step  # the step being checked, when it is about one


@dataclass(frozen=True)
class StepContext:
    """What a step is checked against: which nodes exist, which steps exist (by ref), and the
    (premise, target) pairs already taken by other steps."""

    has_node: Callable[[str], bool]
    step: Callable[[str], RelationData | None]
    taken: Callable[[str, str], bool]


def check_node(node: NodeData) -> None:
    try:
        validate(NodeCreate, {"key": node.key, "kind": node.kind, "text": node.text,
                              "title": node.title, "author": node.author,
                              "origin": node.origin,
                              "passage_paragraph": node.passage_paragraph,
                              "passage_quote": node.passage_quote,
                              "tags": ",".join(node.tags) or None})
    except InvalidInput as exc:
        raise RuleBroken(str(exc), key=node.key, field=exc.field) from None
    if node.kind == NodeKind.EVIDENCE and not node.cites:
        raise RuleBroken(EVIDENCE_CITES, key=node.key, field="source")


def check_details(data: MapData) -> None:
    """The map's own fields: its title, description and the document it maps."""
    doc = data.document
    try:
        validate(MapBase, {"title": data.title, "description": data.description,
                           "doc_title": doc.title, "doc_author": doc.author,
                           "doc_outlet": doc.outlet, "doc_date": doc.date, "doc_url": doc.url})
    except InvalidInput as exc:
        raise RuleBroken(f"the map's {exc}", field=exc.field) from None


def check_source(src: SourceData) -> None:
    try:
        validate(SourceCreate, {"key": src.key, "document": src.document,
                                "locator": src.locator, "quote": src.quote, "url": src.url,
                                "note": src.note})
    except InvalidInput as exc:
        raise RuleBroken(f"source {src.key!r}: {exc}", key=src.key, field=exc.field) from None


def _broken(step: RelationData, message: str, **where) -> RuleBroken:
    return RuleBroken(message, step=step, **where)


def unknown_premise(premise: str, step: RelationData | None = None) -> RuleBroken:
    """A premise that is not a node of this map (in a file: no such key; in a stored map: a
    node of another map, or none)."""
    return RuleBroken(f"a relation starts at an unknown statement {premise!r}", step=step,
                      key=step.premises[0] if step else premise, field="premise")


def unknown_target(premise: str, target: str, step: RelationData | None = None) -> RuleBroken:
    return RuleBroken(f"{premise!r} points at an unknown statement {target!r}", step=step,
                      key=premise, field="target")


def check_step(step: RelationData, context: StepContext) -> None:
    """One support, attack or undercut, with one or more premises."""
    first = step.premises[0] if step.premises else None
    if step.kind not in STEP_KINDS:
        raise _broken(step, f"unknown relation kind {step.kind!r} (expected support, attack or "
                         "undercut)", key=first, field="kind")
    if not step.premises:
        raise _broken(step, "a step needs at least one premise", field="premise")
    if len(set(step.premises)) != len(step.premises):
        raise _broken(step, f"{step.ref!r} names a premise twice", key=first, field="premise")
    for premise in step.premises:
        if not context.has_node(premise):
            raise unknown_premise(premise, step)
    conclusion = step.target  # what the premises argue about
    if step.is_undercut:
        target = context.step(step.target)
        if target is None or target.kind != RelationKind.SUPPORT:
            raise _broken(step, f"{step.target!r} is not a support step of this map; only a "
                             "support step (an inference) can be undercut", key=first,
                             field="relation")
        if set(step.premises) & {*target.premises, target.target}:
            raise _broken(step, OWN_STEP, key=first, field="relation")
        conclusion = target.ref  # built once: a linked step's ref is as long as its premises
    elif not context.has_node(step.target):
        raise unknown_target(step.premises[0], step.target, step)  # first, as there are some
    elif step.target in step.premises:
        raise _broken(step, "a node cannot support or attack itself", key=first, field="target")
    for premise in step.premises:
        if context.taken(premise, conclusion):
            raise _broken(step, f"{premise!r} already argues about {step.target!r} in another "
                             "step; a node takes part in one step per conclusion", key=premise,
                             field="premise" if step.is_linked else "target")


def _keys(items: Iterable[NodeData] | Iterable[SourceData], what: str) -> set[str]:
    """The items' keys; a key used twice breaks the rule."""
    seen: set[str] = set()
    for item in items:
        if item.key in seen:
            raise RuleBroken(f"the {what} {item.key!r} is used twice", key=item.key)
        seen.add(item.key)
    return seen


def untimed() -> None:
    """The `tick` of a check without a time budget."""


def check_map(data: MapData, tick: Callable[[], None] = untimed) -> None:
    """Every rule, for a whole map; the first broken one is raised. `tick` is called at every
    node and step (an import's time budget)."""
    if not data.nodes:
        raise RuleBroken("the map has no statements")
    check_details(data)
    sources = _keys(data.sources, "source id")
    for src in data.sources:
        tick()
        check_source(src)
    nodes = _keys(data.nodes, "id")
    for node in data.nodes:
        tick()
        check_node(node)
        if node.cites and node.cites not in sources:
            raise RuleBroken(f"{node.key!r} cites an unknown source {node.cites!r}",
                             key=node.key, field="source")
    steps: dict[str, RelationData] = {}
    taken: set[tuple[str, str]] = set()
    by_ref = data.steps_by_ref
    context = StepContext(has_node=nodes.__contains__,
                          step=lambda ref: steps.get(ref) or _known(by_ref, ref, steps),
                          taken=lambda premise, target: (premise, target) in taken)
    for step in _supports_first(data.relations):
        tick()
        check_step(step, context)
        if step.is_undercut:
            undercut = context.step(step.target)
            assert undercut is not None  # check_step has found it
            target = undercut.ref
        else:
            target = step.target
        taken.update((premise, target) for premise in step.premises)
        steps[step.ref] = step


def _known(by_ref: dict[str, RelationData], ref: str, checked: dict) -> RelationData | None:
    """A step an undercut names, once it has been checked (in any premise order)."""
    found = by_ref.get(ref) or by_ref.get(same_step(ref))
    return found if found is not None and found.ref in checked else None


def _supports_first(relations: Iterable[RelationData]) -> list[RelationData]:
    """Undercuts name other steps, so those are checked first."""
    relations = list(relations)
    return ([r for r in relations if not r.is_undercut]
            + [r for r in relations if r.is_undercut])
