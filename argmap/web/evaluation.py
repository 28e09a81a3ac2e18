"""What-if (suppose nodes withdrawn, for this browser session only) and members' ratings."""

import json

from flask import Blueprint, redirect, request
from flask import session as cookie

from argmap import db
from argmap.domain.access import Role
from argmap.domain.editing import node_by_key
from argmap.domain.maps import bump_revision, load_map_data
from argmap.domain.ratings import rate
from argmap.errors import InvalidInput
from argmap.evaluate import READINGS
from argmap.models import Map, ident
from argmap.web.auth import signed_in
from argmap.web.guard import load_map
from argmap.web.page import (
    HIDDEN,
    PAGE_LABELS,
    FormState,
    map_url,
    render_map_page,
    view_name,
    wants_fragment,
)

bp = Blueprint("evaluation", __name__, url_prefix="/maps/<slug>")
REFRESH_VIEWS = json.dumps({"map-changed": {"panel": "fresh"}})


def _answer(found: Map, key: str | None, view: str, forms: dict | None = None,
            status: int = 200):
    if not wants_fragment():
        return redirect(map_url(found.slug, view=view, node=key, _anchor="panel"), 303)
    response = render_map_page(db.session(), found=found, view=view, node_key=key,
                               forms=forms, status=status, target="panel")
    if status < 400:
        response.headers["HX-Trigger"] = REFRESH_VIEWS
    return response


@bp.post("/whatif")
def whatif(slug: str):
    """Suppose a node withdrawn, bring it back, or clear the what-if. Nothing is stored."""
    session = db.session()
    found = load_map(session, slug)
    data = load_map_data(session, found=found)
    key, action = request.form.get("key", ""), request.form.get("action", "")
    chosen = dict(cookie.get("whatif", {}))
    keys = [k for k in chosen.get(slug, []) if k in data.nodes_by_key]
    if action == "withdraw" and key in data.nodes_by_key and key not in keys:
        keys.append(key)
    elif action == "restore":
        keys = [k for k in keys if k != key]
    elif action == "clear":
        keys = []
    elif action == "reading":  # how support is read, also only for this session
        reading = request.form.get("reading", "")
        if reading not in (*READINGS, HIDDEN):
            raise InvalidInput("choose the plain or the necessary reading, or hide the "
                               "evaluation", field="reading")
        cookie["reading"] = {**cookie.get("reading", {}), slug: reading}
    elif action == "labels":  # how much each box of the page's diagram prints
        labels = request.form.get("labels", "")
        if labels not in PAGE_LABELS:
            raise InvalidInput("choose titles or full text", field="labels")
        cookie["labels"] = {**cookie.get("labels", {}), slug: labels}
    elif action not in ("withdraw", "restore"):
        raise InvalidInput("unknown what-if action", field="action")
    chosen[slug] = keys
    cookie["whatif"] = chosen
    return _answer(found, key or None, view_name(request.form.get("view")))


@bp.post("/nodes/<key>/rating")
def rating(slug: str, key: str):
    """A member's rating of a node taken alone, 0 to 4; it sets the node's base score."""
    session = db.session()
    found = load_map(session, slug, need=Role.VIEWER)
    view = view_name(request.form.get("view"))
    values = {"rating": request.form.get("rating", "")}
    try:
        with db.transaction(session):
            rate(session, node=node_by_key(session, map_id=ident(found), key=key),
                 user_id=ident(signed_in()), value=values["rating"])
            bump_revision(session, map_id=ident(found))  # others' strengths update live
    except InvalidInput as exc:
        if not wants_fragment():
            return render_map_page(session, found=found, view=view, node_key=key,
                                   forms={"rating": FormState(values, {"rating": str(exc)})},
                                   status=422, target="page")
        return _answer(found, key, view, {"rating": FormState(values, {"rating": str(exc)})},
                       422)
    return _answer(found, key, view, {"rating": FormState(message="Rating saved.")})
