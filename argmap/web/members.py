"""Sharing a map: visibility, members and their roles, ownership, and invite links (owners
only), and joining through an invite link (anyone holding it)."""

from flask import Blueprint, redirect, render_template, request, url_for

from argmap import db
from argmap.domain.access import (
    Role,
    create_invite,
    find_invite,
    hand_over,
    invites,
    join,
    members,
    remove_member,
    revoke_invite,
    set_role,
    set_visibility,
)
from argmap.domain.accounts import add_guest
from argmap.domain.maps import delete_map
from argmap.errors import InvalidInput
from argmap.models import ident, utcnow, whole_number
from argmap.web.auth import begin_session, current, signed_in
from argmap.web.guard import load_map
from argmap.web.page import FormState, field_error, map_url

bp = Blueprint("members", __name__)


def _settings(found, forms=None, new_link=None, status=200):
    session = db.session()
    return render_template("members/settings.html", found=found, forms=forms or {},
                           members=members(session, found=found), now=utcnow(),
                           invites=invites(session, found=found), new_link=new_link,
                           roles=[("viewer", "Viewer: can read"),
                                  ("editor", "Editor: can add and change")]), status


@bp.get("/maps/<slug>/sharing")
def settings(slug: str):
    return _settings(load_map(db.session(), slug, need=Role.OWNER))


def _owner_change(slug: str, form: str, fields: tuple, change):
    session = db.session()
    found = load_map(session, slug, need=Role.OWNER)
    values = {name: request.form.get(name, "") for name in fields}
    try:
        with db.transaction(session):
            result = change(session, found, values)
    except InvalidInput as exc:
        return _settings(found, {form: FormState(values, field_error(exc, fields, fields[0]))},
                         status=422)
    if result is not None:  # a new invite link, shown once
        return _settings(found, new_link=result)
    return redirect(url_for("members.settings", slug=found.slug), 303)


@bp.post("/maps/<slug>/sharing/visibility")
def visibility(slug: str):
    return _owner_change(slug, "visibility", ("public",), lambda s, found, v: set_visibility(
        s, found=found, public=v["public"] == "1"))


def _member_id(values: dict) -> int:
    member = whole_number(values["member"])
    if member is None:
        raise InvalidInput("choose a member", field="member")
    return member


@bp.post("/maps/<slug>/sharing/role")
def role(slug: str):
    return _owner_change(slug, "role", ("member", "role"), lambda s, found, v: set_role(
        s, found=found, user_id=_member_id(v), role=v["role"]))


@bp.post("/maps/<slug>/sharing/remove")
def remove(slug: str):
    return _owner_change(slug, "remove", ("member",), lambda s, found, v: remove_member(
        s, found=found, user_id=_member_id(v)))


@bp.post("/maps/<slug>/sharing/owner")
def owner(slug: str):
    return _owner_change(slug, "owner", ("member",), lambda s, found, v: hand_over(
        s, found=found, owner=signed_in(), user_id=_member_id(v)))


@bp.post("/maps/<slug>/sharing/invites")
def invite(slug: str):
    def change(session, found, values):
        _row, token = create_invite(session, found=found, role=values["role"],
                                    days=values["days"], by=signed_in())
        return url_for("members.join_page", token=token, _external=True)
    return _owner_change(slug, "invite", ("role", "days"), change)


@bp.post("/maps/<slug>/sharing/invites/<int(max=9223372036854775807):invite_id>/revoke")
def revoke(slug: str, invite_id: int):
    return _owner_change(slug, "revoke", ("invite",), lambda s, found, v: revoke_invite(
        s, found=found, invite_id=invite_id))


@bp.post("/maps/<slug>/delete")
def delete(slug: str):
    session = db.session()
    found = load_map(session, slug, need=Role.OWNER)
    values = {"confirm": request.form.get("confirm", "")}
    try:
        with db.transaction(session):
            delete_map(session, found=found, confirm=values["confirm"])
    except InvalidInput as exc:
        return _settings(found, {"delete": FormState(values, field_error(exc, ("confirm",),
                                                                           "confirm"))},
                         status=422)
    return redirect(url_for("maps.index"), 303)


@bp.get("/join/<token>")
def join_page(token: str, form=None, status=200):
    invite, found = find_invite(db.session(), token=token)
    return render_template("members/join.html", invite=invite, found=found, token=token,
                           form=form), status


@bp.post("/join/<token>")
def accept(token: str):
    session = db.session()
    invite, found = find_invite(session, token=token)
    user = current()
    values = {"name": request.form.get("name", "")}
    as_guest = request.form.get("as") == "guest" or user is None
    try:
        with db.transaction(session):
            if as_guest or user is None:
                user = add_guest(session, name=values["name"], invite_id=ident(invite))
            elif user.is_guest and user.invite_id != invite.id:
                raise InvalidInput("you are a guest of another map; log out first",
                                   field="name")
            join(session, invite=invite, user=user)
    except InvalidInput as exc:
        return join_page(token, FormState(values, field_error(exc, ("name",), "name")), 422)
    if as_guest:
        begin_session(user)  # a new guest, in a new session
    return redirect(map_url(found.slug), 303)
