"""Failed logins back off instead of locking: a growing, bounded wait that the server asks for
(429, Retry-After) and never sleeps through; the owner's own browser is never kept out by a
stranger's failures; sign-ups count against the address and cost a hash either way."""

import re
import statistics
import time
from datetime import timedelta

import pytest

from argmap.models import utcnow
from tests.helpers import log_in, post, sign_up


class Clock:
    """The login limits' clock (LOGIN_CLOCK), moved by the test instead of sleeping."""

    def __init__(self):
        self.now = utcnow()

    def __call__(self):
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(app):
    app.config["LOGIN_CLOCK"] = clock = Clock()
    return clock


def browser(app, address: str = "127.0.0.1"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def refused_for(reply) -> int:
    """The wait a 429 asks for, checked against what the page says next to the field."""
    html = reply.get_data(as_text=True)
    assert reply.status_code == 429, html[:300]
    assert 'id="login-username-error"' in html
    said = re.search(r"try again in (\d+) (second|minute)", html)
    assert said is not None, html
    wait = int(reply.headers["Retry-After"])
    assert int(said.group(1)) == (wait if said.group(2) == "second" else -(-wait // 60))
    return wait


def test_failures_make_a_growing_wait_that_stays_bounded(app, clock):
    sign_up(browser(app), "mina")
    stranger = browser(app, "198.51.100.7")
    for _ in range(5):
        assert log_in(stranger, "mina", "wrong password!").status_code == 422
    assert refused_for(log_in(stranger, "mina")) == 15  # even the right password, for now
    clock.advance(10)
    assert refused_for(log_in(stranger, "mina")) == 5  # asking early doesn't add to it
    waits = []
    for _ in range(8):
        clock.advance(refused_for(log_in(stranger, "mina")))
        assert log_in(stranger, "mina", "wrong password!").status_code == 422
        waits.append(refused_for(log_in(stranger, "mina", "wrong password!")))
    assert waits == [30, 60, 120, 240, 300, 300, 300, 300]  # doubling, never past 5 minutes
    clock.advance(299)
    assert refused_for(log_in(stranger, "mina")) == 1
    clock.advance(1)
    assert log_in(stranger, "mina").status_code == 303  # the wait is over: the password works
    assert log_in(browser(app, "198.51.100.8"), "mina", "wrong password!").status_code == 422


def test_a_strangers_failures_never_keep_the_owners_browser_out(app, clock):
    laptop = browser(app)
    sign_up(laptop, "mina")
    post(laptop, "/logout")
    attacker = browser(app, "203.0.113.9")
    for _ in range(5):
        log_in(attacker, "mina", "guess guess guess")
    assert refused_for(log_in(attacker, "mina")) == 15
    assert log_in(laptop, "mina").status_code == 303  # logged in here before: not held up
    assert log_in(browser(app), "mina").status_code == 429  # a new browser at home waits
    # The known browser's own failures back off on their own.
    post(laptop, "/logout")
    for _ in range(5):
        assert log_in(laptop, "mina", "typo typo typo").status_code == 422
    assert refused_for(log_in(laptop, "mina")) == 15
    clock.advance(15)
    assert log_in(laptop, "mina").status_code == 303


def test_the_known_mark_is_per_account_and_cannot_be_copied_to_another(app, clock):
    mine = browser(app)
    sign_up(mine, "mallory")
    sign_up(browser(app), "mina")
    for _ in range(5):
        log_in(mine, "mina", "guess guess guess")
    assert refused_for(log_in(mine, "mina")) == 15  # known for mallory, not for mina
    assert "mallory" not in mine.get_cookie("argmap_known").value


def test_an_address_backs_off_after_twenty_failures_without_locking_anyone_out(app, clock):
    laptop = browser(app, "192.0.2.1")
    sign_up(laptop, "mina")
    post(laptop, "/logout")
    clock.advance(600)  # the sign-up has stopped counting against the address
    spray = browser(app, "192.0.2.1")  # another browser behind the same address
    for i in range(20):
        assert log_in(spray, f"user{i}", "password123!").status_code == 422
    refused = log_in(browser(app, "192.0.2.1"), "mina")
    assert refused_for(refused) == 15
    assert "from your network address" in refused.get_data(as_text=True)
    assert log_in(browser(app, "192.0.2.2"), "mina").status_code == 303  # other addresses
    assert log_in(laptop, "mina").status_code == 303  # and the owner's browser go on
    clock.advance(15)
    assert log_in(browser(app, "192.0.2.1"), "mina").status_code == 303


def test_the_address_limit_is_a_setting(app, clock):
    app.config["LOGIN_ADDRESS_LIMIT"] = 3
    for i in range(3):
        log_in(browser(app), f"user{i}", "password123!")
    assert refused_for(log_in(browser(app), "user9", "password123!")) == 15


def test_the_account_page_backs_off_like_a_login(client, app, clock):
    sign_up(client, "mina")
    for _ in range(5):
        reply = post(client, "/account/delete", {"password": "not it at all"})
        assert reply.status_code == 422
    reply = post(client, "/account/delete", {"password": "correct horse 1"})
    assert reply.status_code == 429 and reply.headers["Retry-After"] == "15"
    assert 'id="delete-account-password-error"' in reply.get_data(as_text=True)
    assert "Signed in as" in client.get("/").get_data(as_text=True)  # nothing was deleted


def sign_up_as(client, username: str):
    return post(client, "/signup", {"username": username, "display_name": username.title(),
                                    "password": "correct horse 1"})


def test_every_sign_up_counts_against_the_address_taken_name_or_new(app, clock):
    sign_up(browser(app, "192.0.2.5"), "mina")
    for i in range(9):
        taken = sign_up_as(browser(app, "192.0.2.5"), "mina")
        assert taken.status_code == 422
        assert 'id="signup-username-error">this username is taken' in taken.get_data(
            as_text=True)
        assert sign_up_as(browser(app, "192.0.2.5"), f"new{i}").status_code == 303
    assert sign_up_as(browser(app, "192.0.2.5"), "new9").status_code == 303  # the 20th
    refused = sign_up_as(browser(app, "192.0.2.5"), "new10")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "15"
    assert 'id="signup-username-error">too many attempts from your network address' in html
    assert refused_for(log_in(browser(app, "192.0.2.5"), "mina")) == 15  # one limit
    assert sign_up_as(browser(app, "192.0.2.6"), "new10").status_code == 303
    clock.advance(15)
    assert sign_up_as(browser(app, "192.0.2.5"), "new11").status_code == 303


def test_a_taken_name_costs_the_same_hash_as_a_new_one(client, app):
    """Enumeration by timing, as for logins (tests/test_hardening.py): the password is hashed
    before the name is looked up. Medians of CPU time of this thread (the test client runs
    the app in it), with a slow hash."""
    app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:200000"
    sign_up(client, "olivia")

    def cpu(username: str, status: int) -> float:
        start = time.thread_time()
        assert sign_up_as(app.test_client(), username).status_code == status
        return time.thread_time() - start

    taken, new = [], []
    for i in range(5):  # interleaved, so that a busier moment weighs on both
        taken.append(cpu("olivia", 422))
        new.append(cpu(f"newcomer{i}", 303))
    known, unknown = statistics.median(taken), statistics.median(new)
    assert 0.6 * known < unknown < 1.6 * known, (taken, new)
