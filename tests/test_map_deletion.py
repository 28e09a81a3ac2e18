"""An owner deletes a map: everything in it goes (the database cascades, on SQLite and on
PostgreSQL), forks of it stay, and a mistyped confirmation deletes nothing."""


from sqlalchemy import func
from sqlmodel import select

from argmap import db
from argmap.domain.access import Invite, Membership
from argmap.domain.accounts import User
from argmap.domain.history import Change
from argmap.domain.ratings import Rating
from argmap.models import Map, Node, Relation, Source
from tests.helpers import fork_seed, invite_link, post, sign_up

MAP = "/maps/seminar"


def counts(app) -> dict[str, int]:
    with app.app_context():
        session = db.session()
        found = {model.__name__: session.exec(select(func.count()).select_from(model)).one()
                 for model in (Map, Node, Relation, Source, Membership, Invite, Change, Rating,
                               User)}
        db.close_session()
        return found


def test_the_owner_deletes_a_map_and_everything_in_it(client, app):
    sign_up(client, "olivia")
    fork_seed(client)
    before = counts(app)
    post(client, f"{MAP}/nodes/thesis/arguments", {"form": "reason", "text": "Because."})
    post(client, f"{MAP}/nodes/thesis/rating", {"rating": "3"})
    link = invite_link(client, MAP)
    guest = app.test_client()
    assert post(guest, link, {"as": "guest", "name": "Gus"}).status_code == 303
    copy = app.test_client()
    sign_up(copy, "carla")
    assert post(copy, f"{MAP}/fork", {"title": "Carla copy"}).status_code == 404  # private
    post(client, f"{MAP}/sharing/visibility", {"public": "1"})
    assert post(copy, f"{MAP}/fork", {"title": "Carla copy"}).status_code == 303

    wrong = post(client, f"{MAP}/delete", {"confirm": "Seminar"})
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and 'id="delete-confirm-error"' in html
    assert "type seminar to confirm; nothing was deleted" in html
    assert client.get(MAP).status_code == 200

    with app.app_context():
        deleted = db.session().exec(select(Map.id).where(Map.slug == "seminar")).one()
        db.close_session()
    done = post(client, f"{MAP}/delete", {"confirm": " seminar "})
    assert done.status_code == 303 and done.location.endswith("/")
    assert client.get(MAP).status_code == 404
    assert copy.get("/maps/carla-copy").status_code == 200  # the fork stays
    assert "Guest" not in guest.get("/").get_data(as_text=True)  # gone with its invite
    after = counts(app)
    assert after["Map"] == before["Map"]  # the fork stays (one deleted, one added)
    assert after["Rating"] == 0 and after["Invite"] == 0
    assert after["User"] == before["User"] + 1  # carla; the guest went with the invite
    with app.app_context():
        session = db.session()
        fork = session.exec(select(Map).where(Map.slug == "carla-copy")).one()
        assert fork.forked_from_id is None
        for model in (Node, Relation, Source, Change, Membership, Invite, Rating):
            assert session.exec(select(func.count()).select_from(model).where(
                model.map_id == deleted)).one() == 0, model.__name__
        assert session.exec(select(func.count(Membership.id))).one() == 1  # carla, owner
        db.close_session()


def test_only_the_owner_can_delete(client, app):
    sign_up(client, "olivia")
    fork_seed(client)
    link = invite_link(client, MAP)
    editor = app.test_client()
    sign_up(editor, "eddie")
    assert post(editor, link, {"as": "account"}).status_code == 303
    assert post(editor, f"{MAP}/delete", {"confirm": "seminar"}).status_code == 403
    assert post(client, "/maps/treaty-alliance/delete",
                {"confirm": "treaty-alliance"}).status_code == 403  # the seed has no owner
    assert client.get(MAP).status_code == 200
    assert client.get("/maps/treaty-alliance").status_code == 200
