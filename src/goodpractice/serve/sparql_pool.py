"""The worker processes behind ``/sparql``: a small pool, each worker holding the dataset.

pyoxigraph cannot cancel a query, so a query runs in a worker process (``sparql_worker.py``,
started as a script) and the server waits for its answer at most until the query's deadline.
A worker that misses it is killed and replaced, and the request is answered 503; the other
workers go on serving. Before a query, a worker whose data is not the current build's (its
``key`` differs) loads the current build first, so the endpoint follows rebuilds without a
restart; loading is not counted against the query's time limit.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import select
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..vocab import PREFIXES
from .sparql_worker import FRAME

# The prefixes of Turtle answers: the dataset's own.
TURTLE_PREFIXES = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}

WORKER_SCRIPT = Path(__file__).with_name("sparql_worker.py")
LOAD_TIMEOUT = 600.0  # seconds a worker may take to load a build (not counted as query time)


class TimedOut(Exception):
    """The worker did not answer before the deadline; it has been killed and replaced."""


class Busy(Exception):
    """No worker became free before the deadline."""


class WorkerFailed(Exception):
    """The worker died or answered something unreadable; it has been replaced."""


@dataclass(frozen=True)
class Data:
    """The build a query runs over: its N-Triples file, the release's graph IRI, and a key
    that changes whenever a rebuild replaces the file."""

    path: str
    graph: str
    key: tuple


class WorkerProcess:
    def __init__(self):
        self.process = subprocess.Popen(
            [sys.executable, "-I", str(WORKER_SCRIPT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
        )
        self.key: tuple | None = None

    def call(self, header: dict, deadline: float) -> tuple[dict, bytes]:
        encoded = json.dumps(header).encode("utf-8")
        try:
            self.process.stdin.write(FRAME.pack(len(encoded), 0) + encoded)
            self.process.stdin.flush()
        except OSError as error:
            raise WorkerFailed(f"the query worker is gone ({error})") from error
        header_size, body_size = FRAME.unpack(self.read(FRAME.size, deadline))
        answer = json.loads(self.read(header_size, deadline))
        return answer, self.read(body_size, deadline)

    def read(self, size: int, deadline: float) -> bytes:
        fd = self.process.stdout.fileno()
        chunks, remaining = [], size
        while remaining:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                raise TimedOut
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                raise WorkerFailed(f"the query worker stopped (exit status {self.process.poll()})")
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                stream.close()


class Pool:
    """``size`` worker processes, started on first use; each query borrows one."""

    def __init__(self, size: int = 2):
        self.size = size
        self.idle: queue.Queue[WorkerProcess] = queue.Queue()
        self.lock = threading.Lock()
        self.workers: set[WorkerProcess] = set()
        self.started = False
        self.closed = False
        self.replaced = 0  # workers killed and replaced (a timeout, a crash): for tests

    def start(self) -> None:
        with self.lock:
            if self.started or self.closed:
                return
            self.started = True
            for _ in range(self.size):
                self.add()

    def add(self) -> None:
        worker = WorkerProcess()
        self.workers.add(worker)
        self.idle.put(worker)

    def run(self, request: dict, data: Data, timeout: float) -> tuple[dict, bytes]:
        """The worker's answer to ``request`` over ``data``; TimedOut, Busy or WorkerFailed
        when there is none within ``timeout`` seconds."""
        self.start()
        deadline = time.monotonic() + timeout
        try:
            worker = self.idle.get(timeout=max(timeout, 0.001))
        except queue.Empty:
            raise Busy from None
        try:
            if worker.key != data.key:
                load = {"path": data.path, "graph": data.graph, "key": list(data.key),
                        "prefixes": TURTLE_PREFIXES}  # fmt: skip
                loaded, _ = worker.call({"load": load}, time.monotonic() + LOAD_TIMEOUT)
                if not loaded.get("ok"):
                    self.idle.put(worker)
                    return loaded, b""
                worker.key = data.key
                deadline = time.monotonic() + timeout  # the load is not query time
            answer = worker.call(request, deadline)
        except (TimedOut, WorkerFailed, ValueError):
            self.replace(worker)
            raise
        self.idle.put(worker)
        return answer

    def replace(self, worker: WorkerProcess) -> None:
        worker.kill()
        with self.lock:
            self.workers.discard(worker)
            self.replaced += 1
            if not self.closed:
                self.add()

    def close(self) -> None:
        with self.lock:
            self.closed = True
            workers, self.workers = list(self.workers), set()
        for worker in workers:
            worker.kill()
