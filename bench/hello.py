"""The app P4 loads: argmap's own app plus a bare "hello" route, as the baseline."""

from argmap import create_app


def app():
    application = create_app()
    application.add_url_rule("/hello", "hello", lambda: "hello")
    return application
