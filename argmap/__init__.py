"""argmap: map the arguments of a text and draw them with Graphviz."""

import os

from flask import Flask
from flask_htmx import HTMX
from jinja2 import FileSystemBytecodeCache

from argmap import db, paths


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=os.environ.get("ARGMAP_INSTANCE") or None,
                instance_relative_config=True, template_folder=str(paths.TEMPLATES),
                static_folder=str(paths.STATIC))
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(
        DATABASE_URL=os.environ.get("DATABASE_URL")
        or f"sqlite:///{os.path.join(app.instance_path, 'argmap.sqlite3')}",
        SEEDS_DIR=str(paths.SEEDS),
        RENDER_CACHE_DIR=os.path.join(app.instance_path, "render-cache"),
        RENDER_CACHE_MAX_BYTES=200 * 1024 * 1024,
        # All of one drawing's `dot` runs; well below the worker timeout (cli.WORKER_TIMEOUT),
        # so a slow drawing gets argmap's message, not a killed worker.
        RENDER_TIMEOUT=20.0,
        # New drawings that people who cannot edit a map may start, in seconds of `dot` per
        # 10 minutes: each reader, and all of one map's readers (see domain/drawing.py).
        READER_DRAWING_SECONDS=30.0,
        MAP_READERS_DRAWING_SECONDS=120.0,
        RENDER_NODE_LIMIT=600,  # larger views get a message suggesting a focused view
        IMPORT_TIMEOUT=10.0,  # seconds an import may take (reading, checking, storing)
        # werkzeug's method name; the test suite sets a cheap one through the environment.
        PASSWORD_HASH_METHOD=os.environ.get("ARGMAP_PASSWORD_HASH") or "scrypt",
        # Logins and sign-ups one address makes before it backs off (domain/backoff.py).
        LOGIN_ADDRESS_LIMIT=int(os.environ.get("ARGMAP_ADDRESS_LIMIT") or 20),
        MAX_CONTENT_LENGTH=2 * 1024 * 1024 + 64 * 1024,  # an import file plus form overhead
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)

    app.jinja_env.add_extension("jinja2.ext.do")
    if app.config.get("JINJA_BYTECODE_CACHE_DIR"):  # compiled templates shared by many apps
        app.jinja_env.bytecode_cache = FileSystemBytecodeCache(
            app.config["JINJA_BYTECODE_CACHE_DIR"])
    db.init_app(app)
    HTMX(app)

    from argmap import cli
    from argmap.web import auth, errors, evaluation, history, live, maps, members, nodes, security

    security.init_app(app)
    auth.init_app(app)
    for blueprint in (maps.bp, nodes.bp, members.bp, history.bp, evaluation.bp, live.bp):
        app.register_blueprint(blueprint)
    errors.register(app)
    cli.register(app)
    return app
