"""The map page and its fragments: one set of templates serves the full page and each part
htmx asks for (named by the HX-Target header), so a swap shows exactly what a reload would.
"""

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl, urlsplit

from flask import current_app, g, make_response, render_template, request, url_for
from flask import session as cookie
from flask_htmx import HTMX
from flask_login import current_user
from markupsafe import Markup
from sqlmodel import Session, col, select
from werkzeug.datastructures import MultiDict

from argmap.domain.access import RANK, Role
from argmap.domain.editing import delete_effects
from argmap.domain.finding import find_nodes
from argmap.domain.gone import deletion
from argmap.domain.maps import load_map_data
from argmap.domain.news import nothing_new
from argmap.domain.passages import mapped_sentences, marked_paragraphs
from argmap.domain.ratings import base_scores, my_rating, ratings_of
from argmap.errors import DrawingBudgetSpent, InvalidInput, NotFound, RenderError, TooLarge
from argmap.evaluate import Evaluation, evaluate
from argmap.mapdata import MapData, short
from argmap.models import Map, Node, ident
from argmap.render import FORMATS, ExportOptions
from argmap.render.options import AROUND, DIRECTIONS, FITS, KINDS, LABELS, THEME_NAMES
from argmap.render.pipeline import marks_of
from argmap.render.select import View
from argmap.web.diagrams import PAGE_OPTIONS, inline_svg, map_diagram
from argmap.web.outline import build_outline
from argmap.web.panel import node_panel
from argmap.web.viewstate import LAZY_DIAGRAM_NODES, ViewState

VIEWS = ("diagram", "outline", "text")
FRAGMENTS = {"view": "maps/_view.html", "panel": "nodes/_panel.html",
             "node-detail": "nodes/_detail.html", "find-results": "maps/_found.html"}


@dataclass
class FormState:
    """A form's submitted values and its errors by field, to show them next to the field."""

    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    message: str | None = None  # what the last successful submit did
    conflict: object = None  # a Conflict: someone else's change got there first

    def get(self, name: str, default: str = "") -> str:
        value = self.values.get(name)
        return default if value is None else str(value)


FIELD_ALIASES = {"source": "document", "passage": "source_text"}


def field_error(exc: InvalidInput, fields: Collection[str], default: str) -> dict[str, str]:
    """{field: message} for showing a domain error next to the form field it concerns."""
    field = exc.field and FIELD_ALIASES.get(exc.field, exc.field)
    message = str(exc)
    if exc.field and message.startswith(f"{exc.field}: "):
        message = message[len(exc.field) + 2:]
        if message.split(" ", 1)[0] in ("is", "must", "may"):
            message = f"This field {message}"
    return {field if field is not None and field in fields else default: message}


HIDDEN = "hidden"  # a session's choice to see the map without the evaluation
# Above this many nodes the page's diagram prints titles (labels=titles), so that the
# overview stays legible; a person can switch to full text (a choice kept for the session).
PAGE_TITLES_ABOVE = 15
PAGE_LABELS = ("titles", "full")


def page_labels(slug: str, data: MapData) -> str:
    chosen = cookie.get("labels", {}).get(slug)
    if chosen in PAGE_LABELS:
        return chosen
    return "titles" if len(data.nodes) > PAGE_TITLES_ABOVE else "full"


def whatif(slug: str, data) -> tuple[str, ...]:
    """The nodes this browser session supposes withdrawn on this map (nobody else sees it)."""
    keys = cookie.get("whatif", {}).get(slug, [])
    return tuple(k for k in keys if k in data.nodes_by_key)


def view_name(value: str | None) -> str:
    return value if value in VIEWS else "diagram"


def map_url(slug: str, view: str = "diagram", node: str | None = None,
            state: ViewState | None = None, **extra) -> str:
    """The map page's address; it keeps the part of the map shown (the request's, unless
    `state` says otherwise)."""
    args = {"view": view} if view != "diagram" else {}
    if state is None:
        shown = g.get("view_state")
        state = shown[1] if shown and shown[0] == slug else None
    args.update(state.query() if state else {})
    if node:
        args["node"] = node
    return url_for("maps.show", slug=slug, **args, **extra)


def state_of(data: MapData) -> ViewState:
    """The part of the map this request shows, from its address. A page's own address names
    nodes of the map, or it is refused (400); the address htmx was on when it asked (a live
    refresh, a form) may name a node deleted since, which is left out."""
    args: MultiDict = request.args
    lenient = bool(HTMX())
    if request.endpoint != "maps.show":  # a form's answer: the page it was sent from
        here = request.headers.get("HX-Current-URL", "") if lenient else ""
        args, lenient = MultiDict(parse_qsl(urlsplit(here).query)), True
    try:
        state = ViewState.parse(args)
        if lenient:
            return state.known(data)
        state.check(data)
    except InvalidInput:
        if lenient:
            return ViewState()
        raise
    return state


@dataclass(frozen=True)
class PageRequest:
    """What every part of the map page is built from: read once per request."""

    session: Session
    found: Map
    data: MapData
    view: str
    node_key: str | None
    forms: dict[str, FormState]
    role: Role | None
    state: ViewState = ViewState()
    shown: View | None = None  # what the state shows of the map


@dataclass(frozen=True)
class Evaluated:
    """The map's evaluation for this browser session (None when it hides it), made once."""

    evaluation: Evaluation | None
    withdrawn: tuple[str, ...]
    reading: str
    options: ExportOptions  # how the diagram is drawn with it
    drawn_reading: str


def page_context(req: PageRequest) -> dict:
    """What the page's frame (header, menus, dialogs) shows."""
    found, data = req.found, req.data
    return {"found": found, "data": data, "view": req.view, "forms": req.forms,
            "role": req.role, "can_edit": RANK[req.role] >= RANK[Role.EDITOR],
            "is_owner": req.role == Role.OWNER, "formats": FORMATS, "node_key": req.node_key,
            "short": short, "nodes_by_key": data.nodes_by_key, "map_url": map_url,
            "state": req.state, "shown": req.shown,
            "export": export_choices(), "news": nothing_new(req.session, map_id=ident(found)),
            "forked_from": (req.session.get(Map, found.forked_from_id)
                            if found.forked_from_id else None)}


def evaluated(req: PageRequest) -> Evaluated:
    slug = req.found.slug
    reading = cookie.get("reading", {}).get(slug, "plain")
    labels = page_labels(slug, req.data)
    if reading == HIDDEN:  # no marks anywhere, and the what-if is set aside
        return Evaluated(None, (), reading, ExportOptions(labels=labels), "plain")
    withdrawn = whatif(slug, req.data)
    evaluation = evaluate(req.data, base=base_scores(req.session, map_id=ident(req.found)),
                          withdrawn=withdrawn, reading=reading)
    return Evaluated(evaluation, withdrawn, reading, replace(PAGE_OPTIONS, labels=labels),
                     reading)


def evaluation_context(ev: Evaluated) -> dict:
    return {"evaluation": ev.evaluation, "withdrawn": ev.withdrawn, "reading": ev.reading,
            "labels": ev.options.labels}


def view_context(req: PageRequest, ev: Evaluated) -> dict:
    """maps/_view.html: the diagram, the outline or the source text."""
    if req.view == "outline":
        assert req.shown is not None
        return {"outline": build_outline(req.shown.data), "stubs": dict(req.shown.stubs)}
    if req.view == "text":
        return _source_view(req.session, req.found, req.data)
    return _diagram_context(req, ev)


def _diagram_context(req: PageRequest, ev: Evaluated) -> dict:
    data = req.data
    # A big map's page answers at once; its diagram is drawn by a second request (draw=now),
    # unless it is in the cache already.
    lazy = len(data.nodes) > LAZY_DIAGRAM_NODES and request.args.get("draw") != "now"
    assert req.shown is not None
    try:
        limit = current_app.config["RENDER_NODE_LIMIT"]
        if len(req.shown.data.nodes) > limit:  # no point in drawing it later either
            raise TooLarge(len(req.shown.data.nodes), limit)
        svg = map_diagram(req.session, found=req.found, fmt="svg", data=data, links=True,
                          options=ev.options, withdrawn=ev.withdrawn,
                          reading=ev.drawn_reading, cached_only=lazy,
                          marks=marks_of(ev.evaluation) if ev.evaluation else None,
                          view=req.shown, default_view=req.state.whole,
                          view_args=req.state.query())
    except RenderError as exc:  # too large or too slow: say so, suggest a focus
        return {"diagram_error": str(exc), "diagram_budget": isinstance(exc, DrawingBudgetSpent)}
    return {"diagram_pending": True} if svg is None else {"svg": inline_svg(svg)}


def _source_view(session: Session, found: Map, data: MapData) -> dict:
    """The text with its passages marked, how many of its sentences are mapped, and the
    nodes a passage mapped from it may argue about."""
    if not found.source_text:
        return {"paragraphs": None}
    rows = session.exec(select(Node.key, Node.passage_start, Node.passage_end).where(
        Node.map_id == found.id, col(Node.passage_start).is_not(None))).all()
    # Every row has both offsets: the query asks for a start, and CHECK node_passage pairs it.
    passages = [(key, start, end) for key, start, end in rows
                if start is not None and end is not None]
    mapped = mapped_sentences(found.source_text, passages)
    return {"paragraphs": marked_paragraphs(found.source_text, passages),
            "coverage": (sum(mapped), len(mapped))}


def detail_context(req: PageRequest) -> dict:
    """nodes/_detail.html: the node, its citation, its steps and the reader's rating."""
    assert req.node_key is not None  # only asked for when a node is open
    panel = node_panel(req.session, found=req.found, key=req.node_key)
    user = current_user if current_user.is_authenticated else None
    return {"panel": panel, "ratings": ratings_of(req.session, node_id=ident(panel.node)),
            "my_rating": my_rating(req.session, node_id=ident(panel.node), user_id=user.id)
            if user else None}


def panel_context(req: PageRequest, detail: dict) -> dict:
    """nodes/_panel.html: the detail, and the forms that change the node."""
    panel, key = detail["panel"], req.node_key
    assert key is not None
    return {"effects": delete_effects(req.session, map_id=ident(req.found), key=key),
            "inference_options": [(str(s.id), step_label(s)) for s in panel.inferences],
            # Steps of this node that can take a co-premise ("this reason also needs ...").
            "step_options": [(str(s.id), step_label(s)) for s in panel.outgoing
                             if s.kind != "undercut"],
            }


def gone_node(session: Session, found: Map, data: MapData, key: str | None):
    """How the node `key` left the map, when it did; NotFound when it never was in it."""
    if not key or key in data.nodes_by_key:
        return None
    was = deletion(session, map_id=ident(found), key=key)
    if was is None:
        raise NotFound(f"no node '{key}' in this map")
    return was


ADDED = "added"  # the cookie that carries "Added ..." across a plain POST's redirect


def remember_added(slug: str, key: str, notice: FormState) -> None:
    cookie[ADDED] = {"slug": slug, "key": key, "values": notice.values,
                     "message": str(notice.message)}


def added_notice(slug: str, node_key: str | None) -> dict[str, FormState]:
    """The confirmation of a node added by a plain POST, for the page it redirected to."""
    saved = cookie.get(ADDED)
    if not saved or saved.get("slug") != slug or saved.get("key") != node_key:
        return {}
    cookie.pop(ADDED)
    # Our own message, escaped when it was made; the cookie is signed.
    return {"added": FormState(dict(saved.get("values") or {}),
                               message=Markup(saved.get("message", "")))}


def render_map_page(session: Session, *, found: Map, view: str, node_key: str | None,
                    forms: dict[str, FormState] | None = None, status: int = 200,
                    target: str | None = None):
    """The full page, or the fragment named by `target` (default: the htmx request's).

    `found` is the Map the view loaded (and checked access to); each template part gets
    its context from its own builder, and only the parts the answer shows are built.
    """
    htmx = HTMX()
    if target is None and htmx:
        target = htmx.target
    data = load_map_data(session, found=found)
    was = gone_node(session, found, data, node_key)  # its panel says so, with no actions
    gone = was is not None
    retarget = gone and target == "node-detail"  # its actions must go too: the whole panel
    if retarget:
        target = "panel"
    fragment = FRAGMENTS.get(target) if target else None
    wants = {fragment} if fragment else set(FRAGMENTS.values())
    state = state_of(data)
    g.view_state = (found.slug, state)  # map_url keeps it
    req = PageRequest(session=session, found=found, data=data, view=view, node_key=node_key,
                      forms=forms or {}, role=g.get("role"), state=state,
                      shown=state.view(data))
    if fragment == "maps/_found.html":  # the live search: no evaluation needed
        context = {**page_context(req), **find_context(req)}
        return make_response(render_template(fragment, **context), status)
    ev = evaluated(req)
    context = {**page_context(req), **evaluation_context(ev)}
    if "maps/_view.html" in wants:
        context.update(view_context(req, ev))
        context.update(find_context(req))
    if gone and "nodes/_panel.html" in wants:
        context.update({"gone_key": node_key, "gone": was})
    elif node_key and not gone and wants & {"nodes/_panel.html", "nodes/_detail.html"}:
        detail = detail_context(req)
        context.update(detail)
        if "nodes/_panel.html" in wants:
            context.update(panel_context(req, detail))
    context["fragment"] = target if fragment else None
    response = make_response(render_template(fragment or "maps/show.html", **context), status)
    response.vary.update(["HX-Request", "HX-Target"])
    if retarget:
        response.headers.update({"HX-Retarget": "#panel", "HX-Reswap": "outerHTML"})
    return response


def find_context(req: PageRequest) -> dict:
    """maps/_found.html: the nodes matching the page's `q`, each linked so that it is drawn."""
    if "q" not in request.args:
        return {"found_nodes": None}
    try:
        found = find_nodes(req.data, request.args.get("q", ""))
    except InvalidInput as exc:
        return {"found_nodes": None, "find_error": field_error(exc, ("q",), "q")["q"],
                "query": request.args.get("q", "")[:200]}
    assert req.shown is not None
    shown = req.shown.data.nodes_by_key
    return {"found_nodes": found, "query": found.query,
            "reveal": {n.key: req.state.revealing(req.data, n.key, shown=shown)
                       for n in found.matches}}


def step_label(step) -> str:
    """A step in a form's choices: its premises, joined, and where they lead."""
    premises = " + ".join(f"\u201c{short(p, 50)}\u201d" for p in step.premises)
    return f"{premises} \u2192 \u201c{short(step.target, 50)}\u201d"


def export_choices() -> dict:
    """What the Export dialog offers, from the one definition of the options."""
    return {"formats": [("svg", "SVG"), ("png", "PNG"), ("pdf", "PDF"), ("dot", "DOT"),
                        ("deck", "Slide deck (PDF)"), ("pptx", "Slide deck (PowerPoint)"),
                        ("json", "argmap JSON (everything)"),
                        ("argdown", "Argdown"), ("aif", "AIF (AIFdb JSON)"),
                        ("aif-ova", "AIF for OVA3 (laid out)")],
            "themes": THEME_NAMES, "directions": tuple(DIRECTIONS), "fits": tuple(FITS),
            "around": AROUND, "kinds": KINDS, "labels": LABELS}


def wants_fragment() -> bool:
    return bool(HTMX()) and request.headers.get("HX-Request") == "true"
