"""The secret key, CSRF tokens on every state change, cookie settings and security headers.

The key lives in the instance folder (or ARGMAP_SECRET_KEY) so that every worker process
signs and checks sessions and tokens the same way.
"""

import hmac
import os
import secrets

from flask import Flask, abort, has_request_context, request, session
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from argmap.models import NUL_MESSAGE

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


def _instance_secret(app: Flask) -> str:
    path = os.path.join(app.instance_path, "secret_key")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        with open(path, encoding="ascii") as existing:
            key = existing.read().strip()
        if key:
            return key
        raise RuntimeError(f"{path} is empty; delete it and restart") from None
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as new:
        new.write(key)
    return key


def csrf_token() -> str:
    if CSRF_FIELD not in session:
        session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return session[CSRF_FIELD]


def _check_csrf() -> None:
    if request.method in SAFE_METHODS:
        return
    expected = session.get(CSRF_FIELD)
    sent = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    if not expected or not hmac.compare_digest(expected, sent):
        abort(400, "This form has expired or did not come from argmap. Reload the page and "
                   "try again.")


def _refuse_nul() -> None:
    """PostgreSQL cannot take U+0000 in a query, and no text of argmap's holds one: refuse it
    in the address and the form fields (files are checked by the importers, with a line)."""
    values = [request.path, *request.args.values(), *request.form.values()]
    if any("\x00" in value for value in values):
        abort(400, f"The request {NUL_MESSAGE}.")


# No inline script or style anywhere: scripts and styles come from our own static files.
# 'wasm-unsafe-eval' lets our own scripts compile WebAssembly (Graphviz in d3-graphviz, which
# lays out the map page's diagram to animate it) and nothing else: eval stays forbidden.
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
       "img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def _headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


class SessionInterface(SecureCookieSessionInterface):
    """Session cookies are Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (
            has_request_context() and request.is_secure)


def init_app(app: Flask) -> None:
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ.get("ARGMAP_SECRET_KEY") or _instance_secret(app)
    # Flask's defaults exist with None, so set these outright.
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.session_interface = SessionInterface()
    if os.environ.get("ARGMAP_PROXIES"):  # behind N reverse proxies that set X-Forwarded-*
        hops = int(os.environ["ARGMAP_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.before_request(_refuse_nul)
    app.before_request(_check_csrf)
    app.after_request(_headers)
    app.jinja_env.globals["csrf_token"] = csrf_token
