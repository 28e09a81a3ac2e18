"""What the map page's script needs to move the diagram instead of replacing it: the DOT that
the page's diagram is drawn from (the browser lays it out and animates to it), and what
others changed since this browser last looked (the live line, and the nodes to mark)."""

import hashlib
import threading
from collections import OrderedDict
from pathlib import Path

from flask import Blueprint, Response, g, render_template, request
from flask import session as cookie

from argmap import db
from argmap.domain.maps import load_map_data
from argmap.domain.news import news, nothing_new
from argmap.models import ident
from argmap.render import dot as dot_stage
from argmap.render.pipeline import marks_of
from argmap.web.auth import current
from argmap.web.diagrams import diagram_plan
from argmap.web.guard import load_map
from argmap.web.page import PageRequest, evaluated
from argmap.web.viewstate import ViewState

bp = Blueprint("live", __name__, url_prefix="/maps/<slug>")

# Part of every ETag: a new DOT stage draws the same revision differently.
DOT_STAGE = hashlib.sha256(Path(dot_stage.__file__).read_bytes()).hexdigest()[:12]
CACHED = 256  # DOT texts kept per process (a few kB to a few hundred kB each)


class Recent:
    """A small least-recently-used cache, shared by a worker's threads."""

    def __init__(self, size: int):
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
            return self.items.get(key)

    def put(self, key, value) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


DOTS = Recent(CACHED)


def _choices(slug: str) -> tuple:
    """This browser session's drawing choices for the map (page.py reads the same cookies):
    with the revision, they decide the page's DOT, so they make its ETag without a read."""
    return (cookie.get("labels", {}).get(slug), cookie.get("reading", {}).get(slug),
            tuple(cookie.get("whatif", {}).get(slug, [])))


@bp.get("/view.dot")
def view_dot(slug: str):
    """The DOT of the map page's diagram as this session sees it, exactly what its SVG is
    drawn from; 304 while the revision (and the session's choices) stay the same."""
    session = db.session()
    found = load_map(session, slug)
    state = ViewState.parse(request.args)  # the page's focus and collapsed nodes
    key = (ident(found), found.slug, str(found.created_at), found.revision, DOT_STAGE,
           _choices(slug), tuple(sorted(state.query().items())))
    etag = hashlib.sha256(repr(key).encode()).hexdigest()[:24]
    headers = {"ETag": f'"{etag}"', "Cache-Control": "private, no-cache", "Vary": "Cookie",
               "X-Argmap-Revision": str(found.revision)}
    if request.if_none_match.contains(etag):
        return Response(status=304, headers=headers)
    body = DOTS.get(key)
    if body is None:
        data = load_map_data(session, found=found)
        state = state.known(data)  # a node deleted since the page was drawn is left out
        shown = state.view(data)
        req = PageRequest(session=session, found=found, data=data, view="diagram",
                          node_key=None, forms={}, role=g.get("role"), state=state,
                          shown=shown)
        ev = evaluated(req)
        plan = diagram_plan(session, found=found, fmt="svg", options=ev.options, data=data,
                            links=True, withdrawn=ev.withdrawn, reading=ev.drawn_reading,
                            marks=marks_of(ev.evaluation) if ev.evaluation else None,
                            view=shown, view_args=state.query())
        body = plan.sources[0]
        DOTS.put(key, body)
    return Response(body, mimetype="text/vnd.graphviz", headers=headers)


@bp.get("/changes")
def changes(slug: str):
    """The live line's news: what others changed after change `since`."""
    session = db.session()
    found = load_map(session, slug)
    return render_template("maps/_news.html", slug=slug, **news_context(
        ident(found), request.args.get("since", 0, type=int)))


def news_context(map_id: int, since: int | None) -> dict:
    """The news after change `since`; none when not given (a poller from before the news)."""
    if since is None:
        return {"news": nothing_new(db.session(), map_id=map_id)}
    user = current()
    return {"news": news(db.session(), map_id=map_id, since=since,
                         me=user.id if user else None)}
