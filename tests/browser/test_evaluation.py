"""A seminar supposes claims withdrawn and watches the thesis's status and strength change."""

import re

from playwright.sync_api import expect


def test_suppose_withdrawn_and_watch_the_thesis(page, server):
    page.goto(server.url + "/maps/treaty-alliance?view=outline")
    thesis = page.locator("#o-thesis .eval")
    expect(thesis).to_have_text(re.compile(r"✓ stands · strength 97%"))
    page.evaluate("window.__sameDocument = true")
    for key in ("reb-one-stop-shopping", "no-rushed-deal"):
        page.locator(f"#o-{key}").click()
        expect(page.locator("#node-detail")).to_have_attribute("data-key", key)
        page.get_by_role("button", name="Suppose it withdrawn").click()
        expect(page.locator(".whatif-banner")).to_be_visible()
    expect(thesis).to_have_text(re.compile(r"✗ defeated · strength \d+%"))
    assert int(re.search(r"(\d+)%", thesis.inner_text()).group(1)) < 97
    assert page.evaluate("window.__sameDocument") is True  # no reload
    page.get_by_role("button", name="Bring all back").click()
    expect(thesis).to_have_text(re.compile(r"✓ stands · strength 97%"))
