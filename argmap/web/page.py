"""The map page and its fragments: one set of templates serves the full page and each part
htmx asks for (named by the HX-Target header), so a swap shows exactly what a reload would.
"""

from collections.abc import Collection
from dataclasses import dataclass, field

from flask import current_app, g, make_response, render_template, request, url_for
from flask import session as cookie
from flask_htmx import HTMX
from flask_login import current_user
from sqlmodel import Session, col, select

from argmap.domain.access import RANK, Role
from argmap.domain.editing import delete_effects
from argmap.domain.maps import get_map, load_map_data
from argmap.domain.passages import marked_paragraphs
from argmap.domain.ratings import base_scores, my_rating
from argmap.errors import InvalidInput, RenderError, TooLarge
from argmap.evaluate import evaluate
from argmap.mapdata import MapData, short
from argmap.models import Map, Node, ident
from argmap.render import FORMATS, ExportOptions
from argmap.render.options import AROUND, DIRECTIONS, FITS, KINDS, THEME_NAMES
from argmap.render.pipeline import marks_of
from argmap.web.diagrams import inline_svg, map_diagram
from argmap.web.outline import build_outline
from argmap.web.panel import node_panel

VIEWS = ("diagram", "outline", "text")
FRAGMENTS = {"view": "maps/_view.html", "panel": "nodes/_panel.html",
             "node-detail": "nodes/_detail.html"}


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


LAZY_DIAGRAM_NODES = 150  # above this, the page does not wait for `dot`
PAGE_OPTIONS = ExportOptions(evaluation=True)  # the page shows the evaluation; exports don't
HIDDEN = "hidden"  # a session's choice to see the map without the evaluation


def whatif(slug: str, data) -> tuple[str, ...]:
    """The nodes this browser session supposes withdrawn on this map (nobody else sees it)."""
    keys = cookie.get("whatif", {}).get(slug, [])
    return tuple(k for k in keys if k in data.nodes_by_key)


def view_name(value: str | None) -> str:
    return value if value in VIEWS else "diagram"


def map_url(slug: str, view: str = "diagram", node: str | None = None, **extra) -> str:
    args = {"view": view} if view != "diagram" else {}
    if node:
        args["node"] = node
    return url_for("maps.show", slug=slug, **args, **extra)


def _source_view(session: Session, found: Map, data: MapData):
    if not found.source_text:
        return None
    rows = session.exec(select(Node.key, Node.passage_start, Node.passage_end).where(
        Node.map_id == found.id, col(Node.passage_start).is_not(None))).all()
    # Every row has both offsets: the query asks for a start, and CHECK node_passage pairs it.
    return marked_paragraphs(found.source_text, [(key, start, end) for key, start, end in rows
                                                 if start is not None and end is not None])


def render_map_page(session: Session, *, slug: str, view: str, node_key: str | None,
                    forms: dict[str, FormState] | None = None, status: int = 200,
                    target: str | None = None):
    """The full page, or the fragment named by `target` (default: the htmx request's)."""
    found = get_map(session, slug=slug)
    data = load_map_data(session, slug=slug)
    htmx = HTMX()
    if target is None and htmx:
        target = htmx.target
    fragment = FRAGMENTS.get(target) if target else None
    wants = {fragment} if fragment else set(FRAGMENTS.values())
    role = g.get("role")
    context = {"found": found, "data": data, "view": view, "forms": forms or {},
               "role": role, "can_edit": RANK[role] >= RANK[Role.EDITOR],
               "is_owner": role == Role.OWNER,
               "formats": FORMATS, "node_key": node_key, "short": short,
               "nodes_by_key": data.nodes_by_key, "map_url": map_url,
               "export": export_choices()}
    withdrawn = whatif(slug, data)
    reading = cookie.get("reading", {}).get(slug, "plain")
    options, drawn_reading = PAGE_OPTIONS, reading
    if reading == HIDDEN:  # no marks anywhere, and the what-if is set aside
        context["evaluation"], withdrawn = None, ()
        options, drawn_reading = ExportOptions(), "plain"
    else:
        context["evaluation"] = evaluate(data, base=base_scores(session, slug=slug),
                                         withdrawn=withdrawn, reading=reading)
    context["withdrawn"], context["reading"] = withdrawn, reading
    if "maps/_view.html" in wants:
        if view == "diagram":
            # A big map's page answers at once; its diagram is drawn by a second request
            # (draw=now), unless it is in the cache already.
            lazy = (len(data.nodes) > LAZY_DIAGRAM_NODES and request.args.get("draw") != "now")
            try:
                limit = current_app.config["RENDER_NODE_LIMIT"]
                if len(data.nodes) > limit:  # no point in drawing it later either
                    raise TooLarge(len(data.nodes), limit)
                evaluated = context["evaluation"]
                svg = map_diagram(session, slug=slug, fmt="svg", data=data, links=True,
                                  options=options, withdrawn=withdrawn,
                                  reading=drawn_reading, cached_only=lazy,
                                  marks=marks_of(evaluated) if evaluated else None)
                if svg is None:
                    context["diagram_pending"] = True
                else:
                    context["svg"] = inline_svg(svg)
            except RenderError as exc:  # too large or too slow: say so, suggest a focus
                context["diagram_error"] = str(exc)
        elif view == "outline":
            context["outline"] = build_outline(data)
        else:
            context["paragraphs"] = _source_view(session, found, data)
    if node_key and wants & {"nodes/_panel.html", "nodes/_detail.html"}:
        panel = context["panel"] = node_panel(session, found=found, key=node_key)
        user = current_user if current_user.is_authenticated else None
        context["my_rating"] = my_rating(session, node_id=ident(panel.node),
                                         user_id=user.id) if user else None
        if "nodes/_panel.html" in wants:
            context["effects"] = delete_effects(session, map_id=ident(found), key=node_key)
            context["inference_options"] = [(str(s.id), step_label(s))
                                            for s in panel.inferences]
            # Steps of this node that can take a co-premise ("this reason also needs ...").
            context["step_options"] = [(str(s.id), step_label(s)) for s in panel.outgoing
                                       if s.kind != "undercut"]
            context["node_options"] = [(n.key, f"{n.kind}: {short(n, 70)}")
                                       for n in data.nodes if n.key != node_key]
    if found.forked_from_id:
        context["forked_from"] = session.get(Map, found.forked_from_id)
    context["fragment"] = target if fragment else None
    template = fragment or "maps/show.html"
    response = make_response(render_template(template, **context), status)
    response.vary.update(["HX-Request", "HX-Target"])
    return response


def step_label(step) -> str:
    """A step in a form's choices: its premises, joined, and where they lead."""
    premises = " + ".join(f"\u201c{short(p, 50)}\u201d" for p in step.premises)
    return f"{premises} \u2192 \u201c{short(step.target, 50)}\u201d"


def export_choices() -> dict:
    """What the Export dialog offers, from the one definition of the options."""
    return {"formats": [("svg", "SVG"), ("png", "PNG"), ("pdf", "PDF"), ("dot", "DOT"),
                        ("deck", "Slide deck (PDF, 16:9)"), ("json", "argmap JSON (everything)"),
                        ("argdown", "Argdown"), ("aif", "AIF (AIFdb JSON)"),
                        ("aif-ova", "AIF for OVA3 (laid out)")],
            "themes": THEME_NAMES, "directions": tuple(DIRECTIONS), "fits": tuple(FITS),
            "around": AROUND, "kinds": KINDS}


def wants_fragment() -> bool:
    return bool(HTMX()) and request.headers.get("HX-Request") == "true"
