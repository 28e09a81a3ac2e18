"""Sign up, log in and log out (Flask-Login sessions)."""

import hmac
from typing import cast
from urllib.parse import unquote

from flask import Blueprint, Flask, abort, redirect, render_template, request, url_for
from flask import session as cookie
from flask_login import LoginManager, current_user, login_required, login_user, logout_user

from argmap import db
from argmap.domain.access import guest_is_valid
from argmap.domain.accounts import change_password, check_login, end_sessions, login_name, sign_up
from argmap.domain.backoff import TooManyAttempts
from argmap.domain.leaving import delete_account, owned_maps
from argmap.errors import InvalidInput
from argmap.models import User
from argmap.web import browsers
from argmap.web.page import FormState, field_error

bp = Blueprint("auth", __name__)
login_manager = LoginManager()


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    session = db.session()
    user_id, _, stamp = session_id.partition(":")
    user = session.get(User, int(user_id)) if user_id.isdigit() else None
    # The row is loaded anyway to know who this is; the stamp costs no query of its own.
    if user is None or not hmac.compare_digest(user.session_stamp, stamp):
        return None  # unknown, or logged out (or a new password) since this session began
    # A guest's access ends with their invite link.
    return user if guest_is_valid(session, user=user) else None


FORK_WISH = "fork_wish"  # a fork asked for before logging in: {slug, title}


def begin_session(user: User) -> None:
    """Log in with a new session: nothing from before it is kept (a CSRF token planted in
    this browser before the login is no use after it), but for a fork the person asked for
    on the way in, which grants nothing: they still submit it themselves."""
    wish = cookie.get(FORK_WISH)
    cookie.clear()
    if isinstance(wish, dict):
        cookie[FORK_WISH] = {"slug": str(wish.get("slug", "")),
                             "title": str(wish.get("title", ""))[:200]}
    login_user(user)


def safe_next(target: str | None, default: str) -> str:
    """Only a path on this site: never redirect to another host. Browsers drop tabs and
    newlines from an address ("/\t/evil.example" is "//evil.example"), so a target with any
    whitespace or control character is refused too."""
    target = target or ""
    ok = all(text.startswith("/") and not text.startswith("//") and "\\" not in text
             and not any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7f for c in text)
             for text in (target, unquote(target)))  # as sent, and as a proxy might decode it
    return target if ok else default


def current() -> User | None:
    # flask-login is untyped; its current_user is a LocalProxy standing in for our User.
    return cast(User, current_user) if current_user.is_authenticated else None


def signed_in() -> User:
    """current(), in a view only a signed-in user gets to (@login_required, or a role)."""
    user = current()
    assert user is not None, "this view is for signed-in users"
    return user


def _signed_in_object() -> User:
    """The signed-in User itself, not the proxy (the views using it are @login_required)."""
    user = current_user._get_current_object()
    assert isinstance(user, User), "this view is for signed-in users"
    return user


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    values = {name: request.form.get(name, "") for name in ("username", "display_name")}
    if request.method == "GET":
        return render_template("auth/signup.html", form=None, next=request.args.get("next"))
    session = db.session()
    try:
        user = sign_up(session, password=request.form.get("password", ""),
                       address=request.remote_addr or "unknown", **values)
    except InvalidInput as exc:
        session.commit()  # keep the count of attempts (nothing else was stored)
        form = FormState(values, field_error(exc, (*values, "password"), "username"))
        return _refused(render_template("auth/signup.html", form=form,
                                        next=request.form.get("next")), exc)
    session.commit()
    begin_session(user)
    return browsers.remember(redirect(safe_next(request.form.get("next"),
                                                url_for("maps.index")), 303), user.username or "")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("auth/login.html", form=None, next=request.args.get("next"))
    values = {"username": request.form.get("username", "")}
    name = login_name(values["username"])
    session = db.session()
    try:
        user = check_login(session, username=name, password=request.form.get("password", ""),
                           address=request.remote_addr or "unknown",
                           known=browsers.is_known(name))
    except InvalidInput as exc:
        session.commit()  # keep the count of failed attempts
        form = FormState(values, field_error(exc, ("username", "password"), "password"))
        return _refused(render_template("auth/login.html", form=form,
                                        next=request.form.get("next")), exc)
    session.commit()
    begin_session(user)
    return browsers.remember(redirect(safe_next(request.form.get("next"),
                                                url_for("maps.index")), 303), name)


def _refused(page: str, exc: InvalidInput):
    """A 422 with the form; a 429 saying when to try again (the server never waits)."""
    if isinstance(exc, TooManyAttempts):
        return page, 429, {"Retry-After": str(exc.retry_after)}
    return page, 422


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    """The signed-in account: change its password (which ends its other sessions)."""
    if request.method == "GET":
        return _account_page()

    def change(session, user: User) -> None:
        try:
            change_password(session, user=user, new=request.form.get("new_password", ""))
        except InvalidInput as exc:
            raise InvalidInput(str(exc).removeprefix("password: "),
                               field="new_password") from exc

    failed = _after_password("password", ("current_password", "new_password"),
                             "this is not your current password", change)
    if failed:
        return failed
    login_user(current_user._get_current_object())  # a new stamp; the other sessions end
    return _account_page(password=FormState({}, {}, "Password changed. Your other sessions "
                                                     "have been logged out."))


@bp.post("/account/delete")
@login_required
def delete_account_route():
    """Delete the signed-in account, after its password; then log out."""
    failed = _after_password("delete", ("password",),
                             "this is not your password; nothing was deleted",
                             lambda session, user: delete_account(session, user=user))
    if failed:
        return failed
    logout_user()
    cookie.clear()
    return redirect(url_for("maps.index"), 303)


def _after_password(form: str, fields: tuple[str, ...], wrong: str, change):
    """Check the password in fields[0] (a wrong one counts as a failed login), then run
    `change(session, user)`, all in one transaction. None when done; else the account page
    with the error next to its field."""
    user = _signed_in_object()
    if user.is_guest:
        abort(403, "guests join through an invite link and have no password")
    session = db.session()
    try:
        with db.transaction(session):
            try:  # a signed-in browser has logged in to this account: it is known
                check_login(session, username=user.username or "",
                            password=request.form.get(fields[0], ""),
                            address=request.remote_addr or "unknown", known=True)
            except InvalidInput as exc:
                session.commit()  # keep the count of failed attempts
                raise InvalidInput(str(exc) if isinstance(exc, TooManyAttempts) else wrong,
                                   field=fields[0]) from exc
            change(session, user)
    except InvalidInput as exc:
        page, _ = _account_page(**{form: FormState({}, field_error(exc, fields, fields[0]))})
        cause = exc.__cause__
        return _refused(page, cause if isinstance(cause, TooManyAttempts) else exc)
    return None


def _account_page(**forms: FormState):
    user = _signed_in_object()
    alone, shared = owned_maps(db.session(), user=user) if not user.is_guest else ([], [])
    return render_template("auth/account.html", forms=forms, alone=alone,
                           shared=shared), 200


@bp.post("/logout")
def logout():
    """End the session here and every copy of its cookie, on every worker: the user's stamp
    changes (so this logs out the user's other browsers too)."""
    if current() is not None:
        session = db.session()
        with db.transaction(session):
            end_sessions(session, user=_signed_in_object())
    logout_user()
    cookie.clear()
    return redirect(url_for("maps.index"), 303)


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    # flask-login is untyped, and its __init__ sets login_view = None: pyright infers None.
    login_manager.login_view = "auth.login"  # pyright: ignore[reportAttributeAccessIssue]
    login_manager.login_message = "Log in to continue."
    app.register_blueprint(bp)
    app.jinja_env.globals["me"] = current
