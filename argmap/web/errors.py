"""Error pages: unknown maps and nodes get a real 404 page, bad input a 400.

An htmx request gets the message as a fragment in place of the element it targeted, so a
panel whose node someone else deleted says so instead of silently doing nothing.
"""

from flask import Flask, current_app, g, render_template, request
from flask_login import AnonymousUserMixin
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from argmap import db
from argmap.domain.access import Forbidden
from argmap.errors import (
    Conflict,
    DrawingBudgetSpent,
    Illegible,
    InvalidInput,
    NotFound,
    RenderError,
    TooLarge,
)


def _page(status: int, title: str, message: str):
    target = request.headers.get("HX-Target") if request.headers.get("HX-Request") else None
    if target:
        body = render_template("_error_fragment.html", target=target, title=title,
                               message=message)
    else:
        body = render_template("error.html", status=status, title=title, message=message)
    return body, status, {"Vary": "HX-Request, HX-Target"}


def register(app: Flask) -> None:
    @app.errorhandler(NotFound)
    def not_found(error: NotFound):
        return _page(404, "Not found", str(error))

    @app.errorhandler(InvalidInput)
    def invalid(error: InvalidInput):
        return _page(400, "Invalid input", str(error))

    @app.errorhandler(Forbidden)
    def forbidden(error: Forbidden):
        return _page(403, "Not allowed", str(error)[0].upper() + str(error)[1:] + ".")

    @app.errorhandler(Conflict)
    def conflict(error: Conflict):
        return _page(409, "Conflict", str(error))

    @app.errorhandler(TooLarge)
    def too_large(error: TooLarge):
        return _page(422, "Too large to draw at once", str(error))

    @app.errorhandler(Illegible)
    def illegible(error: Illegible):
        return _page(422, "Too small to read on a slide", str(error))

    @app.errorhandler(DrawingBudgetSpent)
    def budget_spent(error: DrawingBudgetSpent):
        body, status, headers = _page(429, "Too many new drawings for now", str(error))
        return body, status, {**headers, "Retry-After": str(error.retry_after)}

    @app.errorhandler(RenderError)
    def render_failed(error: RenderError):
        return _page(503, "The diagram could not be drawn", str(error))

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error: OperationalError | InterfaceError):
        # The server is down or restarting, or SQLite's file can't be opened (the pool
        # reconnects by itself once it is back). Logged, since a bug can look the same.
        current_app.logger.warning("database unavailable: %s", error.orig)
        db.close_session()
        g._login_user = AnonymousUserMixin()  # the page must not ask the database who this is
        body, status, headers = _page(
            503, "The database can't be reached",
            "argmap can't reach its database just now, so this page could not be answered. "
            "Try again in a moment. If you were saving a change, look afterwards whether it "
            "was saved.")
        return body, status, {**headers, "Retry-After": "5"}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 404:
            return _page(404, "Not found", "There is no page at this address.")
        return _page(error.code or 500, error.name, error.description or error.name)
