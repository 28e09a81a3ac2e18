"""Browsers that have logged in to an account before. After each login the browser keeps a
long-lived cookie holding, for each of its last few accounts, an HMAC of the username under
the secret key (so it can't be made up, and doesn't show the name). Such a browser skips the
back-off that strangers' failures put on the account, and has its own: failing to log in as
someone can slow the attacker down, but never the account's owner on their own browser.

A separate cookie, not the session: it outlives logging out, as it must.
"""

import hashlib
import hmac
from datetime import timedelta

from flask import current_app, request
from werkzeug.wrappers import Response

COOKIE = "argmap_known"
KEEP = 5  # accounts per browser (a shared computer in a seminar room has a few)
LASTS = timedelta(days=365)


def _mark(name: str) -> str:
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, f"known-browser:{name}".encode(), hashlib.sha256).hexdigest()[:32]


def _marks() -> list[str]:
    return [mark for mark in request.cookies.get(COOKIE, "").split(".") if mark][:KEEP]


def is_known(name: str) -> bool:
    """Whether this browser has logged in as `name` (a username as accounts.login_name
    spells it) before."""
    mark = _mark(name)
    return any(hmac.compare_digest(mark, seen) for seen in _marks())


def remember(response: Response, name: str) -> Response:
    mark = _mark(name)
    marks = [mark, *(seen for seen in _marks() if seen != mark)][:KEEP]
    response.set_cookie(COOKIE, ".".join(marks), max_age=int(LASTS.total_seconds()),
                        httponly=True, samesite="Lax",
                        secure=current_app.session_interface.get_cookie_secure(current_app))
    return response
