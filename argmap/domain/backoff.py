"""Back-off for logins and sign-ups, instead of a lock: past a few free attempts on a key (a
username, an address), each counted attempt makes the next one wait, doubling from FIRST_WAIT
up to MAX_WAIT. An attacker guesses slowly, and nobody is kept out for longer than MAX_WAIT
at a time. The server never sleeps: a refused attempt says how long to wait, and is not
counted (retrying early does not make the wait longer).

Attempts are rows in the database (LoginAttempt), so every worker sees the same counts.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, has_app_context
from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from argmap.errors import InvalidInput
from argmap.models import LoginAttempt, as_utc, utcnow

FIRST_WAIT = 15  # seconds
MAX_WAIT = 300


@dataclass(frozen=True)
class Limit:
    free: int  # attempts before the first wait
    memory: timedelta  # how long an attempt counts


# An account's failures count for a day (until a login succeeds), so that a patient
# attacker stays at one guess per MAX_WAIT. An address's attempts count for ten minutes: a
# school or an office shares one, and its people's typos must not add up for long.
ACCOUNT = Limit(free=5, memory=timedelta(days=1))
ADDRESS_MEMORY = timedelta(minutes=10)
KEPT = max(ACCOUNT.memory, ADDRESS_MEMORY)


class TooManyAttempts(InvalidInput):
    def __init__(self, message: str, *, field: str, retry_after: int):
        super().__init__(f"{message}; try again in {_duration(retry_after)}", field=field)
        self.retry_after = retry_after


def now() -> datetime:
    """The clock of the limits; a test sets LOGIN_CLOCK to move it without sleeping."""
    return current_app.config.get("LOGIN_CLOCK", utcnow)() if has_app_context() else utcnow()


def address_limit() -> Limit:
    free = current_app.config.get("LOGIN_ADDRESS_LIMIT", 20) if has_app_context() else 20
    return Limit(free=free, memory=ADDRESS_MEMORY)


def wait_after(count: int, limit: Limit) -> int:
    """Seconds from the count-th attempt to the next allowed one."""
    if count < limit.free:
        return 0
    return min(MAX_WAIT, FIRST_WAIT * 2 ** min(count - limit.free, 10))


def retry_after(session: Session, key: str, limit: Limit, at: datetime) -> int:
    """Seconds until `key` may try again (0: now)."""
    count, last = session.exec(
        select(func.count(col(LoginAttempt.id)), func.max(LoginAttempt.at))
        .where(LoginAttempt.key == key, LoginAttempt.at > at - limit.memory)).one()
    if not count or last is None:
        return 0
    due = as_utc(last) + timedelta(seconds=wait_after(count, limit))
    return max(0, math.ceil((due - at).total_seconds()))


def refuse_early(session: Session, checks: list[tuple[str, Limit, str]], at: datetime,
                 field: str) -> None:
    """TooManyAttempts (with its check's message) if any (key, limit, message) must wait."""
    for key, limit, message in checks:
        wait = retry_after(session, key, limit, at)
        if wait:
            raise TooManyAttempts(message, field=field, retry_after=wait)


def count(session: Session, keys: list[str], at: datetime) -> None:
    """One attempt on each key; attempts too old to count are deleted on the way."""
    session.execute(delete(LoginAttempt).where(col(LoginAttempt.at) < at - KEPT))
    session.add_all(LoginAttempt(key=key, at=at) for key in keys)
    session.flush()


def forget(session: Session, key: str) -> None:
    session.execute(delete(LoginAttempt).where(col(LoginAttempt.key) == key))


def _duration(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} second{'' if seconds == 1 else 's'}"
    return f"{math.ceil(seconds / 60)} minutes"
