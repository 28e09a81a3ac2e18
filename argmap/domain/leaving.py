"""Deleting an account: what goes with it, and what must be handed over first.

What the person wrote stays in the maps, signed as it was (a shared map's record is the
group's); the account, its memberships and its ratings go, and so do the maps it owns that
nobody else belongs to.
"""

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from argmap.domain.maps import bump_revision
from argmap.errors import InvalidInput
from argmap.models import Map, Membership, Rating, Role, User, ident


def owned_maps(session: Session, *, user: User) -> tuple[list[Map], list[Map]]:
    """The maps `user` owns: (those no other account belongs to, those that others with an
    account could take over). Guests can't own a map, so they don't count."""
    owned = session.exec(select(Map).join(Membership, col(Membership.map_id) == col(Map.id)).where(
        Membership.user_id == user.id, Membership.role == Role.OWNER).order_by(Map.title)
    ).all()
    if not owned:
        return [], []
    sizes = dict(session.exec(
        select(Membership.map_id, func.count(col(Membership.id)))
        .join(User, col(User.id) == col(Membership.user_id))
        .where(col(Membership.map_id).in_([m.id for m in owned]), col(User.is_guest).is_(False))
        .group_by(col(Membership.map_id))).all())
    alone = [m for m in owned if sizes.get(ident(m), 0) <= 1]
    shared = [m for m in owned if sizes.get(ident(m), 0) > 1]
    return alone, shared


def delete_account(session: Session, *, user: User) -> None:
    """Delete the account, and the maps no other account belongs to."""
    if user.is_guest:
        raise InvalidInput("guests have no account to delete", field="password")
    alone, shared = owned_maps(session, user=user)
    if shared:
        titles = ", ".join(f"“{m.title}”" for m in shared)
        raise InvalidInput(f"first hand over {titles} to another member (Sharing page), or "
                           "delete it; nothing was deleted", field="password")
    gone = {m.id for m in alone}
    rated = session.exec(select(Rating.map_id).where(Rating.user_id == user.id).distinct()
                         ).all()
    for map_id in sorted(set(rated) - gone):  # their strengths change: redraw those maps
        bump_revision(session, map_id=map_id)
    if gone:
        session.execute(delete(Map).where(col(Map.id).in_(gone)))
    # Memberships and ratings cascade; history and nodes keep their labels (SET NULL).
    session.execute(delete(User).where(col(User.id) == user.id))
