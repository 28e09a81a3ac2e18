"""Sessions begin fresh at login (a new CSRF token, nothing kept from before) and end for
good at logout: every copy of the cookie is refused afterwards, by any app instance."""

from argmap import create_app
from tests.helpers import csrf, fork_seed, invite_link, log_in, post, sign_up


def signed_in(client) -> bool:
    return "Signed in as" in client.get("/").get_data(as_text=True)


def other_worker(app):
    """A second app on the same database and key, as another gunicorn worker would be."""
    return create_app({"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"],
                       "SECRET_KEY": app.config["SECRET_KEY"],
                       "RENDER_CACHE_DIR": app.config["RENDER_CACHE_DIR"]})


def with_cookie(client, value: str):
    """`client` holding a browser's session cookie as it was (the real signed cookie)."""
    client.set_cookie("session", value)
    return client


def test_a_csrf_token_from_before_login_is_refused_after_it(client, app):
    sign_up(app.test_client(), "olivia")
    planted = csrf(client)  # e.g. set by someone who could write this browser's cookie
    assert post(client, "/login", {"username": "olivia",
                                   "password": "correct horse 1"}).status_code == 303
    forged = client.post("/maps/treaty-alliance/fork",
                         data={"title": "Forged", "csrf_token": planted})
    assert forged.status_code == 400
    assert csrf(client) != planted
    assert post(client, "/maps/treaty-alliance/fork", {"title": "Mine"}).status_code == 303


def test_sign_up_and_joining_as_a_guest_also_begin_a_new_session(client, app):
    planted = csrf(client)
    sign_up(client, "olivia")
    assert csrf(client) != planted
    fork_seed(client)
    link = invite_link(client, "/maps/seminar")
    guest = app.test_client()
    planted = csrf(guest)
    assert post(guest, link, {"as": "guest", "name": "Gus"}).status_code == 303
    assert csrf(guest) != planted


def test_a_session_cookie_copied_before_logout_is_refused_after_it(client, app):
    sign_up(client, "olivia")
    copied = client.get_cookie("session").value
    worker = other_worker(app)
    try:
        # The copy works, here and on the other worker, until...
        assert signed_in(with_cookie(worker.test_client(), copied))
        assert post(client, "/logout").status_code == 303
        assert not signed_in(client)
        for instance in (app, worker):
            assert not signed_in(with_cookie(instance.test_client(), copied))
        thief = with_cookie(worker.test_client(), copied)
        forged = thief.post("/maps/treaty-alliance/fork",
                            data={"title": "After", "csrf_token": csrf(thief)})
        assert forged.status_code == 303 and "/login" in forged.headers["Location"]
    finally:
        worker.extensions["argmap.engine"].dispose()
    assert log_in(client, "olivia").status_code == 303 and signed_in(client)


def test_logging_out_a_guest_ends_the_guests_session_too(client, app):
    sign_up(client, "olivia")
    fork_seed(client)
    link = invite_link(client, "/maps/seminar")
    guest = app.test_client()
    assert post(guest, link, {"as": "guest", "name": "Gus"}).status_code == 303
    copied = guest.get_cookie("session").value
    assert with_cookie(app.test_client(), copied).get("/maps/seminar").status_code == 200
    post(guest, "/logout")
    assert with_cookie(app.test_client(), copied).get("/maps/seminar").status_code == 404
