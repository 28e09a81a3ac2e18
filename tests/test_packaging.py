"""An installed (non-editable) argmap finds its templates, static files and seeds."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_templates_and_works_when_installed(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "-w", str(tmp_path / "dist"), str(ROOT)],
                   check=True, capture_output=True)
    wheel = next((tmp_path / "dist").glob("argmap-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"argmap/templates/base.html", "argmap/templates/maps/show.html",
            "argmap/static/app.css", "argmap/seeds/treaty-alliance.yaml"} <= names
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(target), str(wheel)], check=True, capture_output=True)
    script = (
        "import argmap, sys\n"
        "from argmap import create_app\n"
        "from argmap.cli import initialise\n"
        f"app = create_app({{'DATABASE_URL': 'sqlite:///{tmp_path}/w.sqlite3',"
        f" 'RENDER_CACHE_DIR': '{tmp_path}/cache'}})\n"
        "with app.app_context():\n"
        "    initialise(app.config['SEEDS_DIR'])\n"
        "page = app.test_client().get('/')\n"
        "print(argmap.__file__)\n"
        "print(app.template_folder)\n"
        "print(page.status_code, 'treaty-alliance' in page.get_data(as_text=True))\n"
    )
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin",
           "ARGMAP_INSTANCE": str(tmp_path / "inst")}
    out = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0].startswith(str(target))
    assert out[1] == str(target / "argmap" / "templates")
    assert out[2] == "200 True"
