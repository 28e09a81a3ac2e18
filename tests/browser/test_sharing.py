"""A seminar leader shares a map by invite link; a guest adds to it; the leader reverts it."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import PANEL_STATUS, fork_seed, sign_up


def test_invite_a_guest_who_rebuts_then_revert_it(page, other_page, server):
    sign_up(page, server, "leader", "Prof. Han")
    map_path = fork_seed(page, server)

    # The owner creates an editor invite link on the sharing page.
    page.get_by_role("link", name="Sharing", exact=True).click()
    page.get_by_label("Role for people who join").select_option("editor")
    page.get_by_role("button", name="Create invite link").click()
    link = page.locator("#new-link").input_value()
    assert re.search(r"/join/[\w-]{20,}$", link)

    # A student opens it in another browser and joins as a named guest.
    other_page.goto(server.url + link[link.index("/join/"):])
    expect(other_page.get_by_role("heading", name=re.compile("Join"))).to_be_visible()
    other_page.get_by_label("Your name").fill("Ji-woo (group B)")
    other_page.get_by_role("button", name="Join as a guest").click()
    other_page.wait_for_url(server.url + map_path)
    expect(other_page.locator(".account")).to_contain_text("Ji-woo (group B)")

    # The guest adds a rebuttal to the thesis.
    other_page.goto(server.url + map_path + "?node=thesis")
    other_page.locator("#act-rebuttal summary").click()
    other_page.get_by_label("Rebuttal (why this node is wrong)").fill(
        "Linking two deals is ordinary diplomacy, not a breach.")
    other_page.get_by_role("button", name="Add rebuttal").click()
    expect(other_page.locator(PANEL_STATUS)).to_contain_text("Added an objection to")

    # The owner sees it, attributed to the guest, and in the history.
    page.goto(server.url + map_path + "?view=outline")
    item = page.locator(".outline-tree a", has_text="ordinary diplomacy")
    expect(item).to_have_count(1)
    item.click()
    expect(page.locator("#node-detail")).to_contain_text("Added by Ji-woo (group B) (guest)")
    page.goto(server.url + map_path + "/history")
    entry = page.locator(".change").first
    expect(entry).to_contain_text("Ji-woo (group B) (guest)")
    expect(entry).to_contain_text("Linking two deals is ordinary diplomacy")

    # The owner reverts it: the rebuttal is gone from the map.
    entry.get_by_role("button", name="Revert this change").click()
    expect(page.locator(".change").first).to_contain_text("Reverted: Added rebuttal")
    page.goto(server.url + map_path + "?view=outline")
    expect(page.locator(".outline-tree")).not_to_contain_text("ordinary diplomacy")
