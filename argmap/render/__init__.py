"""Rendering pipeline: MapData -> (theme, layout) -> DOT -> SVG/PNG/PDF via `dot`."""

from argmap.mapdata import MapData
from argmap.render.dot import DEFAULT_LAYOUT, Layout, to_dot
from argmap.render.run import FORMATS, MEDIA_TYPES, run_dot
from argmap.render.theme import LIGHT, Theme

__all__ = ["DEFAULT_LAYOUT", "FORMATS", "MEDIA_TYPES", "Layout", "render", "to_dot"]


def render(data: MapData, fmt: str, *, theme: Theme = LIGHT, layout: Layout = DEFAULT_LAYOUT,
           timeout: float = 30.0, dpi: int | None = None) -> bytes:
    return run_dot(to_dot(data, theme, layout), fmt, timeout=timeout, dpi=dpi)
