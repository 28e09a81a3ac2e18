"""Diagrams of stored maps, rendered once per revision and served from the render cache."""

from flask import current_app
from sqlmodel import Session, select

from argmap.errors import NotFound
from argmap.maps import load_map_data
from argmap.models import Map
from argmap.render import FORMATS, render
from argmap.render.cache import RenderCache

RENDERER_VERSION = 1  # bump when the DOT output changes, to retire cached diagrams


def cache() -> RenderCache:
    return RenderCache(current_app.config["RENDER_CACHE_DIR"],
                       max_bytes=current_app.config["RENDER_CACHE_MAX_BYTES"])


def map_diagram(session: Session, *, slug: str, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise NotFound(f"unknown format '{fmt}'")
    row = session.exec(select(Map.id, Map.revision).where(Map.slug == slug)).first()
    if row is None:
        raise NotFound(f"no map with the slug '{slug}'")
    map_id, revision = row
    return cache().get_or_render(
        (RENDERER_VERSION, map_id, revision, fmt),
        lambda: render(load_map_data(session, slug=slug), fmt,
                       timeout=current_app.config["RENDER_TIMEOUT"]))


def inline_svg(svg: bytes) -> str:
    """The <svg> element alone, without the XML prolog, for embedding in a page."""
    text = svg.decode("utf-8")
    return text[text.index("<svg"):]
