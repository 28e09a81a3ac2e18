"""A seminar supposes claims withdrawn and watches the thesis's status and strength change."""

import re

from playwright.sync_api import expect


def test_suppose_withdrawn_and_watch_the_thesis(page, server):
    page.goto(server.url + "/maps/treaty-alliance?view=outline")
    thesis = page.locator("#o-thesis .eval")
    expect(thesis).to_have_text(re.compile(r"✗ defeated · strength 67%"))
    page.evaluate("window.__sameDocument = true")
    # the editors' counterarguments that keep both objections to the thesis standing
    for key in ("ed-korus-linkage", "ed-strategic-flexibility", "ed-ndaa-consultation"):
        page.locator(f"#o-{key}").click()
        expect(page.locator("#node-detail")).to_have_attribute("data-key", key)
        page.get_by_role("button", name="Suppose it withdrawn").click()
        expect(page.locator(".whatif-banner")).to_be_visible()
        # the outline has been redrawn with it withdrawn before the next one is opened
        expect(page.locator(f"#o-{key} .eval")).to_have_text(re.compile("withdrawn"))
    expect(thesis).to_have_text(re.compile(r"✓ stands · strength 81%"))
    assert page.evaluate("window.__sameDocument") is True  # no reload
    page.get_by_role("button", name="Bring all back").click()
    expect(thesis).to_have_text(re.compile(r"✗ defeated · strength 67%"))
