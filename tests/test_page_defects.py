"""Defects a user meets on the map page and around it (issue 16, part 7), each with a test."""

from tests.helpers import fork_seed, sign_up


def test_anonymous_visitors_are_not_offered_forms_they_cannot_use(client):
    index = client.get("/").get_data(as_text=True)
    assert "Import a map" not in index and 'action="/maps/import"' not in index
    assert "sign up" in index and "import one" in index
    text = client.get("/maps/treaty-alliance?view=text").get_data(as_text=True)
    assert "Attach the source text" not in text and "Replace the source text" not in text
    assert 'action="/maps/treaty-alliance/text"' not in text
    sign_up(client, "ada")
    assert "Import a map" in client.get("/").get_data(as_text=True)
    assert "Replace the source text" not in client.get(
        "/maps/treaty-alliance?view=text").get_data(as_text=True)  # readers still can't
    mine = fork_seed(client)
    page = client.get(mine.split("?")[0] + "?view=text").get_data(as_text=True)
    assert "Replace the source text" in page or "Attach the source text" in page
