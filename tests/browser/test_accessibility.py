"""axe-core on every state a page can be in: 0 violations (issue 16, part 6)."""

from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, fork_seed, sign_up

SEED = "/maps/treaty-alliance"


def check(page, state: str) -> None:
    assert axe_violations(page) == [], state


def test_every_page_state_has_no_axe_violations(page, server):
    for path in ("/", "/login", "/signup", SEED, f"{SEED}?view=outline", f"{SEED}?view=text",
                 f"{SEED}?node=thesis", f"{SEED}/history"):
        page.goto(server.url + path)
        check(page, path)
    page.goto(server.url + "/signup")  # a form with errors
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Your name").fill("Ada")
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".error").first).to_be_visible()
    check(page, "sign-up with errors")
    sign_up(page, server, "ada", "Ada")
    check(page, "index, signed in")
    mine = fork_seed(page, server)
    page.goto(server.url + mine + "?node=thesis")
    check(page, "own map, panel open")
    page.goto(server.url + mine)
    page.get_by_text("Add a node").click()
    page.get_by_role("button", name="Add node").click()  # empty: its error by the field
    expect(page.locator("#panel .error").first).to_be_visible()
    check(page, "panel form with an error")
    page.goto(server.url + mine + "/sharing")
    page.get_by_role("button", name="Create invite link").click()
    expect(page.locator("table.members").last).to_contain_text("active")
    check(page, "sharing, with an invite")
    page.goto(server.url + "/account")
    check(page, "account")
    page.goto(server.url + mine)
    page.get_by_role("button", name="Undo my last change").click()
    expect(page.locator("p.notice")).to_contain_text("Nothing to undo")
    check(page, "map page with a notice")
    page.goto(server.url + mine)
    page.get_by_text("Add a node").click()
    page.locator("#panel textarea").first.fill("A thought to take back.")
    page.get_by_role("button", name="Add node").click()
    expect(page.locator("#panel")).to_contain_text("A thought to take back.")
    page.goto(server.url + mine)
    page.get_by_role("button", name="Undo my last change").click()
    expect(page.locator("p.notice")).to_contain_text("Undone: added")
    page.goto(server.url + mine + "/history")
    expect(page.locator("li.change.reverted")).to_have_count(1)
    check(page, "history with a reverted change")


def test_a_skip_link_takes_the_keyboard_past_the_diagram_to_the_panel(page, server):
    page.goto(server.url + SEED + "?node=thesis")
    page.keyboard.press("Tab")  # "Skip to content"
    page.keyboard.press("Tab")
    skip = page.locator("a.skip", has_text="Skip to the node panel")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#panel")).to_be_focused()
    page.keyboard.press("Tab")  # the next stop is inside the panel, not the diagram
    assert page.evaluate("document.activeElement.closest('#panel') !== null")


def test_the_join_page_and_the_import_report_have_no_violations(
        page, other_page, server, tmp_path):
    page.goto(server.url + SEED + "?node=ed-art4-grant")
    page.get_by_text("Export…").click()
    expect(page.locator("#export-format")).to_be_visible()
    check(page, "the export dialog open over the diagram")
    sign_up(page, server, "ada", "Ada")
    mine = fork_seed(page, server)
    page.goto(server.url + mine + "/sharing")
    page.get_by_role("button", name="Create invite link").click()
    link = page.locator(".link-box").first.input_value()
    other_page.goto(server.url + link[link.index("/join/"):])
    expect(other_page.get_by_role("heading", level=1)).to_be_visible()
    check(other_page, "the invite's join page")
    upload = tmp_path / "small.argdown"
    upload.write_text("# A small map\n\n[T]: Tuition should be free. {weight: 3}\n"
                      "  + [R]: Education is a public good.\n", encoding="utf-8")
    page.goto(server.url + "/")
    page.get_by_label("File (up to 2 MiB)").set_input_files(str(upload))
    page.get_by_role("button", name="Import").click()
    expect(page.locator("ul.warnings li")).to_contain_text("not imported")
    check(page, "the import report")


def test_the_keyboard_reaches_the_diagram_soon_and_walks_it_from_the_thesis_down(page, server):
    page.goto(server.url + SEED)
    expect(page.locator("#diagram svg g.node.thesis")).to_have_count(1)
    stops = 0
    while not page.evaluate("!!document.activeElement.closest('#diagram')"):
        page.keyboard.press("Tab")
        stops += 1
        assert stops <= 22, "more than 22 Tab stops before the diagram"
    # The scrollable region itself is a stop (so that the keyboard can scroll it), then its
    # boxes.
    assert page.evaluate("document.activeElement.id") == "diagram"
    page.keyboard.press("Tab")
    first = page.evaluate("document.activeElement.closest('g.node').id")
    page.keyboard.press("Tab")
    second = page.evaluate("document.activeElement.closest('g.node').id")
    # The thesis comes first, then what is drawn next to it (its reasons below it, or the
    # recommendation that rests on it above): reading order, not layout order.
    assert first == "n-thesis"
    assert second in ("n-treaty-alliance", "n-rec-legal-architecture")
