"""`argmap user`: what whoever runs argmap can do for an account (e.g. a forgotten password)."""

import click
from flask.cli import with_appcontext

from argmap import db
from argmap.cli import user_errors  # cli.py loads this module only once it is complete
from argmap.domain.accounts import find_account, set_password


@click.group("user")
def user_group() -> None:
    """Manage accounts."""


@user_group.command("password")
@click.argument("username")
@click.password_option("--password", prompt="New password",
                       help="The new password (prompted for, twice, when not given).")
@with_appcontext
@user_errors
def user_password_command(username: str, password: str) -> None:
    """Set USERNAME's password, e.g. when they forgot it. Their sessions end."""
    session = db.session()
    with db.transaction(session):
        set_password(session, user=find_account(session, username=username),
                     password=password)
    click.echo(f"{username}: password set; their sessions are logged out")
