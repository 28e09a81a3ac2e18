"""Error pages: unknown maps and nodes get a real 404 page, bad input a 400."""

from flask import Flask, render_template

from argmap.errors import InvalidInput, NotFound, RenderError


def register(app: Flask) -> None:
    @app.errorhandler(NotFound)
    def not_found(error: NotFound):
        return render_template("error.html", status=404, title="Not found",
                               message=str(error)), 404

    @app.errorhandler(404)
    def no_route(_error):
        return render_template("error.html", status=404, title="Not found",
                               message="There is no page at this address."), 404

    @app.errorhandler(InvalidInput)
    def invalid(error: InvalidInput):
        return render_template("error.html", status=400, title="Invalid input",
                               message=str(error)), 400

    @app.errorhandler(RenderError)
    def render_failed(error: RenderError):
        return render_template("error.html", status=503, title="The diagram could not be drawn",
                               message=str(error)), 503
