"""The map page is a workspace (issue 16, part 1): the diagram is on the first screen at
desktop, tablet and phone sizes, the panel sits beside it (a drawer on a phone), and the map's
description folds away."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, wait_until

SEED = "/maps/treaty-alliance"
SIZES = [(1440, 900), (1024, 768), (390, 844)]


def box(page, selector: str) -> dict:
    return page.evaluate(f"""(() => {{ const r = document.querySelector({selector!r})
        .getBoundingClientRect(); return {{top: r.top, bottom: r.bottom, left: r.left,
        right: r.right, height: r.height}}; }})()""")


@pytest.mark.parametrize("width,height", SIZES)
def test_the_diagram_is_on_the_first_screen(browser, server, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        page.goto(server.url + SEED)
        wait_until(page, "!!document.querySelector('#diagram svg g.node.thesis')")
        drawing = box(page, "#diagram")
        # Most of the drawing's frame is on screen without scrolling, and a real share of it.
        visible = min(drawing["bottom"], height) - drawing["top"]
        assert drawing["top"] < height * 0.45, drawing
        assert visible >= height * 0.4, drawing
        thesis = box(page, "#diagram g.node.thesis")
        assert 0 <= thesis["top"] < height and thesis["bottom"] <= height, thesis
        # The description is folded away until asked for.
        description = page.locator(".about .description")
        expect(description).to_be_hidden()
        page.get_by_text("About this map").click()
        expect(description).to_be_visible()
        page.mouse.click(width // 2, height - 5)  # a click elsewhere closes it, as a menu
        expect(description).to_be_hidden()
        panel = box(page, "#panel")
        if width >= 760:  # beside the view, as tall as it
            assert panel["left"] >= drawing["right"] - 1 and panel["top"] < height * 0.3
        else:  # a drawer over the bottom of the screen, which shrinks to its heading
            assert panel["bottom"] == pytest.approx(height, abs=1)
            page.get_by_role("button", name="Hide the panel").click()
            wait_until(page, "document.getElementById('panel').getBoundingClientRect().height"
                             " < 60")
            page.get_by_role("button", name="Show the panel").click()
            wait_until(page, "document.getElementById('panel').getBoundingClientRect().height"
                             " > 60")
        # The page itself does not scroll on a desktop: the view and the panel do.
        if width >= 760:
            assert page.evaluate("document.documentElement.scrollHeight") <= height + 1
        assert axe_violations(page) == []
    finally:
        context.close()


def test_a_long_panel_and_outline_scroll_inside_the_workspace(page, server):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(server.url + SEED + "?view=outline&node=thesis")
    expect(page.locator("#node-detail")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollHeight") <= 901
    outline = page.locator(".view > .outline")
    assert outline.evaluate("el => el.scrollHeight > el.clientHeight")  # it scrolls itself
    last = page.locator(".outline .node-link").last
    last.scroll_into_view_if_needed()
    expect(last).to_be_in_viewport()
