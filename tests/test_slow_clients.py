"""Clients that send slowly can't take `argmap serve --workers 2` down: while 50 of them hold
connections, other requests are answered at once, and one that dawdles over its headers is
cut off at the worker's header deadline (cli.KEEP_ALIVE)."""

import socket
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from argmap.cli import KEEP_ALIVE

MAP_PAGE = "/maps/treaty-alliance"
HEADERS, BODY = "headers", "body"


class SlowClients:
    """`count` connections that send the start of a request and then one byte every PACE
    seconds: half dawdle over their headers, half over a form's body. One that the server
    closes is opened again at once, as an attacker's would be, so `count` stay open."""

    PACE = 0.5

    def __init__(self, url: str, count: int):
        parts = urllib.parse.urlsplit(url)
        self.address = (parts.hostname, parts.port)
        self.count = count
        self.open: dict[int, socket.socket] = {}
        self.cut = {HEADERS: 0, BODY: 0}  # connections the server closed, by kind
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._drip, daemon=True)

    def kind(self, number: int) -> str:
        return HEADERS if number % 2 else BODY

    def _start(self, number: int) -> None:
        host = f"Host: {self.address[0]}\r\n"
        if self.kind(number) == HEADERS:
            start = f"GET /healthz HTTP/1.1\r\n{host}X-Dawdle: "
        else:
            start = (f"POST /login HTTP/1.1\r\n{host}Content-Type: application/"
                     "x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nusername=")
        # The listening socket's backlog takes the connection even while no worker accepts.
        sock = socket.create_connection(self.address, timeout=5)
        sock.sendall(start.encode())
        sock.setblocking(False)
        self.open[number] = sock

    def _closed(self, sock: socket.socket) -> bool:
        """Whether the server has closed the connection or answered it (and so let it go)."""
        try:
            sock.recv(1, socket.MSG_PEEK)  # b"" (closed) or the start of an answer
        except BlockingIOError:
            return False
        except OSError:
            pass
        return True

    def _drip(self) -> None:
        while not self.stop.wait(self.PACE):
            for number, sock in list(self.open.items()):
                if not self._closed(sock):
                    try:
                        sock.send(b"a")
                        continue
                    except BlockingIOError:
                        continue
                    except OSError:
                        pass
                sock.close()
                self.cut[self.kind(number)] += 1
                self._start(number)

    def __enter__(self) -> "SlowClients":
        for number in range(self.count):
            self._start(number)
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop.set()
        self.thread.join(timeout=10)
        for sock in self.open.values():
            sock.close()
        assert not self.thread.is_alive(), "the slow clients' thread did not stop"

    def wait_until_cut(self, kind: str, count: int, timeout: float) -> None:
        """Wait until the server has closed `count` connections of `kind`."""
        started = time.monotonic()
        while self.cut[kind] < count:
            assert time.monotonic() - started < timeout, (
                f"in {timeout:g} s the server cut off {self.cut[kind]} of the clients "
                f"dawdling over their {kind}, not {count}")
            time.sleep(0.1)


def answer_time(url: str, timeout: float = 3) -> float:
    """Seconds until `url` has answered 200 in full (on a new connection, as a browser's)."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:
            reply.read()
            assert reply.status == 200
    except OSError as exc:
        raise AssertionError(f"{url} did not answer: {exc!r}") from exc
    return time.monotonic() - started


def warm(url: str) -> None:
    """Draw the map page once, and compile its templates in both workers: a worker busy
    compiling them accepts nothing meanwhile, so eight requests at once all but surely reach
    both."""
    answer_time(url + MAP_PAGE, timeout=60)  # the drawing goes to the shared render cache
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: answer_time(url + MAP_PAGE, timeout=60), range(8)))


def test_slow_clients_do_not_hold_up_other_requests(gunicorn):
    warm(gunicorn)
    with SlowClients(gunicorn, 50) as slow:
        for path in ("/healthz", MAP_PAGE, "/healthz", MAP_PAGE):
            assert answer_time(gunicorn + path) < 1.0, path
        # Each header dawdler is cut off once its deadline passes, and comes back at once.
        slow.wait_until_cut(HEADERS, slow.count // 2, timeout=KEEP_ALIVE + 10)
        for path in ("/healthz", MAP_PAGE):
            assert answer_time(gunicorn + path) < 1.0, path
        assert slow.thread.is_alive(), "the slow clients' thread died (its error: a warning)"
