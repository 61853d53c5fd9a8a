"""``goodpractice serve``'s watcher: the system tells it of a change (inotify, through watchdog),
so an edit is seen at once, not at the next look on the clock; where it cannot tell, the
watcher looks every ``interval`` seconds. Real files, real threads."""

from __future__ import annotations

import contextlib
import os
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from goodpractice.pipeline.incremental import content_state
from goodpractice.serve.watch import Watcher

from .conftest import running_serve

NOTICE_WAIT = 20  # seconds a test waits for a rebuild that should come at once


def watched_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    (folder / "memoranda" / "m").mkdir(parents=True)
    (folder / "memoranda" / "m" / "a.md").write_text("first\n", encoding="utf-8")
    return folder


@contextlib.contextmanager
def watching(folder: Path, interval: float, observe: bool = True) -> Iterator[tuple]:
    """A watcher of ``folder`` whose rebuild sets an event; stopped on the way out."""
    rebuilt = threading.Event()
    watcher = Watcher([folder], rebuilt.set, interval)
    if not observe:  # a system that cannot tell of changes
        if watcher.observer is not None:
            watcher.observer.stop()
            watcher.observer.join()
        watcher.observer = None
    watcher.start()
    try:
        yield watcher, rebuilt
    finally:
        watcher.stop()
        watcher.join(NOTICE_WAIT)
    assert not watcher.is_alive()


def test_a_saved_edit_is_seen_at_once_when_the_system_tells_of_it(tmp_path):
    folder = watched_folder(tmp_path)
    # A look on the clock would come only after 20 minutes (20 intervals): the notice wakes it
    with watching(folder, interval=60) as (watcher, rebuilt):
        assert watcher.observer is not None
        (folder / "memoranda" / "m" / "a.md").write_text("second\n", encoding="utf-8")
        assert rebuilt.wait(NOTICE_WAIT)
        assert watcher.woken == 1


def test_reading_the_files_does_not_rebuild(tmp_path):
    folder = watched_folder(tmp_path)
    with watching(folder, interval=60) as (watcher, rebuilt):
        (folder / "memoranda" / "m" / "b.md").write_text("new\n", encoding="utf-8")
        assert rebuilt.wait(NOTICE_WAIT)  # a new file: a rebuild
        rebuilt.clear()
        for name in ("a.md", "b.md"):  # read, not written: no notice of a change
            (folder / "memoranda" / "m" / name).read_text(encoding="utf-8")
        assert not rebuilt.wait(1)
        assert watcher.woken == 1


def test_without_notices_the_watcher_looks_on_the_clock(tmp_path):
    folder = watched_folder(tmp_path)
    with watching(folder, interval=0.1, observe=False) as (watcher, rebuilt):
        (folder / "memoranda" / "m" / "a.md").unlink()
        assert rebuilt.wait(NOTICE_WAIT)
        assert watcher.woken == 0


def test_the_content_state_names_each_file_by_its_path_in_the_folder(tmp_path):
    folder = watched_folder(tmp_path)
    (folder / "publication.yaml").write_text("x: 1\n", encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "c.md").write_text("c\n", encoding="utf-8")
    os.symlink(tmp_path / "elsewhere", folder / "linked")  # a folder link is not followed
    os.utime(folder / "publication.yaml", ns=(1, 2_000_000_000))
    state = content_state(folder)
    assert sorted(state) == ["memoranda/m/a.md", "publication.yaml"]
    assert state["publication.yaml"] == (2_000_000_000, 5)
    assert state["memoranda/m/a.md"][1] == len("first\n")


def test_serve_keeps_copies_for_the_next_rebuild_and_deletes_them_when_stopped(tmp_path):
    """After a build, serve keeps hard-link copies of build/ and site/ beside them for the
    next one (staging.Spare); stopped (SIGTERM), it deletes them and leaves the state the next
    build starts from (pipeline.state)."""

    def answers(url: str) -> bool:
        urllib.request.urlopen(url + "/", timeout=2).close()
        return True

    def copies() -> list[str]:
        return sorted(p.name.split(".")[1] for p in tmp_path.iterdir()
                      if p.name.startswith(".") and p.is_dir())  # fmt: skip

    with running_serve(tmp_path, ready=answers) as (url, log):
        deadline = time.monotonic() + NOTICE_WAIT
        while copies() != ["build", "site"] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert copies() == ["build", "site"]
    assert copies() == []
    assert (tmp_path / ".build.goodpractice-state").is_file()  # for the next build
    assert "Traceback" not in Path(log.name).read_text(encoding="utf-8")
