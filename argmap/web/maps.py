"""Pages for reading maps: the list of maps and a map's diagram."""

from flask import Blueprint, Response, render_template

from argmap import db
from argmap.diagrams import inline_svg, map_diagram
from argmap.maps import list_maps, load_map_data
from argmap.render import FORMATS, MEDIA_TYPES

bp = Blueprint("maps", __name__)


@bp.get("/")
def index():
    return render_template("maps/index.html", maps=list_maps(db.session()))


@bp.get("/maps/<slug>")
def show(slug: str):
    session = db.session()
    data = load_map_data(session, slug=slug)
    svg = inline_svg(map_diagram(session, slug=slug, fmt="svg", data=data))
    return render_template("maps/show.html", data=data, svg=svg, formats=FORMATS)


@bp.get("/maps/<slug>/export.<fmt>")
def export(slug: str, fmt: str):
    body = map_diagram(db.session(), slug=slug, fmt=fmt)
    response = Response(body, mimetype=MEDIA_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{slug}.{fmt}"'
    return response


@bp.get("/maps/<slug>/diagram.svg")
def diagram(slug: str):
    """The diagram on its own, at full size, for the browser to zoom and scroll."""
    body = map_diagram(db.session(), slug=slug, fmt="svg")
    return Response(body, mimetype=MEDIA_TYPES["svg"])
