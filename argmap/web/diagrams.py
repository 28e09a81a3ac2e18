"""Diagrams of stored maps, drawn once per distinct drawing and served from the render cache;
a new drawing for someone who cannot edit the map is charged to the drawing budget."""

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from flask import current_app, g, request, url_for
from flask_login import current_user
from sqlmodel import Session

from argmap import db
from argmap.domain.access import RANK, Role
from argmap.domain.drawing import Account, spending
from argmap.domain.maps import load_map_data
from argmap.domain.ratings import base_scores
from argmap.errors import NotFound, TooLarge
from argmap.formats.aif import ova_key, write_ova
from argmap.mapdata import MapData
from argmap.models import Map, ident
from argmap.render import Drawing, ExportOptions, draw, drawing
from argmap.render.cache import RenderCache
from argmap.render.options import FORMATS
from argmap.render.select import View

DEFAULT_OPTIONS = ExportOptions()
PAGE_OPTIONS = ExportOptions(evaluation=True)  # the page shows the evaluation; exports don't
# One drawing per format, revision, reading and level of detail: what every reader asks for.
DEFAULT_DRAWINGS = (DEFAULT_OPTIONS, PAGE_OPTIONS)


def cache() -> RenderCache:
    return RenderCache(current_app.config["RENDER_CACHE_DIR"],
                       max_bytes=current_app.config["RENDER_CACHE_MAX_BYTES"])


def map_diagram(session: Session, *, found: Map, fmt: str,
                options: ExportOptions = DEFAULT_OPTIONS, data: MapData | None = None,
                links: bool = False, withdrawn: tuple[str, ...] = (),
                reading: str = "plain", cached_only: bool = False,
                marks=None, view: View | None = None, default_view: bool = True,
                view_args: dict[str, str] | None = None) -> bytes | None:
    """The diagram of a stored map, from the render cache when it has been drawn before.

    `data` and `marks` (what the caller read and evaluated of `found` in this request) save a
    read and an evaluation. With
    `links`, each node links to its panel on the map page (for the inline diagram; exported
    files carry no links to this server). The cache key is the Drawing's: what is drawn, not
    which map it is, so another map (or database) with the same drawing shares the file.
    A `view` (the page's focus and collapsed nodes) is drawn instead of the options'
    selection; it is part of the DOT and so of the key. Unless it is the page's
    `default_view`, a reader's new drawing of it is charged to the map's pool too.
    """
    if fmt not in FORMATS:
        raise NotFound(f"unknown format '{fmt}'")
    if data is None:
        data, marks = load_map_data(session, found=found), None
    config = current_app.config
    plan = diagram_plan(session, found=found, fmt=fmt, options=options, data=data,
                        links=links, withdrawn=withdrawn, reading=reading, marks=marks,
                        view=view, view_args=view_args)
    return cached_or_drawn(found, plan.key(),
                           lambda: draw(plan, timeout=config["RENDER_TIMEOUT"]),
                           default=replace(options, labels="full") in DEFAULT_DRAWINGS
                           and not withdrawn and default_view,
                           cached_only=cached_only)


def diagram_plan(session: Session, *, found: Map, fmt: str, options: ExportOptions,
                 data: MapData, links: bool, withdrawn: tuple[str, ...], reading: str,
                 marks=None, view: View | None = None,
                 view_args: dict[str, str] | None = None) -> Drawing:
    """What `dot` is asked to draw for map_diagram; its DOT is what the page's animated
    diagram lays out in the browser (web/live.py), so both come from here. `view_args` (the
    page's focus and collapsed nodes, as url_for's **values) go into the node links."""
    base = (base_scores(session, map_id=ident(found)) if options.evaluation and marks is None
            else None)
    where: dict[str, Any] = view_args or {}
    page = url_for("maps.show", slug=found.slug, **where)
    joiner = "&" if "?" in page else "?"
    return drawing(data, options, fmt, node_limit=current_app.config["RENDER_NODE_LIMIT"],
                   link_prefix=page + joiner + "node=" if links else None,
                   stub_prefix=page + joiner + "open=" if links and view else None,
                   base=base, withdrawn=withdrawn, reading=reading, marks=marks, view=view)


def ova_file(session: Session, *, found: Map) -> bytes:
    """The map as OVA3's AIF with positions: a `dot` layout, so cached and budgeted like a
    drawing, and refused above the node limit like one."""
    data = load_map_data(session, found=found)
    config = current_app.config
    if len(data.nodes) > config["RENDER_NODE_LIMIT"]:
        raise TooLarge(len(data.nodes), config["RENDER_NODE_LIMIT"])
    body = cached_or_drawn(found, ova_key(data, found.source_text),
                           lambda: write_ova(data, found.source_text,
                                             timeout=config["RENDER_TIMEOUT"]).encode(),
                           default=True)
    assert body is not None  # only a cached_only lookup answers None
    return body


def cached_or_drawn(found: Map, key: tuple, make: Callable[[], bytes], *, default: bool,
                    cached_only: bool = False) -> bytes | None:
    """The cached file under `key`, else `make()`'s, charged to the drawing budget when the
    reader cannot edit the map (`default`: the map's default drawing, not charged to the
    map's shared pool). With `cached_only`, None instead of drawing."""
    stored = cache().get(key)
    if stored is not None or cached_only:
        return stored
    if RANK[g.get("role")] >= RANK[Role.EDITOR]:
        return cache().get_or_render(key, make)
    config = current_app.config
    reader = (f"user:{current_user.id}" if current_user.is_authenticated
              else f"addr:{request.remote_addr}")
    accounts = [Account(reader,
                        config["READER_DRAWING_SECONDS"], "you")]
    if not default:
        accounts.append(Account(f"map:{found.id}", config["MAP_READERS_DRAWING_SECONDS"], "map"))
    with spending(db.engine(), accounts=accounts, reserve=config["RENDER_TIMEOUT"]):
        return cache().get_or_render(key, make)
def inline_svg(svg: bytes) -> str:
    """The <svg> element alone, without the XML prolog, for embedding in a page."""
    text = svg.decode("utf-8")
    return text[text.index("<svg"):]
