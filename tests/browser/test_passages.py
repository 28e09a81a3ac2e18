"""Mapping from the text in a real Chromium: select a passage, "Map this passage", and the new
node is anchored to exactly the selection, connected, selected and counted."""

from playwright.sync_api import expect
from sqlmodel import select

from argmap import db
from argmap.domain.maps import get_map
from argmap.models import Node, Premise, Relation
from tests.browser.conftest import axe_violations, sign_up, wait_until

# "Cats purr." twice in paragraph 1: the second one (at 29) is the one selected.
TEXT = "Cats purr. Dogs bark loudly. Cats purr.\nBirds sing. Dogs bark loudly at night.\nFish swim."
MAP = "/maps/pets"

SELECT_SECOND_CATS = """() => {
  const spans = document.querySelectorAll('#para-1 .unmapped');
  const text = spans[2].firstChild;  // the third sentence: the second "Cats purr."
  const range = document.createRange();
  range.setStart(text, 0);
  range.setEnd(text, text.length);
  const selection = getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  return range.toString();
}"""


def test_select_a_passage_and_map_it(page, server):
    sign_up(page, server, "olivia", "Olivia Kim")
    page.get_by_label("Title").fill("Pets")
    page.get_by_label("Source text (optional)").fill(TEXT)
    page.get_by_role("button", name="Create map").click()
    page.wait_for_url(lambda url: MAP in url, wait_until="load")
    page.locator("#new-text").fill("Animals are noisy.")  # the form is open on a new map
    page.get_by_role("button", name="Add node").click()
    expect(page.locator("#node-detail")).to_have_attribute("data-key", "thesis-1")

    page.goto(server.url + MAP + "?view=text", wait_until="load")
    expect(page.locator("#coverage")).to_contain_text("0 of 6 sentences mapped")
    button = page.locator("#map-passage-button")
    expect(button).to_be_hidden()
    assert page.evaluate(SELECT_SECOND_CATS) == "Cats purr."
    expect(button).to_be_visible()
    # A real button, by the selection and next in the tab order: the keyboard opens it too.
    assert page.evaluate("document.getElementById('map-passage-button').previousElementSibling"
                         ".id") == "para-1"
    button.focus()
    page.keyboard.press("Enter")
    form = page.locator("#map-passage")
    expect(form).to_have_attribute("open", "")
    expect(page.locator("#map-passage_quote")).to_have_value("Cats purr.")
    expect(page.locator("#map-passage_paragraph")).to_have_value("1")
    expect(page.locator("#map-text")).to_have_value("Cats purr.")  # the first draft
    expect(page.locator("#map-text")).to_be_focused()
    assert page.evaluate("document.querySelector('#map-passage [name=passage_start]').value"
                         ) == "29"
    page.locator("#map-text").fill("Cats say they are content.")
    chooser = page.get_by_role("combobox", name="the node")
    chooser.fill("noisy")  # the chooser suggests the thesis; Enter picks it
    expect(page.locator("#map-target-list").get_by_role("option")).to_have_count(1)
    chooser.press("ArrowDown")
    chooser.press("Enter")
    expect(page.locator("#map-passage [name=target_key]")).to_have_value("thesis-1")
    assert axe_violations(page) == [], "the mapping form, open"

    page.evaluate("window.__sameDocument = true")
    page.get_by_role("button", name="Add the node").click()
    wait_until(page, "(document.getElementById('node-detail') || {dataset: {}}).dataset.key"
               " === 'claim-1'")
    expect(page.locator("#coverage")).to_contain_text("1 of 6 sentences mapped")
    assert page.url.endswith(MAP + "?view=text&node=claim-1")
    assert page.evaluate("window.__sameDocument") is True  # no page load
    # Marked and selected: the second "Cats purr.", after two sentences still unmapped.
    selected = page.locator("#para-1 mark.passage.selected")
    expect(selected).to_have_text("Cats purr.")
    assert page.evaluate("""() => {
      const mark = document.querySelector('#para-1 mark.selected');
      return mark.previousElementSibling.id + ' ' +
        [...mark.parentElement.querySelectorAll('.unmapped')].map(s => s.textContent).join('|');
    }""") == "passage-claim-1 Cats purr.|Dogs bark loudly."
    expect(page.locator("#panel")).to_contain_text("Animals are noisy.")  # what it supports
    expect(button).to_be_hidden()

    with server.app.app_context():
        session = db.session()
        found = get_map(session, slug="pets")
        node = session.exec(select(Node).where(Node.map_id == found.id,
                                               Node.key == "claim-1")).one()
        assert (node.passage_paragraph, node.passage_start, node.passage_end) == (1, 29, 39)
        target = session.exec(select(Relation.kind, Node.key).join(
            Premise, Premise.relation_id == Relation.id).join(
            Node, Node.id == Relation.target_node_id).where(Premise.node_id == node.id)).one()
        assert tuple(target) == ("support", "thesis-1")
        db.close_session()
