"""Access checks for routes: every view that touches a map goes through `load_map`."""

from flask import g
from sqlmodel import Session

from argmap.domain.access import Forbidden, Role, require
from argmap.domain.maps import get_map
from argmap.models import Map, User
from argmap.web.auth import current


def load_map(session: Session, slug: str, need: Role | None = None) -> Map:
    """The map, if the current user may read it and has at least role `need`.

    Unreadable private maps are a 404 (their existence is not revealed); readable maps the
    user may not change are a 403.
    """
    found = get_map(session, slug=slug)
    g.role = require(session, found=found, user=current(), need=need)
    return found


def account_or_login() -> User:
    """The logged-in account (not a guest), or a Forbidden saying what to do."""
    user = current()
    if user is None:
        raise Forbidden("log in or sign up first")
    if user.is_guest:
        raise Forbidden("guests cannot own maps; sign up for an account first")
    return user
