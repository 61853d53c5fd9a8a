"""A second process for the site's per-page work: the second core's share of a large site.

The check runs beside the exports (``check.background``); by the time the site is written it
is over, and the second core would sit idle while this process writes tens of thousands of
pages. ``Worker`` hands it work one item at a time. It is a process of its own, started
afresh (``python -m goodpractice.site.worker``), not forked: a fork would share this
process's memory, and every page either process then wrote to would be copied (at 10,000
practices, hundreds of megabytes). It takes work only while it keeps up: with more than
``BACKLOG`` items waiting, this process does the next item itself.

The result does not depend on it: each item's value is a pure function of the item, and where
the worker gives no value for an item (it stopped, failed, or could not start), the function
is run here for it, so that the bytes written are the same, and an error is raised here.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib
import mmap
import os
import pickle
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

BACKLOG = 16  # items sent and not yet done, past which this process does the next one itself
PIPE_SIZE = 1 << 20  # the pipe to the worker holds this many bytes of items, where Linux lets it
COUNT = struct.Struct("<q")  # items done, as the worker counts them in the shared page


class Worker:
    """``function(item, context)`` for the items sent, in a second process, each value written
    to a file as it is made; ``results()`` gives them in the order sent. ``function`` is named
    by module and attribute (it is imported there); ``context`` is sent with ``set_context``
    and kept there until the next."""

    started = 0  # workers that gave every value (a test tells the second process ran)

    def __init__(self, module: str, name: str, folder: Path | None = None):
        """``folder``: where its files go (a folder of theirs is made in it)."""
        self.function: Callable = getattr(importlib.import_module(module), name)
        self.context = None
        self.items: list = []  # sent, in order: done here again if the worker fails
        self.folder = Path(tempfile.mkdtemp(prefix="goodpractice-worker-", dir=folder))
        (self.folder / "count").write_bytes(bytes(COUNT.size))
        count = open(self.folder / "count", "r+b")  # noqa: SIM115 - mapped, closed in close()
        self.count = mmap.mmap(count.fileno(), COUNT.size)
        count.close()
        self.process: subprocess.Popen | None = None
        try:
            self.process = subprocess.Popen(
                # -P: nothing imported from the folder it runs in (a jinja2.py there)
                [sys.executable, "-P", "-m", __name__, module, name, str(self.folder),
                 str(os.getpid())],
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
        except OSError:  # no second process (no interpreter to start, no process left)
            return
        set_size = getattr(fcntl, "F_SETPIPE_SZ", None)  # Linux's alone
        if set_size is not None:
            with contextlib.suppress(OSError):  # not allowed: the pipe stays as it was
                fcntl.fcntl(self.process.stdin.fileno(), set_size, PIPE_SIZE)

    def free(self) -> bool:
        """Whether the worker keeps up: a next item sent would not wait long."""
        if self.process is None:
            return False
        return len(self.items) - COUNT.unpack(self.count)[0] < BACKLOG

    def set_context(self, context) -> None:
        self.context = context
        self.send(("context", context))

    def run(self, item) -> None:
        """``item`` to the worker: its value is among ``results()``."""
        self.items.append((item, self.context))
        self.send(("item", item))

    def send(self, message) -> None:
        if self.process is None:
            return
        try:
            pickle.dump(message, self.process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):  # the worker stopped: results() does its items here
            self.stop()

    def results(self) -> list:
        """The value of each item sent, in order: the worker's, or made here."""
        values: list = []
        try:
            if self.process is not None:
                with contextlib.suppress(OSError):  # the worker stopped: its pipe is broken
                    self.process.stdin.close()
                if self.process.wait() == 0:
                    values = read_values(self.folder / "values", len(self.items))
            if len(values) == len(self.items) and self.items:
                Worker.started += 1
            for item, context in self.items[len(values) :]:
                values.append(self.function(item, context))
        finally:
            self.close()
        return values

    def stop(self) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait()
            if self.process.stdin is not None:
                with contextlib.suppress(OSError):  # the pipe was broken: nothing to flush
                    self.process.stdin.close()
            self.process = None

    def close(self) -> None:
        """Stop the worker and remove its files (again: nothing more to do)."""
        self.stop()
        if not self.count.closed:
            self.count.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def read_values(path: Path, count: int) -> list:
    """The values the worker wrote, one pickle each (fewer, if it stopped short)."""
    values: list = []
    try:
        with open(path, "rb") as file:
            while len(values) < count:
                values.append(pickle.load(file))
    except (OSError, EOFError, pickle.UnpicklingError):  # no file, or cut short (tested)
        return values
    return values


def main(module: str, name: str, folder: str, parent: str) -> int:
    """The worker: items from standard input, each value to ``folder``/values as it is made,
    the count of values in ``folder``/count; while its ``parent`` (the build) lives."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    function = getattr(importlib.import_module(module), name)
    context, done = None, 0
    with open(Path(folder) / "count", "r+b") as count_file:
        count = mmap.mmap(count_file.fileno(), COUNT.size)
    source = sys.stdin.buffer
    try:
        with open(Path(folder) / "values", "wb") as values:
            while True:
                try:
                    kind, payload = pickle.load(source)
                except EOFError:
                    return 0
                if os.getppid() != int(parent):  # the build was killed: no page is wanted
                    return 1
                if kind == "context":
                    context = payload
                    continue
                pickle.dump(function(payload, context), values, protocol=pickle.HIGHEST_PROTOCOL)
                done += 1
                COUNT.pack_into(count, 0, done)
    except Exception:  # noqa: BLE001 - the parent runs the rest itself and raises the error there
        return 1
    finally:
        count.close()


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
