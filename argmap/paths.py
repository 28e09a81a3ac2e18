"""Where the top-level templates/, static/ and seeds/ folders are.

In a source checkout (and an editable install) they sit next to the package; a built wheel
ships copies inside the package (see pyproject.toml), so an installed argmap finds them too.
"""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    bundled = PACKAGE_DIR / name
    if bundled.is_dir():
        return bundled
    return PACKAGE_DIR.parent / name


TEMPLATES = resource_dir("templates")
STATIC = resource_dir("static")
SEEDS = resource_dir("seeds")
