"""Maps: the index, creating and forking maps, the map page and its views, the source text,
revision polling for live updates, and downloads.
"""

import os
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import session as cookie  # the signed session cookie (db.session is the database)
from sqlmodel import select

from argmap import db
from argmap.domain.access import Role, make_owner
from argmap.domain.finding import resolve_node
from argmap.domain.history import change
from argmap.domain.importing import import_file
from argmap.domain.maps import (
    attach_text,
    create_map,
    creating_map,
    fork_map,
    list_maps,
    load_map_data,
)
from argmap.errors import Illegible, InvalidInput, MapFileError, NotFound
from argmap.evaluate import MARKS, WORDS
from argmap.formats import MAX_IMPORT_BYTES, MEDIA, SUFFIXES, Budget, write
from argmap.mapdata import is_opposing
from argmap.models import Map, ident
from argmap.render import MEDIA_TYPES, ExportOptions
from argmap.render.options import FORMATS, NAMES, parse_options
from argmap.render.pipeline import choose
from argmap.render.slides import DECKS
from argmap.render.theme import LIGHT, markers
from argmap.web.auth import FORK_WISH, current
from argmap.web.diagrams import map_diagram, ova_file
from argmap.web.guard import account_or_login, load_map
from argmap.web.live import news_context
from argmap.web.page import (
    FormState,
    added_notice,
    field_error,
    map_url,
    render_map_page,
    view_name,
    wants_fragment,
)

bp = Blueprint("maps", __name__)

POLL_SECONDS = 2  # with the request itself, others' changes show within 3 seconds


def _index(forms: dict | None = None, status: int = 200):
    user = current()
    page = render_template("maps/index.html", forms=forms or {},
                           maps=list_maps(db.session(), user_id=user.id if user else None))
    return page, status


@bp.get("/")
def index():
    return _index()


@bp.post("/maps")
def create():
    values = {name: request.form.get(name, "") for name in ("title", "description",
                                                             "source_text")}
    session = db.session()
    user = account_or_login()
    def work():
        new_map = create_map(session, **values)
        make_owner(session, found=new_map, user=user)
        return new_map

    try:
        new_map = creating_map(session, work)
    except InvalidInput as exc:
        return _index({"create": FormState(values, field_error(exc, values, "title"))}, 422)
    return redirect(map_url(new_map.slug, view="outline"), 303)


@bp.post("/maps/import")
def import_upload():
    """Import an uploaded file as a new private map owned by the uploader."""
    user = account_or_login()
    upload = request.files.get("file")
    fmt = request.form.get("format") or None
    values = {"format": fmt or ""}
    session = db.session()
    try:
        if upload is None or not upload.filename:
            raise InvalidInput("choose a file to import", field="file")
        raw = upload.read(MAX_IMPORT_BYTES + 1)
        name = upload.filename
        budget = Budget(name, current_app.config["IMPORT_TIMEOUT"])  # one for every attempt

        def work():
            imported = import_file(session, raw=raw, name=name, fmt=fmt, rename=True,
                                   budget=budget)
            make_owner(session, found=imported[0], user=user)
            return imported

        new_map, found, warnings = creating_map(session, work)
    except (InvalidInput, MapFileError) as exc:
        field = getattr(exc, "field", None) or "file"
        return _index({"import": FormState(values, {field if field in ("file", "format")
                                                     else "file": str(exc)})}, 422)
    if warnings:
        return render_template("maps/imported.html", found=new_map, fmt=found,
                               warnings=warnings)
    return redirect(map_url(new_map.slug, view="outline"), 303)


@bp.get("/maps/<slug>")
def show(slug: str):
    session = db.session()
    found = load_map(session, slug)
    forms = {}
    wish = cookie.get(FORK_WISH)
    if current() is not None and wish and wish.get("slug") == slug:
        cookie.pop(FORK_WISH)  # asked before logging in: the dialog is ready for it
        forms["fork"] = FormState({"title": wish.get("title", "")},
                                  message="You are logged in: fork the map now.")
    node_key = request.args.get("node") or None
    forms.update(added_notice(slug, node_key))
    return render_map_page(session, found=found, view=view_name(request.args.get("view")),
                           node_key=node_key, forms=forms)


@bp.post("/maps/<slug>/fork")
def fork(slug: str):
    values = {"title": request.form.get("title", "")}
    session = db.session()
    found = load_map(session, slug)
    if current() is None:  # kept until they are back on this map, logged in
        cookie[FORK_WISH] = {"slug": slug, "title": values["title"][:200]}
        return redirect(url_for("auth.login", next=map_url(slug)), 303)
    user = account_or_login()
    def work():
        copy = fork_map(session, original=found, title=values["title"])
        make_owner(session, found=copy, user=user)
        return copy

    try:
        copy = creating_map(session, work)
    except InvalidInput as exc:
        return render_map_page(session, found=found, view=view_name(request.form.get("view")),
                               node_key=None, forms={"fork": FormState(
                                   values, field_error(exc, values, "title"))},
                               status=422, target="page")
    return redirect(map_url(copy.slug), 303)


@bp.post("/maps/<slug>/text")
def text(slug: str):
    """Attach (or replace) the map's source text and anchor the nodes' passages in it."""
    values = {"source_text": request.form.get("source_text", "")}
    session = db.session()
    found = load_map(session, slug, need=Role.EDITOR)
    try:
        with change(session, map_id=ident(found), user=current(),
                    action="Attached the source text"):
            anchored = attach_text(session, found=found, text=values["source_text"])
    except InvalidInput as exc:
        return render_map_page(session, found=found, view="text", node_key=None,
                               forms={"text": FormState(
                                   values, field_error(exc, values, "source_text"))},
                               status=422, target="view" if wants_fragment() else "page")
    if wants_fragment():
        response = render_map_page(session, found=found, view="text", node_key=None,
                                   forms={"text": FormState(message=(
                                       f"Text attached; {anchored} passages anchored."))})
        response.headers["HX-Trigger"] = "map-changed"
        return response
    return redirect(map_url(slug, view="text"), 303)


@bp.get("/maps/<slug>/revision")
def revision(slug: str):
    """Cheap polling: one indexed read. 204 means unchanged, so nothing is re-rendered."""
    session = db.session()
    row = session.exec(select(Map.id, Map.revision, Map.visibility).where(Map.slug == slug)
                       ).first()
    try:
        if row is None:
            raise NotFound(f"no map with the slug '{slug}'")
        map_id, revision, visibility = row
        if visibility != "public":  # only members may watch a private map
            load_map(session, slug)
    except NotFound:
        if not request.headers.get("HX-Request"):
            raise
        # Deleted, or access ended: this replaces the page's poller, which so stops.
        return render_template("maps/_poller_gone.html"), 404

    if request.args.get("rev", type=int) == revision:
        return Response(status=204, headers={"X-Argmap-Revision": str(revision)})
    # With the answer, what others changed since the change the poller was made at.
    assert map_id is not None  # a stored map's
    news = news_context(map_id, request.args.get("seen", type=int))
    response = make_response(render_template("maps/_poller.html", slug=slug, **news,
                                             revision=revision, poll_seconds=POLL_SECONDS)
                             + render_template("maps/_news.html", slug=slug, **news,
                                               news_oob=True))
    response.headers["HX-Trigger"] = "map-changed"
    response.headers["X-Argmap-Revision"] = str(revision)
    return response


def _query_values() -> dict:
    """The query string as a dict; a repeated name (checkboxes) becomes a list."""
    return {name: (items if len(items) > 1 else items[0])
            for name, items in request.args.lists()}


def _options() -> ExportOptions:
    """The export options in the query string."""
    return parse_options(_query_values(), ignore=("format",))


INTERCHANGE = {suffix: fmt for fmt, suffix in SUFFIXES.items()}  # "aif.json" -> "aif"


@bp.get("/maps/<slug>/export.<path:fmt>")
def export(slug: str, fmt: str):
    session = db.session()
    found = load_map(session, slug)
    if fmt in INTERCHANGE:  # a file for other tools (OVA's has a layout: a drawing)
        kind = INTERCHANGE[fmt]
        body = (ova_file(session, found=found) if kind == "aif-ova" else
                write(load_map_data(session, found=found), kind, found.source_text))
        response = Response(body, mimetype=MEDIA[kind].split(";")[0])
        response.headers["Content-Disposition"] = f'attachment; filename="{slug}.{fmt}"'
        return response
    if fmt not in FORMATS:
        raise NotFound(f"unknown format '{fmt}'")
    options = _options()
    body = map_diagram(session, found=found, fmt=fmt, options=options)
    response = Response(body, mimetype=MEDIA_TYPES[fmt])
    name = options.file_stem(slug) + (".deck.pdf" if fmt == "deck" else f".{fmt}")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/maps/<slug>/export")
def export_dialog(slug: str):
    """The Export dialog's form: check the options, then go to the file's own address."""
    session = db.session()
    found = load_map(session, slug)
    fmt = request.args.get("format", "svg")
    if fmt in SUFFIXES:  # interchange formats take no drawing options
        return redirect(url_for("maps.export", slug=slug, fmt=SUFFIXES[fmt]), 303)
    try:
        if fmt not in FORMATS:
            raise InvalidInput(f"unknown format {fmt!r}", field="format")
        values = _query_values()
        if request.args.get("focus", "").strip() or request.args.get("focus_key"):
            values["focus"] = resolve_node(  # typed into the dialog's node chooser
                load_map_data(session, found=found), request.args.get("focus", ""),
                field="focus", chosen=request.args.get("focus_key", "")).key
        options = parse_options(values, ignore=("format", "focus_key"))
        if options.focus or options.collapse:  # the keys must name nodes of this map
            choose(load_map_data(session, found=found), options)
        if options.fit != "none" and fmt not in DECKS:  # drawn now (and cached), to say here
            _legible(session, found, fmt, options)  # if it could not be read
    except InvalidInput as exc:
        values = _query_values()
        return render_map_page(session, found=found, view="diagram", node_key=None,
                               forms={"export": FormState(values, field_error(
                                   exc, tuple(values) + NAMES, "format"))},
                               status=422, target="page")
    query: dict[str, Any] = options.query()  # as url_for's **values: no '_external' etc.
    return redirect(url_for("maps.export", slug=slug, fmt=fmt, **query), 303)


def _legible(session, found: Map, fmt: str, options: ExportOptions) -> None:
    """A slide that would print specks is refused as a mistake in the `fit` field."""
    try:
        map_diagram(session, found=found, fmt=fmt, options=options)
    except Illegible as exc:
        raise InvalidInput(str(exc), field="fit") from exc


@bp.get("/maps/<slug>/diagram.svg")
def diagram(slug: str):
    """The diagram on its own, at full size, for the browser to zoom and scroll."""
    session = db.session()
    found = load_map(session, slug)
    body = map_diagram(session, found=found, fmt="svg")
    return Response(body, mimetype=MEDIA_TYPES["svg"])


@bp.get("/healthz")
def healthz():
    """For load balancers: 200 when this worker can reach the database, else 503."""
    try:
        db.session().exec(select(Map.id).limit(1)).first()
    except Exception as exc:  # noqa: BLE001  (any database failure means unhealthy)
        return {"status": "unavailable", "database": type(exc).__name__}, 503
    return {"status": "ok", "worker": os.getpid()}


@bp.get("/theme.css")
def theme_css():
    """The diagram's node and relation colours as CSS, so pages draw kinds the same way."""
    response = make_response(render_template("theme.css", theme=LIGHT))
    response.mimetype = "text/css"
    response.cache_control.max_age = 300
    return response


@bp.app_template_filter("export_option")
def export_option(value: str) -> tuple[str, str]:
    return value, value.replace("-", " ").replace("none", "no (natural size)")


@bp.app_template_global()
def eval_mark(label: str) -> str:
    return MARKS.get(label, "\u2205")


@bp.app_template_global()
def node_markers(node) -> list[tuple[str, str]]:
    """What sets a node (a row or NodeData) apart besides its kind: opposing, its origin."""
    return markers(origin=str(node.origin), opposing=is_opposing(node.tags))


@bp.app_template_global()
def eval_word(label: str) -> str:
    return WORDS.get(label, "withdrawn")


@bp.app_context_processor
def poll_settings():
    return {"poll_seconds": POLL_SECONDS, "map_url": map_url}
