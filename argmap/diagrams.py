"""Diagrams of stored maps, rendered once per revision and options, and served from the render
cache."""

import hashlib
from pathlib import Path

from flask import current_app, url_for
from sqlmodel import Session, select

from argmap.errors import NotFound
from argmap.mapdata import MapData
from argmap.maps import load_map_data
from argmap.models import Map
from argmap.ratings import base_scores
from argmap.render import ExportOptions, export
from argmap.render.cache import RenderCache
from argmap.render.options import FORMATS

# Cached diagrams are retired automatically whenever the rendering code changes.
RENDERER_VERSION = hashlib.sha256(b"".join(
    p.read_bytes() for p in sorted((Path(__file__).parent / "render").glob("*.py")))
).hexdigest()[:16]
DEFAULT_OPTIONS = ExportOptions()


def cache() -> RenderCache:
    return RenderCache(current_app.config["RENDER_CACHE_DIR"],
                       max_bytes=current_app.config["RENDER_CACHE_MAX_BYTES"])


def map_diagram(session: Session, *, slug: str, fmt: str,
                options: ExportOptions = DEFAULT_OPTIONS, data: MapData | None = None,
                links: bool = False, withdrawn: tuple[str, ...] = (),
                reading: str = "plain", cached_only: bool = False) -> bytes | None:
    """The diagram of a stored map; `data`, when the caller has loaded it already, saves a read.

    With `links`, each node links to its panel on the map page (for the inline diagram;
    exported files carry no links to this server). The cache key names the map by id,
    creation time and revision, so a rebuilt database that reuses id 1 and revision 1 does
    not pick up the old database's diagrams.
    """
    if fmt not in FORMATS:
        raise NotFound(f"unknown format '{fmt}'")
    row = session.exec(select(Map.id, Map.created_at, Map.revision)
                       .where(Map.slug == slug)).first()
    if row is None:
        raise NotFound(f"no map with the slug '{slug}'")
    map_id, created_at, revision = row
    prefix = url_for("maps.show", slug=slug) + "?node=" if links else None
    config = current_app.config
    key = (RENDERER_VERSION, map_id, created_at.isoformat(), revision, fmt,
           repr(sorted(options.query().items())), prefix, withdrawn, reading)
    # Read before the cache lookup, so a page costs the same queries drawn or not.
    base = base_scores(session, slug=slug) if options.evaluation else None
    if cached_only:  # None when it has not been drawn yet
        return cache().get(key)
    return cache().get_or_render(
        key,
        lambda: export(data if data is not None and data.revision == revision
                       else load_map_data(session, slug=slug), options, fmt,
                       timeout=config["RENDER_TIMEOUT"],
                       node_limit=config["RENDER_NODE_LIMIT"], link_prefix=prefix,
                       base=base,
                       withdrawn=withdrawn, reading=reading))


def inline_svg(svg: bytes) -> str:
    """The <svg> element alone, without the XML prolog, for embedding in a page."""
    text = svg.decode("utf-8")
    return text[text.index("<svg"):]
