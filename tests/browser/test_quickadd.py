"""Adding at the speed of Kialo (issue 16, part 2), in a real Chromium: a counterargument to a
node in at most two actions plus typing, the keys of the quick box, where focus goes after a
panel form, and a panel whose node someone else deletes."""

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from argmap import db
from argmap.domain.maps import get_map
from argmap.models import Node, Premise, Relation
from tests.browser.conftest import (
    PANEL_STATUS,
    axe_violations,
    fork_seed,
    log_in,
    sign_up,
    wait_until,
)

MAP = "/maps/seminar"
OBJECTION = "Linking the talks is legal: Article IV leaves the terms to agreement."


@pytest.fixture
def owned(page, server):
    sign_up(page, server, "olivia", "Olivia Kim")
    return fork_seed(page, server)


def stored(server) -> dict[str, Node]:
    with server.app.app_context():
        session = db.session()
        found = get_map(session, slug="seminar")
        nodes = session.exec(select(Node).where(Node.map_id == found.id)).all()
        for n in nodes:
            session.expunge(n)
        return {n.key: n for n in nodes}


def targets(server, key: str) -> list[tuple[str, str]]:
    with server.app.app_context():
        session = db.session()
        found = get_map(session, slug="seminar")
        node = session.exec(select(Node).where(Node.map_id == found.id, Node.key == key)).one()
        rows = session.exec(select(Relation.kind, Node.key)
                            .join(Premise, Premise.relation_id == Relation.id)
                            .join(Node, Node.id == Relation.target_node_id)
                            .where(Premise.node_id == node.id)).all()
        return [(str(kind), target) for kind, target in rows]


class Actions:
    """The clicks and keys a person spends, other than typing the text and Enter."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def click(self, locator) -> None:
        self.count += 1
        locator.click()


def open_map(page, server) -> None:
    page.goto(server.url + MAP, wait_until="load")
    expect(page.locator("#diagram g#n-thesis")).to_be_visible()
    page.evaluate("window.__sameDocument = true")


def in_viewport(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    return (box is not None and box["x"] >= 0 and box["y"] >= 0
            and box["x"] + box["width"] <= size["width"]
            and box["y"] + box["height"] <= size["height"])


def added_is_shown(page, server, before: set[str], parent: str = "thesis") -> str:
    """The one new node: stored, attacking `parent`, selected everywhere, confirmed in view."""
    expect(page.locator("#added [role=status]")).to_have_text(
        re.compile(r"^Added an objection to “Tying the SMA to tariffs breaks the treaties”\.$"))
    (new,) = set(stored(server)) - before
    assert stored(server)[new].text == OBJECTION
    assert targets(server, new) == [("attack", parent)]
    expect(page.locator("#node-detail")).to_have_attribute("data-key", new)
    assert page.url.endswith(f"{MAP}?node={new}")
    # The moving drawing lays the new node out in the browser: slow on a busy machine.
    expect(page.locator(f"#diagram g#n-{new}")).to_have_class(re.compile(r"\bselected\b"),
                                                             timeout=45_000)
    assert in_viewport(page, "#added"), "the confirmation is out of view"
    assert page.evaluate("document.activeElement.id") == "added"
    assert page.evaluate("window.__sameDocument") is True
    return new


def test_an_objection_takes_two_actions_from_the_panel(page, server, owned):
    open_map(page, server)
    before = set(stored(server))
    act = Actions(page)
    act.click(page.locator("#diagram g#n-thesis"))
    act.click(page.locator("#panel").get_by_text("+ Objection", exact=True))
    expect(page.locator("#quick-rebuttal-text")).to_be_focused()
    page.keyboard.type(OBJECTION)
    page.keyboard.press("Enter")
    new = added_is_shown(page, server, before)
    assert act.count <= 2
    # The new node's box is in the diagram's frame, with the buttons on it.
    expect(page.locator("#diagram-quick")).to_be_visible()
    frame = page.locator("#diagram").bounding_box()
    node = page.locator(f"#diagram g#n-{new}").bounding_box()
    assert frame["y"] <= node["y"] and node["y"] + node["height"] <= frame["y"] + frame["height"]
    # ...and in the outline, marked as the selected one.
    page.get_by_role("link", name="Outline").click()
    expect(page.locator(f"#o-{new}")).to_have_class(re.compile(r"\bselected\b"))
    expect(page.locator("#o-thesis + ul")).to_contain_text(OBJECTION)


def test_an_objection_takes_two_actions_from_the_diagram(page, server, owned):
    open_map(page, server)
    before = set(stored(server))
    act = Actions(page)
    act.click(page.locator("#diagram g#n-thesis"))
    bar = page.locator("#diagram-quick")
    expect(bar).to_be_visible()
    # The buttons sit on the selected box, and stay there when the diagram pans.
    def gap() -> float:
        node, buttons = (page.locator("#diagram g#n-thesis").bounding_box(), bar.bounding_box())
        return abs(buttons["x"] + buttons["width"] / 2 - (node["x"] + node["width"] / 2))
    # (once the drawing is still: the moving drawing may glide into place after it starts)
    wait_until(page, "(() => { const b = document.getElementById('diagram-quick')"
               ".getBoundingClientRect(), n = document.getElementById('n-thesis')"
               ".getBoundingClientRect(); return Math.abs(b.left + b.width / 2 - n.left"
               " - n.width / 2) < 2; })()")
    assert gap() < 2
    frame = page.locator("#diagram").bounding_box()
    page.mouse.move(frame["x"] + 40, frame["y"] + frame["height"] - 40)
    page.mouse.down()
    page.mouse.move(frame["x"] + 140, frame["y"] + frame["height"] - 60, steps=5)
    page.mouse.up()
    wait_until(page, "(() => { const b = document.getElementById('diagram-quick')"
               ".getBoundingClientRect(), n = document.getElementById('n-thesis')"
               ".getBoundingClientRect(); return Math.abs(b.left + b.width / 2 - n.left - "
               "n.width / 2) < 2 && Math.abs(b.top - n.bottom - 4) < 2; })()")
    act.click(bar.get_by_role("button", name="+ Objection"))
    expect(page.locator("#quick-rebuttal-text")).to_be_focused()
    page.keyboard.type(OBJECTION)
    page.keyboard.press("Enter")
    added_is_shown(page, server, before)
    assert act.count <= 2


def test_the_box_keys_and_its_error(page, server, owned):
    page.goto(server.url + MAP + "?node=thesis", wait_until="load")
    revision = page.locator("#poller").get_attribute("data-revision")
    before = set(stored(server))
    summary = page.locator("#quick-rebuttal > summary")
    # Escape closes the box, adds nothing and gives focus back to its button.
    summary.click()
    page.keyboard.type("Not this one")
    page.keyboard.press("Escape")
    expect(page.locator("#quick-rebuttal")).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()
    assert axe_violations(page) == []
    # Enter on an empty box: the message is next to the field, which has focus; nothing added.
    summary.click()
    page.locator("#quick-rebuttal-text").fill("")
    page.keyboard.press("Enter")
    expect(page.locator("#quick-rebuttal-text-error")).to_have_text("This field is empty")
    expect(page.locator("#quick-rebuttal-text")).to_be_focused()
    expect(page.locator("#quick-rebuttal-text")).to_have_attribute("aria-invalid", "true")
    assert set(stored(server)) == before
    assert page.locator("#poller").get_attribute("data-revision") == revision
    # Shift+Enter breaks the line; Enter adds it.
    page.keyboard.type("First line.")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("Second line.")
    assert page.locator("#quick-rebuttal-text").input_value() == "First line.\nSecond line."
    assert axe_violations(page) == []  # a box open, with its error
    page.keyboard.press("Enter")
    expect(page.locator("#added")).to_be_visible()
    (new,) = set(stored(server)) - before
    assert stored(server)[new].text == "First line.\nSecond line."


def test_another_objection_to_the_same_node_is_one_click_away(page, server, owned):
    page.goto(server.url + MAP + "?node=thesis", wait_until="load")
    page.evaluate("window.__sameDocument = true")
    before = set(stored(server))
    page.locator("#quick-rebuttal > summary").click()
    page.keyboard.type(OBJECTION)
    page.keyboard.press("Enter")
    first = added_is_shown(page, server, before)
    page.locator("#another-rebuttal > summary").click()
    expect(page.locator("#another-rebuttal-text")).to_be_focused()
    page.keyboard.type("A second objection.")
    page.keyboard.press("Enter")
    expect(page.locator("#node-detail h2")).to_have_text("A second objection.")
    (second,) = set(stored(server)) - before - {first}
    assert targets(server, second) == [("attack", "thesis")]


def test_quick_evidence_with_its_citation(page, server, owned):
    page.goto(server.url + MAP + "?node=thesis", wait_until="load")
    before = set(stored(server))
    page.locator("#quick-evidence > summary").click()
    page.keyboard.type("Article IV leaves the terms to agreement.")
    page.keyboard.press("Enter")  # no citation yet: refused, next to the document field
    expect(page.locator("#quick-evidence-document-error")).to_be_visible()
    expect(page.locator("#quick-evidence-document")).to_be_focused()
    page.keyboard.type("SOFA")
    page.locator("#quick-evidence-locator").fill("Article V")
    page.locator("#quick-evidence-text").press("Enter")
    expect(page.locator("#added [role=status]")).to_contain_text("Added evidence for")
    (new,) = set(stored(server)) - before
    assert stored(server)[new].kind == "evidence" and stored(server)[new].source_id


def test_focus_after_the_full_forms(page, server, owned):
    page.goto(server.url + MAP + "?node=korea-record", wait_until="load")
    page.locator("#act-edit > summary").click()
    page.locator("#edit-text").fill("   ")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#edit-text-error")).to_be_visible()
    expect(page.locator("#edit-text")).to_be_focused()
    page.locator("#edit-text").fill("A better wording.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#act-edit [role=status]")).to_contain_text("Edited")
    expect(page.locator("#act-edit [role=status]")).to_be_focused()
    assert page.evaluate("document.activeElement.isConnected") is True


def test_without_javascript_the_box_posts_and_lands_on_the_new_node(browser, server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1440,
                                                                       "height": 900})
    page = context.new_page()
    sign_up(page, server, "nojs", "No Script")
    fork_seed(page, server)
    before = set(stored(server))
    page.goto(server.url + MAP + "?node=thesis")
    page.locator("#panel").get_by_text("+ Objection", exact=True).click()  # a <details>
    page.locator("#quick-rebuttal-text").fill(OBJECTION)
    page.locator("#quick-rebuttal").get_by_role("button", name="Add objection").click()
    (new,) = set(stored(server)) - before
    assert page.url.endswith(f"{MAP}?node={new}#panel")  # POST, 303, the new node's page
    expect(page.locator("#node-detail")).to_have_attribute("data-key", new)
    expect(page.locator("#added [role=status]")).to_contain_text("Added an objection to")
    context.close()


def test_a_node_deleted_while_open_says_so_and_keeps_the_edit(page, other_page, server, owned):
    log_in(other_page, server, "olivia")
    parent = targets(server, "korea-record")[0]
    page.goto(server.url + MAP + "?node=korea-record", wait_until="load")
    # One person is halfway through an edit when the other deletes the node.
    page.locator("#act-edit > summary").click()
    page.locator("#edit-title").fill("Korea's record")
    page.locator("#edit-text").fill("My careful rewrite.")
    page.locator("#edit-document").fill("SMA 2021")
    page.locator("#edit-locator").fill("Article 1")
    page.locator("#edit-kind").select_option("evidence")  # the record, cited, as evidence
    other_page.goto(server.url + MAP + "?node=korea-record", wait_until="load")
    other_page.locator("#act-delete > summary").click()
    other_page.locator("#act-delete").get_by_role("button", name="Delete this node").click()
    expect(other_page.locator(PANEL_STATUS)).to_contain_text("Deleted")
    # The live refresh says it is gone, without taking away what is being typed.
    expect(page.locator("#node-detail h2")).to_have_text("This node has been deleted",
                                                         timeout=20000)
    expect(page.locator("#node-detail")).to_contain_text("Olivia Kim deleted it on")
    assert page.locator("#edit-text").input_value() == "My careful rewrite."
    page.get_by_role("button", name="Save changes").click()
    recover = page.locator(".recover")
    expect(recover).to_contain_text("Save what you typed as a new node")
    expect(page.locator("#act-edit")).to_have_count(0)
    expect(page.locator("#new-text")).to_have_value("My careful rewrite.")
    expect(page.locator("#new-title")).to_have_value("Korea's record")
    expect(page.locator("#new-document")).to_have_value("SMA 2021")
    expect(page.locator("#new-locator")).to_have_value("Article 1")
    expect(page.locator("#new-relation")).to_have_value(parent[0])
    assert axe_violations(page) == []
    before = set(stored(server))
    page.get_by_role("button", name="Save as a new node").click()
    expect(page.locator("#added [role=status]")).to_contain_text("Added evidence")
    (new,) = set(stored(server)) - before
    assert (stored(server)[new].kind, stored(server)[new].title) == ("evidence", "Korea's record")
    assert targets(server, new) == [parent]
    expect(page.locator("#node-detail")).to_have_attribute("data-key", new)


def test_a_node_deleted_while_open_loses_its_actions(page, other_page, server, owned):
    log_in(other_page, server, "olivia")
    page.goto(server.url + MAP + "?node=korea-record", wait_until="load")
    expect(page.locator("#act-edit")).to_have_count(1)
    other_page.goto(server.url + MAP + "?node=korea-record", wait_until="load")
    other_page.locator("#act-delete > summary").click()
    other_page.locator("#act-delete").get_by_role("button", name="Delete this node").click()
    expect(page.locator("#panel h2")).to_have_text("This node has been deleted", timeout=20000)
    expect(page.locator("#panel .actions")).to_have_count(0)
    expect(page.locator("#panel .quick-add")).to_have_count(0)
    expect(page.locator("#diagram-quick")).to_have_count(0)
    history = page.get_by_role("link", name="History of this node")
    assert history.get_attribute("href") == MAP + "/history?node=korea-record"
    assert axe_violations(page) == []


def test_typing_in_a_quick_box_survives_a_live_refresh(page, other_page, server, owned):
    log_in(other_page, server, "olivia")
    page.goto(server.url + MAP + "?node=thesis", wait_until="load")
    page.locator("#quick-rebuttal > summary").click()
    page.keyboard.type("Half an objection")
    # Someone else rewords the node: its detail is refreshed under the open box.
    other_page.goto(server.url + MAP + "?node=thesis", wait_until="load")
    other_page.locator("#act-edit > summary").click()
    other_page.locator("#edit-text").fill("A reworded thesis.")
    other_page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#node-detail .node-text")).to_have_text("A reworded thesis.",
                                                                 timeout=20000)
    expect(page.locator("#quick-rebuttal")).to_have_attribute("open", "")
    assert page.locator("#quick-rebuttal-text").input_value() == "Half an objection"
