"""The map page's diagram moves to its new layout when someone else changes the map, keeps
its zoom, and marks what changed, in the diagram, the outline and the live line; without
JavaScript the server's SVG is the diagram, as before."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PANEL_STATUS, _watched_page, fork_seed, sign_up, wait_until

MAP = "/maps/seminar"
MOVED = "#diagram .motion-stage svg g.node"  # the drawing that static/motion.js moves
OBJECTION = "A treaty can be renegotiated in good faith."


@pytest.fixture
def editors(page, other_page, server):
    """Olivia (page) owns the fork; Chris (other_page) joined it as an editor."""
    sign_up(page, server, "olivia", "Olivia Kim")
    fork_seed(page, server)
    page.goto(server.url + MAP + "/sharing")
    page.get_by_label("Role for people who join").select_option("editor")
    page.get_by_role("button", name="Create invite link").click()
    link = page.locator("#new-link").input_value()
    sign_up(other_page, server, "chris", "Chris Park")
    other_page.goto(server.url + link[link.index("/join/"):])
    other_page.get_by_role("button", name=re.compile("Join")).first.click()
    other_page.wait_for_url(server.url + MAP)
    return page, other_page


def moving(page) -> None:
    """Wait until the page's own drawing (d3-graphviz's WebAssembly can take a few seconds
    to start on a busy machine) has taken the server SVG's place."""
    wait_until(page, f"document.querySelectorAll('{MOVED}').length > 0", timeout=60)
    wait_until(page, "document.querySelectorAll('#diagram > svg').length === 0")


def test_a_change_by_another_editor_moves_the_diagram_and_is_marked(editors, server):
    page, other = editors
    page.goto(server.url + MAP)
    moving(page)
    # Zoom in with the button, then keep hold of one node's element and where it is.
    page.get_by_role("button", name="Zoom in").click()
    page.evaluate("""() => {
        window.__thesis = document.getElementById('n-thesis');
        window.__scale = document.querySelector('#diagram g.graph').getScreenCTM().a;
        const box = window.__thesis.getBBox();  // in the drawing's own coordinates
        window.__box = { x: box.x, y: box.y };
        window.__sameDocument = true; }""")

    other.goto(server.url + MAP + "?node=thesis")
    other.get_by_text("Add a rebuttal (a counterargument)").click()
    other.get_by_label("Rebuttal (why this node is wrong)").fill(OBJECTION)
    other.get_by_role("button", name="Add rebuttal").click()
    expect(other.locator(PANEL_STATUS)).to_contain_text("Added an objection to")

    # In Olivia's page the new node arrives in the moving drawing...
    new_node = page.locator(MOVED, has_text=OBJECTION)
    expect(new_node).to_have_count(1, timeout=30000)
    wait_until(page, "document.querySelectorAll('#diagram > svg').length === 0")
    # ...and the thesis is the same element as before, moved in the drawing (the map grew).
    wait_until(page, """() => {
        const now = document.getElementById('n-thesis');
        const box = now.getBBox();
        return now === window.__thesis && document.contains(now) &&
               Math.abs(box.x - window.__box.x) + Math.abs(box.y - window.__box.y) > 1; }""")
    # The zoom is what Olivia chose.
    scale = page.evaluate("document.querySelector('#diagram g.graph').getScreenCTM().a")
    assert scale == pytest.approx(page.evaluate("window.__scale"), rel=1e-3)
    assert page.evaluate("window.__sameDocument") is True  # no reload

    # The new node is marked, with words and not by colour alone, and so is the live line.
    expect(new_node).to_have_class(re.compile(r"\bchanged\b"))
    expect(new_node.locator(".change-badge")).to_contain_text("new")
    news = page.locator("#live-news")
    expect(news).to_contain_text("Chris Park added an objection to \u201cTying the SMA")
    key = new_node.get_attribute("id").removeprefix("n-")

    # The outline marks it too (the mark lasts a while, not for ever).
    page.get_by_role("link", name="Outline").click()
    item = page.locator(f"#o-{key}")
    expect(item).to_have_class(re.compile(r"\bchanged\b"))
    expect(item.locator(".changed-tag")).to_contain_text("new")

    # The next look starts from what this browser saw: nothing is marked any more.
    page.goto(server.url + MAP + "?view=outline")
    expect(page.locator(f"#o-{key}")).to_be_visible()
    expect(page.locator(".outline .node-link.changed")).to_have_count(0)

    # Chris's own change is no news to Chris.
    other.goto(server.url + MAP)
    moving(other)
    expect(other.locator("#diagram g.node.changed")).to_have_count(0)


def test_a_node_opens_its_panel_from_the_moving_drawing(editors, server):
    page, _other = editors
    page.goto(server.url + MAP)
    moving(page)
    page.evaluate("window.__sameDocument = true")
    page.locator("#diagram g#n-thesis").click()
    expect(page.locator("#panel-heading")).to_contain_text("Tying the SMA to tariffs")
    assert page.evaluate("window.__sameDocument") is True
    expect(page.locator("#diagram g#n-thesis")).to_have_class(re.compile(r"\bselected\b"))
    # The legend and the kinds' classes are the drawing's, as in the server's SVG.
    expect(page.locator("#diagram g.node.thesis")).to_have_count(1)
    expect(page.locator("#diagram .motion-stage svg")).to_contain_text("defeated (faded, dashed)")


def test_without_javascript_the_server_s_svg_is_the_diagram(browser, server):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server.url + "/maps/treaty-alliance")
        expect(page.locator("#diagram > svg g#n-thesis")).to_have_count(1)
        expect(page.locator(".motion-stage")).to_have_count(0)
        link = page.locator("#diagram > svg g#n-thesis a")
        assert link.get_attribute("xlink:href") == "/maps/treaty-alliance?node=thesis"
    finally:
        context.close()


@pytest.fixture
def no_wasm_page(browser, server):
    yield from _watched_page(browser, 1400)


def test_without_webassembly_the_server_s_svg_stays_and_zooms(no_wasm_page, server):
    page = no_wasm_page
    page.add_init_script("delete window.WebAssembly")
    page.goto(server.url + "/maps/treaty-alliance", wait_until="load")
    wait_until(page, "document.querySelector('#diagram .svg-pan-zoom_viewport') !== null")
    expect(page.locator(".motion-stage")).to_have_count(0)
    expect(page.locator(".zoom-tools")).to_be_visible()
