"""The live side of ``goodpractice serve``: watch the sources, rebuild, keep the last good site."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from ..content import ContentError
from ..pipeline import OutputRefused, Rebuilder, WriteFailed
from ..pipeline.incremental import content_state
from ..site import SiteError


def snapshot(folder: Path) -> tuple:
    """What changes when a file under ``folder`` is added, removed or edited."""
    return tuple(sorted(content_state(folder).items()))


# What the system tells of that can change a file (not a file opened or read: a build reads them)
CHANGES = frozenset({"created", "deleted", "modified", "moved", "closed"})
# Editors save in steps (a temporary file, then a rename): the look waits for the last of them
SETTLE = 0.05
# With the system telling of changes, a look on the clock too, in case it missed one (a folder
# replaced whole, a file system that does not tell)
SAFETY_LOOKS = 20  # intervals


class Wake(FileSystemEventHandler):
    """Sets ``event`` when the system says a watched file changed."""

    def __init__(self, event: threading.Event):
        super().__init__()
        self.event = event

    def on_any_event(self, event) -> None:
        if event.event_type in CHANGES:
            self.event.set()


class Watcher(threading.Thread):
    """Calls ``rebuild`` after each change to a file under ``folders``. The system tells of a
    change (inotify, through watchdog) and the watcher looks at once; where it cannot, the
    watcher looks every ``interval`` seconds."""

    def __init__(self, folders: list[Path], rebuild: Callable[[], None], interval: float = 0.5):
        super().__init__(name="goodpractice-watch", daemon=True)
        self.folders = [Path(f) for f in folders]
        self.rebuild = rebuild
        self.interval = interval
        self.stopped = threading.Event()
        self.changed = threading.Event()
        self.state = self.snapshot()
        self.observer = self.observe()
        self.woken = 0  # looks the system's notice started (a test tells the notices work)

    def observe(self) -> BaseObserver | None:
        """An observer that sets ``changed`` on every change it is told of; None if the system
        cannot tell (the watcher then only looks on the clock)."""
        observer = Observer()
        handler = Wake(self.changed)
        try:
            for folder in self.folders:
                if folder.is_dir():
                    observer.schedule(handler, str(folder), recursive=True)
                elif folder.parent.is_dir():  # a file: its folder, not the folders below
                    observer.schedule(handler, str(folder.parent), recursive=False)
            observer.daemon = True
            observer.start()
        except OSError:  # no inotify, or its limit on watches reached
            return None
        return observer

    def snapshot(self) -> tuple:
        state = []
        for f in self.folders:
            try:
                if f.is_dir():
                    state.append(snapshot(f))
                elif f.exists():
                    stat = f.stat()
                    state.append(((str(f), stat.st_mtime_ns, stat.st_size),))
            except OSError:  # removed while we looked: the next look sees the change
                state.append(())
        return tuple(state)

    def run(self) -> None:
        wait = self.interval * (SAFETY_LOOKS if self.observer is not None else 1)
        while not self.stopped.is_set():
            told = self.changed.wait(wait)
            if self.stopped.is_set():
                break
            if told:
                self.stopped.wait(SETTLE)
                self.changed.clear()
            state = self.snapshot()
            if state != self.state:
                self.woken += told
                self.state = state
                self.rebuild()

    def stop(self) -> None:
        self.stopped.set()
        self.changed.set()
        if self.observer is not None:
            self.observer.stop()
            self.observer.join()


def rebuilder(
    content_dir: Path,
    out_dir: Path,
    site_dir: Path,
    base_iri: str | None,
    echo: Callable[[str], None],
    watching: bool = True,
) -> Callable[[], bool]:
    """A function that rebuilds exports and site; on failure it prints why and keeps the old site.
    After the first build, a rebuild redoes only what the edit changed (``Rebuilder``); while
    ``watching``, it keeps copies of the output for the next rebuild (its ``close`` deletes
    them)."""
    builds = Rebuilder(content_dir, out_dir, base_iri, site_dir, spares=watching)

    def rebuild() -> bool:
        started = time.perf_counter()
        try:
            built = builds()
        except ContentError as error:
            for problem in error.problems:
                echo(str(problem))
            echo(
                f"goodpractice serve: the rebuild failed ({len(error.problems)} problem(s)); "
                "still serving the last good site."
            )
            return False
        except SiteError as error:
            echo(
                f"goodpractice serve: the site could not be built; still serving the last good site:\n{error}"
            )
            return False
        except (OutputRefused, WriteFailed) as error:
            detail = error if isinstance(error, OutputRefused) else error.error
            echo(
                f"goodpractice serve: the rebuild failed ({detail}); still serving the last good site."
            )
            return False
        except Exception as error:  # noqa: BLE001 - keep serving whatever goes wrong
            echo(
                f"goodpractice serve: the rebuild failed ({type(error).__name__}: {error}); "
                "still serving the last good site."
            )
            return False
        seconds = time.perf_counter() - started
        if built.rewritten is None:
            echo(f"Rebuilt in {seconds:.1f} s.")
        else:
            echo(f"Rebuilt in {seconds:.1f} s ({len(built.rewritten)} data files rewritten).")
        return True

    rebuild.close = builds.close
    return rebuild
