"""A 305-node and a 2,001-node map in the browser (issue 16, part 5): a person finds a deep
node, opens it, connects it through the searchable chooser, focuses on it, and collapses and
expands a branch; the page stays accessible with the results and the chooser open."""

from dataclasses import replace

import pytest

from argmap.domain.access import make_owner
from argmap.domain.accounts import sign_up as make_account
from argmap.domain.maps import import_map
from argmap.mapdata import keep_only
from tests.browser.conftest import axe_violations, log_in, wait_until
from tests.helpers import start_from
from tests.test_large_maps import big_map


def _store(session) -> None:
    owner = make_account(session, username="mina", display_name="Mina",
                         password="correct horse 1", address="127.0.0.1")
    data = big_map()
    make_owner(session, found=import_map(session, data=data), user=owner)
    medium = replace(keep_only(data, {n.key for n in data.nodes[:305]}), slug="medium",
                     title="A 305-node map")
    make_owner(session, found=import_map(session, data=medium), user=owner)


prepared_url, database_url = start_from(_store)

DRAWN = "document.querySelector('#diagram svg') !== null"


def _drawn(key: str) -> str:
    return f"document.getElementById('n-{key}') !== null"


@pytest.mark.parametrize("slug", ["medium", "big"])
def test_find_open_connect_and_focus_a_deep_node(page, server, slug):
    log_in(page, server, "mina")
    page.goto(f"{server.url}/maps/{slug}")
    wait_until(page, DRAWN, timeout=90)
    assert not page.evaluate(_drawn("n-3-20"))  # three levels down: under a stub
    page.get_by_label("Find a node").fill("point 20 on claim 3")
    results = page.locator("#find-results a")
    results.first.wait_for()
    assert results.first.inner_text().startswith("CLAIM Point 20 on claim 3.")
    assert axe_violations(page) == []
    results.first.click()
    wait_until(page, "document.querySelector('#n-n-3-20.selected') !== null", timeout=90)
    assert page.locator("#panel-heading").inner_text() == "Point 20 on claim 3."
    assert "expand=n-3-6" in page.url and "node=n-3-20" in page.url
    # Its panel connects it to a node chosen by typing, from suggestions.
    page.get_by_text("Connect to another node").click()
    chooser = page.get_by_role("combobox", name="the node")
    chooser.fill("point 7 on claim 1")
    options = page.locator("#link-target-list").get_by_role("option")
    options.first.wait_for()
    assert options.first.inner_text().startswith("REBUTTAL Point 7 on claim 1.")
    assert chooser.get_attribute("aria-expanded") == "true"
    assert axe_violations(page) == []
    chooser.press("ArrowDown")
    assert chooser.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
    chooser.press("Enter")
    assert page.locator("input[name=target_key]").input_value() == "n-1-7"
    page.get_by_role("button", name="Connect").click()
    page.get_by_text("Now supports “Point 7 on claim 1.”").wait_for()
    # The live refresh that follows redraws the panel's detail: let it land first.
    # (A redraw of the big map takes as long as the first drawing on a busy machine.)
    wait_until(page, "document.getElementById('poller').dataset.revision === '2'", timeout=90)
    wait_until(page, "document.querySelector('.htmx-request') === null", timeout=90)
    # Focus on it, then back to the whole map.
    page.get_by_label("Focus on this node, showing").select_option("1")
    page.get_by_role("button", name="Focus", exact=True).click()
    wait_until(page, "location.search.indexOf('focus=n-3-20') >= 0")
    # Nothing argues about it yet: the focus is the node alone.
    wait_until(page, "document.querySelectorAll('#diagram g.node').length === 1", timeout=90)
    assert "Focused on “Point 20 on claim 3.”" in page.locator(".shown-part").inner_text()
    page.get_by_role("link", name="Back to the whole map").first.click()
    wait_until(page, "location.search.indexOf('focus=') < 0")
    wait_until(page, _drawn("claim-5"), timeout=90)


def test_collapse_and_expand_a_branch_through_its_stub(page, server):
    log_in(page, server, "mina")
    page.goto(f"{server.url}/maps/big?node=claim-3")
    wait_until(page, DRAWN, timeout=90)
    assert page.evaluate(_drawn("n-3-0"))
    page.get_by_role("link", name="Collapse what argues about it").click()
    wait_until(page, "document.getElementById('s-claim-3') !== null", timeout=90)
    assert "collapse=claim-3" in page.url and not page.evaluate(_drawn("n-3-0"))
    assert page.locator("#s-claim-3 text").text_content() == "+49 hidden"
    page.locator("#s-claim-3 a").click()
    wait_until(page, "document.getElementById('s-claim-3') === null", timeout=90)
    wait_until(page, _drawn("n-3-0"))
    assert "collapse=" not in page.url and "expand=claim-3" in page.url
    # The outline shows the same part of the map, with the same stubs.
    page.get_by_role("link", name="Outline").click()
    wait_until(page, "document.querySelector('.outline') !== null")
    assert page.locator(".outline .stub-link").count() == 40 * 7
