"""What a seminar group does in the browser, checked in a real Chromium."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PANEL_STATUS, fork_seed, log_in, sign_up, wait_until
from tests.browser.test_motion import moving

SEED = "/maps/treaty-alliance"
MAP = "/maps/seminar"  # each test's own fork: the seed is public and read-only


@pytest.fixture
def owned(page, server):
    sign_up(page, server, "olivia", "Olivia Kim")
    return fork_seed(page, server)


def test_click_a_node_add_a_rebuttal_and_see_it_everywhere(page, server, owned):
    page.goto(server.url + "/")
    page.get_by_role("link", name="Seminar").click()
    # Wait for the load event: the page's scripts are deferred, and a click before they run
    # is an ordinary link (a full page load, which is the no-JavaScript path).
    page.wait_for_url(server.url + MAP, wait_until="load")
    expect(page.locator("#diagram svg")).to_be_visible()
    # Click the thesis box in the diagram: its panel opens without a page load.
    page.evaluate("window.__sameDocument = true")
    page.locator("#diagram g#n-thesis").click()
    expect(page.locator("#panel-heading")).to_contain_text("Tying the SMA to tariffs")
    expect(page.locator("#panel-heading")).to_be_focused()
    assert page.evaluate("window.__sameDocument") is True
    assert page.url.endswith(MAP + "?node=thesis")
    expect(page.locator("#diagram g#n-thesis")).to_have_class(re.compile(r"\bselected\b"))

    page.get_by_text("Add a rebuttal (a counterargument)").click()
    page.get_by_label("Rebuttal (why this node is wrong)").fill(
        "Linking the talks is legal: Article IV leaves the terms to agreement.")
    page.get_by_role("button", name="Add rebuttal").click()
    # The answer is the new rebuttal's panel, saying what it was added to.
    expect(page.locator(PANEL_STATUS)).to_contain_text("Added an objection to")
    expect(page.locator("#panel")).to_contain_text("It attacks")

    # The diagram shows it without a reload...
    new_box = page.locator("#diagram g.node", has_text="Linking the talks is legal")
    expect(new_box).to_have_count(1)
    # ...and so does the outline, under the thesis.
    page.get_by_role("link", name="Outline").click()
    item = page.locator("#o-thesis + ul > li > a", has_text="Linking the talks is legal")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("attacks")
    assert page.evaluate("window.__sameDocument") is True


def test_a_second_browser_sees_the_change_without_a_reload(page, other_page, server,
                                                                second_server, owned):
    """The two browsers talk to two server processes that share only the database."""
    log_in(other_page, second_server, "olivia")
    other_page.goto(second_server.url + MAP + "?view=outline")
    other_page.evaluate("window.__sameDocument = true")
    expect(other_page.locator("#o-thesis")).to_be_visible()
    page.goto(server.url + MAP + "?node=thesis")
    page.get_by_text("Add a rebuttal (a counterargument)").click()
    page.get_by_label("Rebuttal (why this node is wrong)").fill("A rebuttal from group A.")
    page.get_by_role("button", name="Add rebuttal").click()
    expect(page.locator(PANEL_STATUS)).to_contain_text("Added an objection to")
    # The poller asks every POLL_SECONDS; how fast a change arrives is a figure for bench/,
    # not a timed test: a busy machine may be slower, and that is not a failure.
    expect(other_page.locator(".outline-tree", has_text="A rebuttal from group A.")).to_have_count(
        1, timeout=20000)
    assert other_page.evaluate("window.__sameDocument") is True  # no reload happened


def tab_to(page, script: str, expected: str, limit: int = 80) -> None:
    """Press Tab until `script` (about document.activeElement) gives `expected`."""
    for _ in range(limit):
        if page.evaluate(script) == expected:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {expected!r}")


def test_add_a_claim_with_the_keyboard_through_the_outline(page, server, owned):
    page.goto(server.url + MAP + "?view=outline")
    tab_to(page, "document.activeElement.id", "o-thesis")
    page.keyboard.press("Enter")
    expect(page.locator("#panel-heading")).to_be_focused()
    expect(page.locator("#panel-heading")).to_contain_text("Tying the SMA")
    tab_to(page, "document.activeElement.textContent", "Add a supporting reason")
    page.keyboard.press("Enter")  # opens the <details>
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "reason-text"
    page.keyboard.type("Tariffs and troops are different bargains.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(PANEL_STATUS)).to_contain_text("Added a reason for")
    child = page.locator("#o-thesis + ul > li > a", has_text="different bargains")
    expect(child).to_have_count(1)
    expect(child).to_contain_text("supports")


def test_a_validation_error_shows_next_to_the_field_and_stores_nothing(page, server, owned):
    page.goto(server.url + MAP + "?node=thesis")
    revision = page.locator("#poller").get_attribute("data-revision")
    relations = page.locator("#node-detail li").count()
    page.get_by_text("Add a rebuttal (a counterargument)").click()
    page.get_by_label("Rebuttal (why this node is wrong)").fill("   ")
    page.get_by_role("button", name="Add rebuttal").click()
    error = page.locator("#rebuttal-text-error")
    expect(error).to_have_text("This field is empty")
    expect(page.get_by_label("Rebuttal (why this node is wrong)")).to_have_attribute(
        "aria-invalid", "true")
    page.reload()
    assert page.locator("#poller").get_attribute("data-revision") == revision
    assert page.locator("#node-detail li").count() == relations


def test_the_forms_work_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_up(page, server, "nojs", "No Script")
    fork_seed(page, server)
    page.goto(server.url + MAP + "?view=outline")
    page.locator("#o-ed-korus-linkage").click()  # a plain link: a full page load
    assert page.url.endswith(MAP + "?view=outline&node=ed-korus-linkage")
    page.locator("#act-rebuttal summary").click()
    page.get_by_label("Rebuttal (why this node is wrong)").fill("Plain HTML still works.")
    page.get_by_role("button", name="Add rebuttal").click()  # POST, then 303: the new node
    assert re.search(re.escape(MAP) + r"\?view=outline&node=rebuttal-\d+#panel$", page.url)
    expect(page.locator("#o-ed-korus-linkage + ul")).to_contain_text("Plain HTML still works.")
    # A diagram box is a link too.
    page.goto(server.url + MAP)
    page.locator("#diagram g#n-thesis a").first.click()
    assert page.url.endswith(MAP + "?node=thesis")
    expect(page.locator("#panel-heading")).to_contain_text("Tying the SMA")
    context.close()


def test_back_button_returns_to_the_previous_node(page, server, owned):
    page.goto(server.url + MAP + "?view=outline")
    page.locator("#o-thesis").click()
    expect(page.locator("#panel-heading")).to_contain_text("Tying the SMA")
    page.locator("#o-ed-korus-linkage").click()
    expect(page.locator("#node-detail")).to_have_attribute("data-key", "ed-korus-linkage")
    page.go_back()
    expect(page).to_have_url(re.compile(r"node=thesis$"))
    expect(page.locator("#node-detail")).to_have_attribute("data-key", "thesis")


def scale_of(transform: str) -> float:
    """The scale of d3-zoom's "translate(x,y) scale(k)" or svg-pan-zoom's matrix."""
    found = re.search(r"scale\(([-\d.e]+)", transform) or re.search(
        r"matrix\(([-\d.e]+)", transform)
    assert found, transform
    return float(found.group(1))


def test_the_wheel_pans_the_workspace_diagram_and_ctrl_wheel_zooms_it(page, server):
    page.set_viewport_size({"width": 1400, "height": 700})
    page.goto(server.url + "/maps/treaty-alliance")
    moving(page)  # the drawing static/motion.js moves, zoomed by d3-zoom
    viewport = page.locator("#diagram svg g.graph")
    box = page.locator("#diagram svg").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 100)
    before = viewport.get_attribute("transform")
    page.mouse.wheel(0, 200)  # down: the drawing moves up, at the same scale
    expect(viewport).not_to_have_attribute("transform", before)
    moved = viewport.get_attribute("transform")
    assert scale_of(moved) == pytest.approx(scale_of(before))
    assert page.evaluate("window.scrollY") == 0  # the workspace page itself stays
    page.keyboard.down("Control")
    page.mouse.wheel(0, -200)
    page.keyboard.up("Control")
    expect(viewport).not_to_have_attribute("transform", moved)
    assert scale_of(viewport.get_attribute("transform")) > scale_of(moved) * 1.05


def test_where_the_page_scrolls_the_wheel_scrolls_it_and_does_not_zoom(page, server):
    page.set_viewport_size({"width": 1400, "height": 500})  # too low for the workspace
    page.goto(server.url + "/maps/treaty-alliance")
    moving(page)
    viewport = page.locator("#diagram svg g.graph")
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    bottom = page.evaluate("window.scrollY")
    assert bottom > 50
    box = page.locator("#diagram svg").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, max(box["y"], 0) + 100)
    before = viewport.get_attribute("transform")
    page.mouse.wheel(0, -50)  # up: svg-pan-zoom alone would zoom in here
    wait_until(page, f"window.scrollY === {bottom} - 50")
    assert viewport.get_attribute("transform") == before  # the page scrolled, no zoom


def test_deleting_a_map_tells_the_people_who_have_it_open(page, other_page, server, owned):
    log_in(other_page, server, "olivia")
    other_page.goto(server.url + MAP + "?view=outline")
    expect(other_page.locator("#o-thesis")).to_be_visible()
    page.goto(server.url + MAP + "/sharing")
    page.get_by_label("Type seminar to confirm").fill("seminar")
    page.get_by_role("button", name="Delete the map").click()
    page.wait_for_url(server.url + "/")
    expect(page.get_by_role("link", name="Seminar")).to_have_count(0)
    notice = other_page.locator("#poller[role=alert]")
    expect(notice).to_contain_text("no longer available", timeout=5000)
    expect(notice).not_to_have_attribute("hx-trigger", re.compile("."))  # it stopped asking
    notice.get_by_role("link", name="Back to the maps").click()
    other_page.wait_for_url(server.url + "/")


class ViewRequests:
    """The refreshes of #view the page sends (not its lazy diagram loads): how many are in
    flight, and the most at once."""

    def __init__(self, page):
        self.inflight = self.most = self.done = 0
        page.on("request", self.started)
        page.on("requestfinished", self.ended)
        page.on("requestfailed", self.ended)

    @staticmethod
    def is_refresh(request) -> bool:
        return (request.headers.get("hx-target") == "view"
                and request.url.endswith(MAP + "?node=thesis"))

    def started(self, request) -> None:
        if self.is_refresh(request):
            self.inflight += 1
            self.most = max(self.most, self.inflight)

    def ended(self, request) -> None:
        if self.is_refresh(request):
            self.inflight -= 1
            self.done += 1


WATCH_TIMEOUTS = """() => { window.__timeouts = 0;
  document.body.addEventListener("htmx:timeout", () => { window.__timeouts += 1; }); }"""
CHANGED = "() => document.body.dispatchEvent(new CustomEvent('map-changed', {detail: {}}))"


def test_overlapping_failed_timed_out_and_aborted_requests_leave_no_script_error(page, server,
                                                                                  owned):
    """The `page` fixture fails the test on any script error or unhandled rejection."""
    page.goto(server.url + MAP + "?node=thesis")
    expect(page.locator("#diagram svg")).to_be_visible()
    requests = ViewRequests(page)
    page.evaluate(WATCH_TIMEOUTS)
    # A burst of changes: one refresh at a time, the rest folded into one more.
    page.evaluate(f"() => {{ for (let i = 0; i < 8; i++) ({CHANGED})(); }}")
    expect(page.locator("#diagram svg")).to_be_visible()
    wait_until(page, lambda: requests.done >= 2 and not requests.inflight)
    assert (requests.most, requests.done) == (1, 2)
    expect(page.locator("#diagram svg")).to_be_visible()

    # The server fails: the person is told, and the page keeps working.
    page.route(re.compile(r"/maps/seminar\?node=thesis$"), lambda route: route.fulfill(
        status=500, body="broken"))
    page.evaluate(CHANGED)
    expect(page.locator("#flash")).to_contain_text("could not complete that request")
    page.unroute(re.compile(r"/maps/seminar\?node=thesis$"))
    # The connection drops.
    page.route(re.compile(r"/maps/seminar\?node=thesis$"), lambda route: route.abort())
    page.evaluate(CHANGED)
    expect(page.locator("#flash")).to_contain_text("cannot be reached")
    page.unroute(re.compile(r"/maps/seminar\?node=thesis$"))
    # A request times out.
    page.evaluate("htmx.config.timeout = 1")
    held = []  # requests left unanswered: they end by timing out, or with the page
    page.route(re.compile(r"/maps/seminar\?node=thesis$"), lambda route: held.append(route))
    page.evaluate(CHANGED)
    wait_until(page, "window.__timeouts > 0")
    page.unroute(re.compile(r"/maps/seminar\?node=thesis$"))
    page.evaluate("htmx.config.timeout = 0")
    # Opening a node whose panel fails to load leaves the address where it was.
    page.route(re.compile(r"node=ed-korus-linkage"), lambda route: route.abort())
    page.get_by_role("button", name="Fit to screen").click()  # the page opens on the thesis
    page.locator("#diagram g#n-ed-korus-linkage").click()
    expect(page.locator("#flash")).to_contain_text("cannot be reached")
    assert page.url.endswith(MAP + "?node=thesis")
    page.unroute(re.compile(r"node=ed-korus-linkage"))
    # Requests still in flight when the page is left are aborted: no error either.
    page.route(re.compile(r"/maps/seminar\?node=thesis$"), lambda route: held.append(route))
    page.evaluate(CHANGED)
    wait_until(page, lambda: requests.inflight > 0)
    page.goto(server.url + "/")
    expect(page.get_by_role("link", name="Seminar")).to_be_visible()


def node_text_px(page, key: str) -> float:
    """The on-screen size of a node's title text, in CSS pixels."""
    return page.evaluate("""key => {
        const text = [...document.querySelectorAll('#diagram g#n-' + key + ' text')]
            .find(t => t.getAttribute('font-weight') === 'bold');
        return parseFloat(text.getAttribute('font-size')) * text.getScreenCTM().a;
    }""", key)


def test_the_seed_map_opens_legible_at_1440_by_900_and_fits_on_request(page, server):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(server.url + "/maps/treaty-alliance")
    moving(page)  # it took over the server's SVG where app.js had put it
    wait_until(page, "!!document.querySelector('#diagram g#n-thesis text') && "
               "document.querySelector('#diagram g#n-thesis text').getScreenCTM().a * 11 "
               ">= 10.9")
    assert node_text_px(page, "thesis") >= 10.9  # titles readable without zooming
    frame = page.locator("#diagram svg").bounding_box()
    thesis = page.locator("#diagram g#n-thesis").bounding_box()
    assert frame["x"] <= thesis["x"] and thesis["x"] + thesis["width"] <= \
        frame["x"] + frame["width"] and frame["y"] <= thesis["y"]  # the thesis in view
    before = node_text_px(page, "thesis")
    page.get_by_role("button", name="Fit to screen").click()
    wait_until(page, f"document.querySelector('#diagram g#n-thesis text')"
               f".getScreenCTM().a * 11 < {before} - 1")
