"""The node panel's actions. Each view parses the form, calls one domain function inside one
transaction and answers with the panel (htmx) or a 303 back to the map page (plain POST).
A failed change stores nothing and answers 422 with the message next to its field, or 409
when someone else's change got there first. Every change is recorded in the map's history.
"""

import json
from collections.abc import Callable

from flask import Blueprint, jsonify, redirect, request
from markupsafe import Markup

from argmap import db
from argmap.domain.access import Role
from argmap.domain.editing import (
    Citation,
    add_argument,
    add_co_premise,
    add_connected_node,
    add_undercutter,
    connect,
    delete_by_key,
    edit_node,
    node_by_key,
    node_exists,
    remove_co_premise,
)
from argmap.domain.finding import find_nodes, resolve_node
from argmap.domain.gone import deletion
from argmap.domain.history import change, changes
from argmap.domain.mapping import map_passage
from argmap.domain.maps import load_map_data
from argmap.domain.nodes import NODE_DELETED
from argmap.errors import Conflict, InvalidInput, NotFound
from argmap.mapdata import short
from argmap.models import RelationKind, ident, whole_number
from argmap.web.auth import current
from argmap.web.guard import load_map
from argmap.web.page import (
    FormState,
    field_error,
    map_url,
    remember_added,
    render_map_page,
    view_name,
    wants_fragment,
)

bp = Blueprint("nodes", __name__, url_prefix="/maps/<slug>/nodes")

CITATION = ("document", "locator", "quote", "url", "note")
# The panel's forms: which fields each one sends (all post to the routes below).
FORMS = {
    "reason": ("text", "title"),
    "evidence": ("text", "title", *CITATION),
    "rebuttal": ("text", "title"),
    "undercut": ("relation", "text", "title"),
    "edit": ("kind", "title", "text", *CITATION, "passage_paragraph", "passage_quote",
             "version"),
    "link": ("kind", "target", "target_key"),
    "new": ("kind", "text", "title", *CITATION, "parent", "relation"),
    "delete": ("version",),
    "copremise": ("relation", "text", "premise", "premise_key"),
    "uncouple": ("relation", "premise"),
    "passage": ("passage_quote", "passage_paragraph", "passage_start", "kind", "text", "title",
                *CITATION, "relation", "target", "target_key"),
}
# The answer to a change already carries the fresh panel; the views still need a refresh.
PANEL_IS_FRESH = json.dumps({"map-changed": {"panel": "fresh"}})
ARGUMENT_KINDS = {"reason": ("support", "claim"), "evidence": ("support", "evidence"),
                  "rebuttal": ("attack", "rebuttal")}


def _by() -> dict:
    """Who is making the change, as the domain functions record it."""
    user = current()
    return {"author": user.label, "by_id": user.id} if user else {}


def _citation(values: dict) -> Citation:
    return Citation(**{name: values.get(name, "") for name in CITATION})


def _kept(session, found, form: str, key: str, values: dict) -> dict:
    """What someone typed for a node that is gone, as a new node's form: everything, and
    for an edit, the place the node had (the node it supported or attacked, if still there)."""
    kept = {name: values.get(name, "") for name in ("kind", "title", "text", *CITATION)}
    if form in ARGUMENT_KINDS:
        kept["kind"] = ARGUMENT_KINDS[form][1]
    kept["kind"] = kept["kind"] or "claim"
    was = deletion(session, map_id=ident(found), key=key) if form == "edit" else None
    if was and was.parent_key:
        kept.update(parent=was.parent_key, relation=was.relation)
    return kept


def _submit(slug: str, key: str | None, form: str,
            action: Callable[[object, object, dict], tuple[str | None, Markup]],
            form_in: str = "panel", view: str | None = None,
            name: str | None = None, shown: str | None = None):
    """Run `action(session, map, values)` as one transaction and answer for `form`.

    The action returns the node to show afterwards and a message saying what it did.
    `form_in` is the part of the page the form is in ("view" for the source text's form),
    which a refusal answers with; success always answers with the panel. `view` is the view
    the form is always in, for a form that is in one view only. `name` is the form's name in
    the panel (when one route serves several forms), `shown` the node whose panel the form
    was on when that is not `key`.
    """
    values = {name: request.form.get(name, "") for name in FORMS[form]}
    view = view or view_name(request.form.get("view"))
    session = db.session()
    found = load_map(session, slug, need=Role.EDITOR)
    try:
        with change(session, map_id=ident(found), user=current(), action=form) as record:
            show_key, message = action(session, found, values)
            # The history stores the words; its page escapes them when it shows them.
            record["action"] = message.unescape()
    except Conflict as exc:
        latest = changes(session, map_id=ident(found), node_key=key, limit=1) if key else []
        exc.by = latest[0].actor if latest else None  # whose change got there first
        if key is None or node_exists(session, map_id=ident(found), key=key):
            forms = {name or form: FormState(values, conflict=exc)}
        elif values.get("text", "").strip():  # the panel of the gone node offers it as new
            forms = {"new": FormState(_kept(session, found, form, key, values), conflict=exc)}
        else:
            forms = {"gone": FormState(conflict=exc)}
        return render_map_page(session, found=found, view=view, node_key=key, forms=forms,
                               status=409, target="panel" if wants_fragment() else "page")
    except InvalidInput as exc:
        default = "target" if form == "link" else FORMS[form][0]
        errors = field_error(exc, values, default)
        return render_map_page(session, found=found, view=view, node_key=shown or key,
                               forms={name or form: FormState(values, errors)},
                               status=422, target=form_in if wants_fragment() else "page")
    # A new node is shown at once, with what was added to what at the top of its panel.
    added = show_key is not None and show_key != key
    notice = FormState({"parent": key or values.get("parent", ""), "form": form},
                       message=message)
    if not wants_fragment():
        if show_key is not None and added:
            remember_added(slug, show_key, notice)
        return redirect(map_url(slug, view=view, node=show_key, _anchor="panel"), 303)
    response = render_map_page(session, found=found, view=view, node_key=show_key,
                               forms={"added": notice} if added else
                               {form if show_key == key else "panel": FormState(message=message)},
                               target="panel")
    if form_in == "panel":
        response.headers["HX-Trigger"] = PANEL_IS_FRESH
    else:  # the view refreshes after the new node's address is pushed, so it marks the node
        response.headers.update({"HX-Retarget": "#panel", "HX-Reswap": "outerHTML",
                                 "HX-Trigger-After-Settle": PANEL_IS_FRESH})
    if show_key != key:
        response.headers["HX-Push-Url"] = map_url(slug, view=view, node=show_key)
    return response


def _added(kind: str, node) -> Markup:
    return Markup("Added {} \u201c{}\u201d.").format(kind, short(node, 60))


@bp.post("")
def create(slug: str):
    def action(session, found, values):
        node = add_connected_node(session, map_id=found.id, kind=values["kind"],
                                  text=values["text"], title=values["title"],
                                  citation=_citation(values), parent_key=values["parent"],
                                  relation=values["relation"], **_by())
        return node.key, _added(node.kind, node)
    # A node offered again from the panel of the node it replaces stays on that panel.
    return _submit(slug, None, "new", action, shown=request.form.get("node") or None)


@bp.post("/<key>/arguments")
def argue(slug: str, key: str):
    form = request.form.get("form", "")
    if form not in ARGUMENT_KINDS:
        raise InvalidInput("unknown form: expected reason, evidence or rebuttal", field="form")
    relation, kind = ARGUMENT_KINDS[form]

    def action(session, found, values):
        _still_there(session, found, key)
        node = add_argument(session, map_id=found.id, target_key=key, relation=relation,
                            kind=kind, text=values["text"], title=values["title"], **_by(),
                            citation=_citation(values) if kind == "evidence" else None)
        return node.key, _added(kind if kind != "claim" else "reason", node)
    # The quick boxes at the top of the panel post here too, and show their errors there.
    box = "quick-" if request.form.get("box") == "quick" else ""
    return _submit(slug, key, form, action, name=box + form)


@bp.post("/<key>/undercuts")
def undercut(slug: str, key: str):
    def action(session, found, values):
        _still_there(session, found, key)
        node = add_undercutter(session, map_id=found.id, relation_id=_step_id(values),
                               text=values["text"], title=values["title"], **_by())
        return node.key, _added("undercut", node)
    return _submit(slug, key, "undercut", action)


def _version(values: dict) -> int | None:
    """The version the form was made from; None when the form has none."""
    given = values.get("version", "").strip()
    version = whole_number(given)
    if given and version is None:
        raise InvalidInput("this form's version is not a number; reload the page and try again",
                           field="version")
    return version


def _still_there(session, found, key: str):
    """The node being changed; a Conflict if someone deleted it meanwhile (as the history
    tells), NotFound if it was never in the map."""
    try:
        return node_by_key(session, map_id=found.id, key=key)
    except NotFound:
        if deletion(session, map_id=found.id, key=key) is None:
            raise
        raise Conflict(NODE_DELETED) from None


@bp.post("/<key>/edit")
def edit(slug: str, key: str):
    def action(session, found, values):
        _still_there(session, found, key)
        # Fields the form did not send are left as they are.
        sent = request.form.keys()
        try:
            edit_node(session, map_id=found.id, key=key, kind=values["kind"],
                      text=values["text"], title=values["title"],
                      citation=_citation(values) if sent & set(CITATION) else None,
                      passage=((values["passage_paragraph"], values["passage_quote"])
                               if "passage_quote" in sent else None),
                      expected_version=_version(values))
        except NotFound:  # deleted since _still_there looked: the same conflict
            raise Conflict(NODE_DELETED) from None
        return key, Markup("Edited \u201c{}\u201d.").format(short(node_by_key(
            session, map_id=found.id, key=key), 60))
    return _submit(slug, key, "edit", action)


@bp.post("/<key>/links")
def link(slug: str, key: str):
    def action(session, found, values):
        if values["kind"] not in (RelationKind.SUPPORT, RelationKind.ATTACK):
            raise InvalidInput("choose supports or attacks", field="kind")
        _still_there(session, found, key)
        target_key = resolve_node(load_map_data(session, found=found), values["target"],
                                  field="target", chosen=values["target_key"], exclude=key).key
        connect(session, map_id=found.id, source_key=key, target_key=target_key,
                kind=values["kind"], author=_by().get("author"))
        target = node_by_key(session, map_id=found.id, key=target_key)
        return key, Markup("Now {}s \u201c{}\u201d.").format(values["kind"], short(target, 60))
    return _submit(slug, key, "link", action)


def _step_id(values: dict) -> int:
    step = whole_number(values["relation"])
    return -1 if step is None else step


@bp.post("/<key>/premises")
def couple(slug: str, key: str):
    def action(session, found, values):
        _still_there(session, found, key)
        premise = ""
        if values["premise"].strip() or values["premise_key"]:
            premise = resolve_node(load_map_data(session, found=found), values["premise"],
                                   field="premise", chosen=values["premise_key"],
                                   exclude=key).key
        node = add_co_premise(session, map_id=found.id, relation_id=_step_id(values),
                              text=values["text"], premise_key=premise, **_by())
        return key, Markup("\u201c{}\u201d is now a co-premise: the step counts only with "
                           "all its premises.").format(short(node, 60))
    return _submit(slug, key, "copremise", action)


@bp.post("/<key>/premises/remove")
def uncouple(slug: str, key: str):
    def action(session, found, values):
        node = remove_co_premise(session, map_id=found.id, relation_id=_step_id(values),
                                 premise_key=values["premise"])
        return key, Markup("Took \u201c{}\u201d out of the step.").format(short(node, 60))
    return _submit(slug, key, "uncouple", action)


@bp.post("/<key>/delete")
def delete(slug: str, key: str):
    def action(session, found, values):
        node = _still_there(session, found, key)
        message = Markup("Deleted \u201c{}\u201d.").format(short(node, 60))
        try:  # the version is claimed in the same statement as an edit claims it
            delete_by_key(session, map_id=found.id, key=key, expected_version=_version(values))
        except NotFound:  # someone else deleted it since _still_there looked
            raise Conflict(NODE_DELETED) from None
        except Conflict as exc:
            if exc.current is None:  # someone else deleted it first: say so as it is
                raise
            raise Conflict("Someone changed this node after you opened it. Check the current "
                           "version above, then delete again if you still want to.",
                           current=exc.current) from None
        return None, message
    return _submit(slug, key, "delete", action)


@bp.post("/passages")
def map_text(slug: str):
    """A node made from a passage of the source text (its form is under the text)."""
    def action(session, found, values):
        target = ""
        if values["target"].strip() or values["target_key"]:
            target = resolve_node(load_map_data(session, found=found), values["target"],
                                  field="target", chosen=values["target_key"]).key
        node = map_passage(session, map_id=found.id, quote=values["passage_quote"],
                           paragraph=values["passage_paragraph"],
                           start=values["passage_start"], kind=values["kind"],
                           text=values["text"], title=values["title"],
                           citation=_citation(values), relation=values["relation"],
                           target_key=target, **_by())
        return node.key, _added(node.kind, node)
    return _submit(slug, None, "passage", action, form_in="view", view="text")


@bp.get("/find")
def find(slug: str):
    """A node chooser's suggestions: the first matches of `q`, as JSON (anyone who may read
    the map may search it)."""
    session = db.session()
    found = load_map(session, slug)
    result = find_nodes(load_map_data(session, found=found), request.args.get("q", ""),
                        exclude=request.args.get("except") or None)
    return jsonify(query=result.query, total=result.total, more=result.more,
                   matches=[{"key": n.key, "kind": n.kind, "label": short(n, 90)}
                            for n in result.matches])
