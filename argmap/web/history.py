"""The History view (who, when, what, with text before and after), revert and undo."""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from argmap import db
from argmap.domain.access import RANK, Role
from argmap.domain.history import (
    NothingToUndo,
    changes,
    describe,
    last_change_by,
    node_keys,
    revert,
    summary,
)
from argmap.errors import Conflict, NotFound
from argmap.models import Change, ident
from argmap.web.auth import current, signed_in
from argmap.web.guard import load_map
from argmap.web.page import map_url

bp = Blueprint("history", __name__, url_prefix="/maps/<slug>")


def _page(slug: str, message: str | None = None, status: int = 200):
    session = db.session()
    found = load_map(session, slug)
    node_key = request.values.get("node") or None
    keys = node_keys(session, map_id=ident(found))
    entries = [describe(c, keys)
               for c in changes(session, map_id=ident(found), node_key=node_key)]
    return render_template("history/index.html", found=found, entries=entries,
                           node_key=node_key, message=message, map_url=map_url,
                           can_edit=RANK[g.role] >= RANK[Role.EDITOR]), status


@bp.get("/history")
def index(slug: str):
    return _page(slug)


def _undo(slug: str, pick):
    session = db.session()
    found = load_map(session, slug, need=Role.EDITOR)
    target = url_for("history.index", slug=slug, node=request.form.get("node") or None)
    back = map_url(slug) if request.form.get("back") == "map" else target
    try:
        with db.transaction(session):
            change = pick(session, found)
            done = summary(session, change, map_id=ident(found))
            revert(session, map_id=ident(found), change_id=change.id, user=current())
    except NothingToUndo as exc:  # not an error: say so where the person was
        flash(f"Nothing to undo: {exc}.")
        return redirect(back, 303)
    except (Conflict, NotFound) as exc:
        return _page(slug, message=str(exc), status=409 if isinstance(exc, Conflict) else 404)
    flash(f"Undone: {done}.")
    return redirect(back, 303)


@bp.post("/changes/<int(max=9223372036854775807):change_id>/revert")
def revert_change(slug: str, change_id: int):
    return _undo(slug, lambda session, found: session.get(Change, change_id)
                 or _missing(change_id))


@bp.post("/undo")
def undo(slug: str):
    # An editor's action: once load_map has let the user in, someone is signed in.
    return _undo(slug, lambda session, found: last_change_by(session, map_id=found.id,
                                                             user=signed_in()))


def _missing(change_id: int):
    raise NotFound(f"no change {change_id} in this map")
