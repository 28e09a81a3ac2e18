"""Who may do what on a map: roles per map, visibility and invite links.

Maps are private by default. A public map is readable by everyone, changeable only by its
members. Maps with no owner (the seeds) are public and read-only for everybody.
"""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from argmap.errors import ArgmapError, InvalidInput, NotFound
from argmap.models import Invite, Map, Membership, Role, User, ident, utcnow, whole_number

RANK = {None: 0, Role.VIEWER: 1, Role.EDITOR: 2, Role.OWNER: 3}


class Forbidden(ArgmapError):
    """The map is readable but this action needs a higher role."""





def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def role_of(session: Session, *, found: Map, user: User | None) -> Role | None:
    if user is None or not user.is_authenticated:
        return None
    role = session.exec(select(Membership.role).where(Membership.map_id == found.id,
                                                      Membership.user_id == user.id)).first()
    return Role(role) if role else None


def require(session: Session, *, found: Map, user: User | None, need: Role | None) -> Role | None:
    """The user's role on the map, if it allows `need` (None: reading)."""
    role = role_of(session, found=found, user=user)
    if found.visibility != "public" and role is None:
        raise NotFound(f"no map with the slug '{found.slug}'")  # private maps are not revealed
    if RANK[role] < RANK[need]:
        raise Forbidden("you can read this map but not change it" if need != Role.OWNER
                        else "only the map's owner can do this")
    return role


def make_owner(session: Session, *, found: Map, user: User) -> None:
    if user.is_guest:
        raise Forbidden("guests cannot own maps; sign up for an account first")
    session.add(Membership(map_id=ident(found), user_id=ident(user), role=Role.OWNER))
    session.flush()


def members(session: Session, *, found: Map) -> list[tuple[Membership, User]]:
    return list(session.exec(select(Membership, User)
                             .join(User, col(User.id) == col(Membership.user_id))
                             .where(Membership.map_id == found.id)
                             .order_by(col(Membership.id))).all())


def _membership(session: Session, found: Map, user_id: int) -> Membership:
    row = session.exec(select(Membership).where(Membership.map_id == found.id,
                                                Membership.user_id == user_id)).first()
    if row is None:
        raise InvalidInput("that person is not a member of this map", field="member")
    return row


def set_role(session: Session, *, found: Map, user_id: int, role: str) -> None:
    if role not in (Role.VIEWER, Role.EDITOR):
        raise InvalidInput("choose viewer or editor (hand over ownership to make an owner)",
                           field="role")
    row = _membership(session, found, user_id)
    if row.role == Role.OWNER:
        raise InvalidInput("hand over ownership before changing the owner's role",
                           field="role")
    row.role = role
    session.add(row)


def remove_member(session: Session, *, found: Map, user_id: int) -> None:
    row = _membership(session, found, user_id)
    if row.role == Role.OWNER:
        raise InvalidInput("the owner cannot be removed; hand over ownership first",
                           field="member")
    session.delete(row)


def hand_over(session: Session, *, found: Map, owner: User, user_id: int) -> None:
    """Make another member (with an account) the owner; the old owner becomes an editor."""
    row = _membership(session, found, user_id)
    heir = session.get(User, user_id)
    assert heir is not None  # a membership's user_id is a foreign key to the user
    if heir.is_guest:
        raise InvalidInput("a guest cannot own a map", field="member")
    if heir.id == owner.id:
        raise InvalidInput("you already own this map", field="member")
    _membership(session, found, ident(owner)).role = Role.EDITOR
    row.role = Role.OWNER
    session.flush()


def set_visibility(session: Session, *, found: Map, public: bool) -> None:
    found.visibility = "public" if public else "private"
    session.add(found)


def create_invite(session: Session, *, found: Map, role: str, days: str,
                  by: User) -> tuple[Invite, str]:
    """A new invite link; returns the row and the token, which is shown once."""
    if role not in (Role.VIEWER, Role.EDITOR):
        raise InvalidInput("choose viewer or editor", field="role")
    expires = None
    if days.strip():
        number = whole_number(days, maximum=365)
        if number is None or number < 1:
            raise InvalidInput("give the number of days, 1 to 365, or leave it empty",
                               field="days")
        expires = utcnow() + timedelta(days=number)
    token = secrets.token_urlsafe(24)
    invite = Invite(map_id=ident(found), token_hash=_hash(token), role=role, expires_at=expires,
                    created_by_id=by.id)
    session.add(invite)
    session.flush()
    return invite, token


def invites(session: Session, *, found: Map) -> list[Invite]:
    return list(session.exec(select(Invite).where(Invite.map_id == found.id)
                             .order_by(col(Invite.id).desc())).all())


def revoke_invite(session: Session, *, found: Map, invite_id: int) -> None:
    """Revoke a link; the guests who joined through it lose their access with it."""
    invite = session.get(Invite, invite_id)
    if invite is None or invite.map_id != found.id:
        raise InvalidInput("no such invite link", field="invite")
    invite.revoked_at = utcnow()
    guests = select(User.id).where(User.invite_id == invite.id)
    session.execute(delete(Membership).where(col(Membership.user_id).in_(guests)))
    session.add(invite)


def find_invite(session: Session, *, token: str) -> tuple[Invite, Map]:
    invite = session.exec(select(Invite).where(Invite.token_hash == _hash(token))).first()
    if invite is None or not invite.usable(utcnow()):
        raise NotFound("this invite link is not valid: it may have expired or been revoked")
    found = session.get(Map, invite.map_id)
    assert found is not None  # an invite's map_id is a foreign key (ON DELETE CASCADE)
    return invite, found


def join(session: Session, *, invite: Invite, user: User) -> None:
    """Give the user the invite's role, never lowering a role they already have."""
    current = session.exec(select(Membership).where(Membership.map_id == invite.map_id,
                                                    Membership.user_id == user.id)).first()
    if current is None:
        session.add(Membership(map_id=invite.map_id, user_id=ident(user), role=invite.role))
    elif RANK[Role(current.role)] < RANK[Role(invite.role)]:
        current.role = invite.role
        session.add(current)
    session.flush()


def guest_is_valid(session: Session, *, user: User) -> bool:
    """A guest's session ends when their invite is revoked or expires."""
    if not user.is_guest:
        return True
    invite = session.get(Invite, user.invite_id) if user.invite_id else None
    return invite is not None and invite.usable(utcnow())
