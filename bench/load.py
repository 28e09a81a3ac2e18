"""P4: requests per second of the cached map page / those of a bare "hello" route, on the same
gunicorn with two workers, under a bounded loopback load from wrk (8 connections, 10 s)."""

import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from servers import gunicorn  # noqa: E402

CONNECTIONS, SECONDS = 8, 10


def requests_per_second(url: str) -> float:
    done = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", url],
                          capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in done:
        raise RuntimeError(f"wrk saw error answers from {url}:\n{done}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", done).group(1))


def rows() -> list[tuple[str, str, str]]:
    if not shutil.which("wrk"):
        return [("P4", "cached map page / hello, 2 workers",
                 "not measured: wrk is not installed (make bench installs it with apt-get)")]
    folder = Path(tempfile.mkdtemp(prefix="argmap-load-"))
    with gunicorn(folder, f"sqlite:///{folder / 'argmap.sqlite3'}", app="hello:app()") as url:
        page = url + "/maps/treaty-alliance"
        urllib.request.urlopen(page).read()  # draw the diagram once: later pages reuse it
        hello = requests_per_second(url + "/hello")
        cached = requests_per_second(page)
    return [("P4", f"cached map page / hello, 2 workers, wrk {CONNECTIONS} connections "
                   f"x {SECONDS} s", f"{cached / hello:.3f} ({cached:.0f} / {hello:.0f} req/s)")]


if __name__ == "__main__":
    for row in rows():
        print("  ".join(row))
