"""The drawing budget: how much new `dot` time people who cannot edit a map may start.

Every drawing is bounded on its own (RENDER_TIMEOUT, RENDER_NODE_LIMIT); this bounds how many
a reader can ask for. Drawings in the render cache cost nothing and are always served. A new
one is charged to the reader (their account, or their address when anonymous) and, unless it
is the map's default drawing, to a pool shared by all of the map's readers, so that many
addresses asking for one option set after another (wrap=13, wrap=14, ...) still run out.
Editors and owners are not charged: they are trusted with their own map.

Spending lives in the database, so every worker sees it. A drawing reserves the whole time
limit before it starts (concurrent requests see the reservation) and is charged what it
took when it ends.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine, delete, func, update
from sqlmodel import Session, col, select

from argmap.errors import DrawingBudgetSpent
from argmap.models import DrawingSpend, utcnow

WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class Account:
    """One budget: a key ("addr:<ip>", "user:<id>", "map:<id>"), its seconds per WINDOW,
    and whose it is, for the message ("you" or "map")."""

    key: str
    seconds: float
    whose: str


def _refusal(account: Account, wait: timedelta) -> DrawingBudgetSpent:
    minutes = max(1, round(wait.total_seconds() / 60))
    who = ("You have" if account.whose == "you"
           else "The people who read but cannot edit this map have")
    return DrawingBudgetSpent(
        f"{who} used the {account.seconds:g} s of new drawings that argmap allows in "
        f"{WINDOW.seconds // 60} minutes, so this view was not drawn. Views drawn before are "
        f"still shown, to everyone; try again in about {minutes} min, or ask the map's owner "
        "for the editor role.", retry_after=round(wait.total_seconds()) or 1)


@contextmanager
def spending(engine: Engine, *, accounts: list[Account], reserve: float) -> Iterator[None]:
    """Charge one new drawing to `accounts`, or refuse it (DrawingBudgetSpent) when one of
    them has used its seconds in the last WINDOW. Its own transactions: the reservation must
    be seen by other workers before the drawing starts, whatever the request does next."""
    with Session(engine) as session:
        now = utcnow()
        for account in accounts:
            session.execute(delete(DrawingSpend).where(col(DrawingSpend.key) == account.key,
                                                       col(DrawingSpend.at) <= now - WINDOW))
            spent, oldest = session.exec(
                select(func.coalesce(func.sum(DrawingSpend.seconds), 0.0),
                       func.min(DrawingSpend.at))
                .where(col(DrawingSpend.key) == account.key)).one()
            if spent >= account.seconds:
                session.rollback()
                raise _refusal(account, (oldest or now) + WINDOW - now)
        rows = [DrawingSpend(key=account.key, at=now, seconds=reserve) for account in accounts]
        session.add_all(rows)
        session.flush()
        ids = [row.id for row in rows]  # before the commit expires them (no re-reads)
        session.commit()
    started = time.monotonic()
    try:
        yield
    finally:
        with Session(engine) as session:
            session.execute(update(DrawingSpend).where(col(DrawingSpend.id).in_(ids))
                            .values(seconds=time.monotonic() - started))
            session.commit()
