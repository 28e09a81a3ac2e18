"""Diagrams of stored maps, drawn once per distinct drawing and served from the render cache."""

from flask import current_app, url_for
from sqlmodel import Session

from argmap.domain.maps import load_map_data
from argmap.domain.ratings import base_scores
from argmap.errors import NotFound
from argmap.mapdata import MapData
from argmap.models import Map, ident
from argmap.render import ExportOptions, draw, drawing
from argmap.render.cache import RenderCache
from argmap.render.options import FORMATS

DEFAULT_OPTIONS = ExportOptions()


def cache() -> RenderCache:
    return RenderCache(current_app.config["RENDER_CACHE_DIR"],
                       max_bytes=current_app.config["RENDER_CACHE_MAX_BYTES"])


def map_diagram(session: Session, *, found: Map, fmt: str,
                options: ExportOptions = DEFAULT_OPTIONS, data: MapData | None = None,
                links: bool = False, withdrawn: tuple[str, ...] = (),
                reading: str = "plain", cached_only: bool = False,
                marks=None) -> bytes | None:
    """The diagram of a stored map, from the render cache when it has been drawn before.

    `data` and `marks` (what the caller read and evaluated of `found` in this request) save a
    read and an evaluation. With
    `links`, each node links to its panel on the map page (for the inline diagram; exported
    files carry no links to this server). The cache key is the Drawing's: what is drawn, not
    which map it is, so another map (or database) with the same drawing shares the file.
    """
    if fmt not in FORMATS:
        raise NotFound(f"unknown format '{fmt}'")
    if data is None:
        data, marks = load_map_data(session, found=found), None
    config = current_app.config
    base = (base_scores(session, map_id=ident(found)) if options.evaluation and marks is None
            else None)
    plan = drawing(data, options, fmt, node_limit=config["RENDER_NODE_LIMIT"],
                   link_prefix=(url_for("maps.show", slug=found.slug) + "?node="
                                if links else None),
                   base=base, withdrawn=withdrawn, reading=reading, marks=marks)
    if cached_only:  # None when it has not been drawn yet
        return cache().get(plan.key())
    return cache().get_or_render(plan.key(),
                                 lambda: draw(plan, timeout=config["RENDER_TIMEOUT"]))
def inline_svg(svg: bytes) -> str:
    """The <svg> element alone, without the XML prolog, for embedding in a page."""
    text = svg.decode("utf-8")
    return text[text.index("<svg"):]
