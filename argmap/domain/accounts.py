"""Accounts and named guests, password hashing, and the back-off on logins and sign-ups.

Passwords are hashed with scrypt (werkzeug's default) and never stored or logged in plain
text. Attempts are counted in the database, so every worker process sees the same count.
"""

import secrets

from flask import current_app, has_app_context
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select
from werkzeug.security import check_password_hash, generate_password_hash

from argmap.domain import backoff
from argmap.errors import InvalidInput
from argmap.models import NewPassword, SignUp, User, new_session_stamp, validate

_DUMMY_HASHES: dict[str, str] = {}


def _dummy_hash() -> str:
    """A hash made as real ones are (same method and cost), of no one's password."""
    method = current_app.config["PASSWORD_HASH_METHOD"] if has_app_context() else "scrypt"
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(secrets.token_hex(16), method=method)
    return _DUMMY_HASHES[method]


def hash_password(password: str) -> str:
    """scrypt (werkzeug's default) unless PASSWORD_HASH_METHOD says otherwise: the tests use
    a cheap method, since the cost of a hash is the point of it."""
    method = current_app.config["PASSWORD_HASH_METHOD"] if has_app_context() else "scrypt"
    return generate_password_hash(password, method=method)


def sign_up(session: Session, *, username: str, display_name: str, password: str,
            address: str) -> User:
    """A new account. Whether a name is taken can't be hidden from whoever asks for it, so
    asking is made expensive: every attempt counts against the address's back-off, and the
    password is hashed before the name is looked up (a taken name answers no faster). The
    caller commits either way, to keep the count."""
    values = validate(SignUp, {"username": (username or "").strip().lower(),
                               "display_name": " ".join((display_name or "").split()),
                               "password": password or ""})
    at, key = backoff.now(), _address_key(address)
    backoff.refuse_early(session, [(key, backoff.address_limit(),
                                     "too many attempts from your network address")],
                         at, field="username")
    backoff.count(session, [key], at)
    password_hash = hash_password(values.password)
    taken = session.exec(select(User.id).where(User.username == values.username)).first()
    if taken is not None:
        raise InvalidInput("this username is taken", field="username")
    user = User(username=values.username, display_name=values.display_name,
                password_hash=password_hash)
    try:
        with session.begin_nested():  # the attempt's count stays if the insert fails
            session.add(user)
    except IntegrityError:  # another sign-up took the name since the check above
        raise InvalidInput("this username is taken", field="username") from None
    return user


def add_guest(session: Session, *, name: str, invite_id: int) -> User:
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput("type the name your edits will carry", field="name")
    if len(name) > 80:
        raise InvalidInput("the name is too long (at most 80 characters)", field="name")
    guest = User(display_name=name, is_guest=True, invite_id=invite_id)
    session.add(guest)
    session.flush()
    return guest


def login_name(username: str) -> str:
    """A username as typed at login, as it is stored."""
    return (username or "").strip().lower()[:40]


def _address_key(address: str) -> str:
    return f"addr:{address[:100]}"


def check_login(session: Session, *, username: str, password: str, address: str,
                known: bool = False) -> User:
    """The account for these credentials. Failures back off (see backoff.py) per account
    and per address; a browser `known` to have logged in to this account before has a
    back-off of its own instead, so strangers' failures never keep its owner out. The
    caller commits either way, to keep the counts."""
    at = backoff.now()
    name = login_name(username)
    own, addr_key = (f"known:{name}" if known else f"name:{name}"), _address_key(address)
    checks = [(own, backoff.ACCOUNT, "too many failed logins for this username")]
    if not known:
        checks.append((addr_key, backoff.address_limit(),
                       "too many failed logins from your network address"))
    backoff.refuse_early(session, checks, at, field="username")
    user = session.exec(select(User).where(User.username == name,
                                           col(User.is_guest).is_(False))).first()
    # An unknown name costs a hash too, so the answer's time doesn't tell which names exist.
    stored = user.password_hash if user is not None and user.password_hash else _dummy_hash()
    if not check_password_hash(stored, password or "") or user is None \
            or not user.password_hash:
        backoff.count(session, [own, addr_key], at)
        raise InvalidInput("wrong username or password", field="password")
    backoff.forget(session, own)
    return user


def set_password(session: Session, *, user: User, password: str) -> None:
    if user.is_guest:
        raise InvalidInput("guests have no password", field="username")
    values = validate(NewPassword, {"password": password or ""})
    user.password_hash = hash_password(values.password)
    end_sessions(session, user=user)


def end_sessions(session: Session, *, user: User) -> None:
    """Every session of this user ends (their cookies carry the old stamp): at logout, and
    with a new password."""
    user.session_stamp = new_session_stamp()
    session.add(user)
    session.flush()


def change_password(session: Session, *, user: User, new: str) -> None:
    """Set a new password; the caller has checked the current one (check_login)."""
    if check_password_hash(user.password_hash or "", new or ""):
        raise InvalidInput("the new password is the same as the current one",
                           field="password")
    set_password(session, user=user, password=new)


def find_account(session: Session, *, username: str) -> User:
    user = session.exec(select(User).where(User.username == (username or "").strip().lower(),
                                           col(User.is_guest).is_(False))).first()
    if user is None:
        raise InvalidInput(f"no account named '{username}'", field="username")
    return user
