"""A throwaway PostgreSQL server for the test run: `initdb` into a temporary folder, started on
a free loopback port, removed at the end. `make test` runs the whole suite once more on it.

When no server can be started, `start` raises ClusterError with the reason: the PostgreSQL run
is part of CI and must fail, never skip.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SUPERUSER = "argmap"


class ClusterError(RuntimeError):
    pass


def find_bindir() -> Path:
    """PostgreSQL's server programs: $ARGMAP_PG_BIN, then PATH, then Debian's versioned folders."""
    candidates = [os.environ.get("ARGMAP_PG_BIN", "")]
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(str(Path(on_path).resolve().parent))
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                         key=lambda p: int(p.split("/")[-2]) if p.split("/")[-2].isdigit() else 0,
                         reverse=True)
    for folder in filter(None, candidates):
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    raise ClusterError("PostgreSQL's initdb and pg_ctl were not found (install Debian's "
                       "'postgresql' package, which `make test` does, or set ARGMAP_PG_BIN)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """One server; `url(name)` addresses a database on it."""

    def __init__(self) -> None:
        self.bindir = find_bindir()
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="argmap-pg-"))
        self.data = self.root / "data"
        # initdb and postgres refuse to run as root: run them as the 'postgres' system user.
        self.runas: list[str] = []
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                raise ClusterError("running as root, and there is no 'postgres' user to run "
                                   "the server as (Debian's postgresql package creates it)"
                                   ) from None
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
            self.runas = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self.runas, *args], capture_output=True, text=True)
        if done.returncode != 0:
            raise ClusterError(f"{Path(args[0]).name} failed: "
                               f"{(done.stderr or done.stdout).strip()[-600:]}")

    def start(self) -> "Cluster":
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", SUPERUSER,
                  "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")
        return self.resume()

    def pause(self) -> None:
        """Stop the server but keep its data, as an outage would. A fast (clean) stop: with
        synchronous_commit off, an immediate one could lose the last commits."""
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast",
                  "-w", "stop")

    def resume(self) -> "Cluster":
        """Start the server on its data and port (after start's initdb, or a pause)."""
        # A test server keeps nothing: durability off makes CREATE/DROP DATABASE cheap. A
        # timezone far from UTC catches naive/aware datetime mix-ups.
        settings = ("-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                    f"-c listen_addresses=127.0.0.1 -c port={self.port} "
                    f"-c unix_socket_directories={self.root} -c max_connections=300 "
                    "-c timezone=Asia/Seoul")
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l",
                  str(self.root / "server.log"), "-o", settings, "-w", "-t", "60", "start")
        return self

    def restart(self) -> None:
        """Stop and start again on the same port: every open connection breaks."""
        # -l: the new server must not hold this process's pipes open.
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l",
                  str(self.root / "server.log"), "-m", "immediate", "-w", "restart")

    def stop(self) -> None:
        subprocess.run([*self.runas, str(self.bindir / "pg_ctl"), "-D", str(self.data),
                        "-m", "immediate", "-w", "stop"], capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"
