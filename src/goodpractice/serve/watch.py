"""The live side of ``goodpractice serve``: watch the sources, rebuild, keep the last good site."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from ..content import ContentError
from ..pipeline import OutputRefused, Rebuilder, WriteFailed
from ..site import SiteError


def snapshot(folder: Path) -> tuple:
    """What changes when a file under ``folder`` is added, removed or edited."""
    entries = []
    for path in sorted(Path(folder).rglob("*")):
        try:
            stat = path.stat()
        except OSError:
            continue
        if path.is_file():
            entries.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(entries)


class Watcher(threading.Thread):
    """Polls folders for changes and calls ``rebuild`` after each change."""

    def __init__(self, folders: list[Path], rebuild: Callable[[], None], interval: float = 0.5):
        super().__init__(name="goodpractice-watch", daemon=True)
        self.folders = [Path(f) for f in folders]
        self.rebuild = rebuild
        self.interval = interval
        self.stopped = threading.Event()
        self.state = self.snapshot()

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
        while not self.stopped.wait(self.interval):
            state = self.snapshot()
            if state != self.state:
                self.state = state
                self.rebuild()

    def stop(self) -> None:
        self.stopped.set()


def rebuilder(
    content_dir: Path,
    out_dir: Path,
    site_dir: Path,
    base_iri: str | None,
    echo: Callable[[str], None],
) -> Callable[[], bool]:
    """A function that rebuilds exports and site; on failure it prints why and keeps the old site.
    After the first build, a rebuild redoes only what the edit changed (``Rebuilder``)."""
    builds = Rebuilder(content_dir, out_dir, base_iri, site_dir)

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

    return rebuild
