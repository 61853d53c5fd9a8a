"""Writing a folder all at once: files go to a staging folder beside the target, which then
takes the target's place in one rename.

A staging folder (``.build.x1y2z3w4``, ``.site.build.…``, ``.site.old.…``) holds a lock file
naming the process that made it. A build killed before it could clean up leaves its staging
folders behind; the next build removes those whose process is gone, and never one whose build
is still running (``serve`` rebuilding while ``build`` runs).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath

# Written into every folder the build replaces: it lets the next build recognise the folder
# as its own output. A dotfile, so that it is no page and no export a reader sees.
MARKER = ".goodpractice-output"
MARKER_TEXT = b"Written by goodpractice build; replaced as a whole by the next build.\n"
LOCK = ".goodpractice-lock"
# Staging folders from before the lock existed are removed once they are this old.
UNLOCKED_AGE = 3600.0


class StagedFiles(Mapping[str, bytes]):
    """Files written under a folder, by relative path. Only their sizes are kept in memory: a
    file's bytes are read from disk when asked for, and ``path`` lets a copy be a hard link."""

    def __init__(self, root: Path, sizes: dict[str, int]):
        self.root = root
        self.sizes = sizes

    def __getitem__(self, name: str) -> bytes:
        if name not in self.sizes:
            raise KeyError(name)
        return (self.root / name).read_bytes()

    def __contains__(self, name: object) -> bool:
        return name in self.sizes

    def __iter__(self) -> Iterator[str]:
        return iter(self.sizes)

    def __len__(self) -> int:
        return len(self.sizes)

    def size(self, name: str) -> int:
        return self.sizes[name]

    def path(self, name: str) -> Path:
        return self.root / name


# --------------------------------------------------------------------------------------------
# Staging folders and their locks


def process_token(pid: int) -> str:
    """The process's start time (from /proc), so that a reused PID is not taken for it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "-"
    return stat.rsplit(")", 1)[-1].split()[19]  # field 22: start time since boot


def process_running(pid: int, token: str) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: running
        return True
    return token == "-" or process_token(pid) in ("-", token)


def new_staging_dir(target: Path, kind: str = "") -> Path:
    """A new, locked staging folder beside ``target``: ``.<name>.<kind>.<random>``."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{target.name}.{kind + '.' if kind else ''}"
    staging = Path(tempfile.mkdtemp(prefix=prefix, dir=target.parent)).resolve()
    pid = os.getpid()
    (staging / LOCK).write_text(f"{pid} {process_token(pid)}\n", encoding="ascii")
    return staging


def abandoned(folder: Path) -> bool:
    """Whether ``folder`` is a staging folder whose build is no longer running."""
    try:
        pid, token = (folder / LOCK).read_text(encoding="ascii").split()
        return not process_running(int(pid), token)
    except FileNotFoundError:
        # Unlocked: made before locks existed, or a moment ago (between mkdtemp and the lock).
        try:
            return time.time() - folder.stat().st_mtime > UNLOCKED_AGE
        except OSError:
            return False
    except (OSError, ValueError):
        return False


def remove_abandoned(target: Path) -> list[Path]:
    """Remove the staging folders beside ``target`` left by builds that are no longer running;
    return them. A killed swap's ``.old`` folder is put back if ``target`` went missing."""
    target = Path(target)
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(?:build\.|old\.)?[a-z0-9_]{{8}}")
    removed = []
    try:
        siblings = sorted(target.parent.iterdir())
    except OSError:
        return removed
    for folder in siblings:
        if not pattern.fullmatch(folder.name) or not folder.is_dir() or folder.is_symlink():
            continue
        if not abandoned(folder):
            continue
        kept = folder / target.name
        if ".old." in folder.name and kept.is_dir() and not target.exists():
            os.replace(kept, target)
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


# --------------------------------------------------------------------------------------------
# Writing and swapping


def write_file(target: Path, data: bytes) -> None:
    """Every staged file is written here (a fault injected here is a full disk)."""
    target.write_bytes(data)


def safe_relative(relative: str, out_dir: Path) -> str:
    """A file's name under an output folder, normalised; refused if it would leave the folder.
    Judged by the name alone: a staging folder is new and holds no links of ours, so a name
    that stays inside it lexically stays inside it."""
    normal = PurePath(os.path.normpath(relative))
    if normal.is_absolute() or normal.drive or normal.parts[:1] == ("..",):
        raise ValueError(f"refusing to write {relative!r} outside {out_dir}")
    if normal.parts in ((), (".",)):
        raise ValueError(f"{relative!r} is not the name of a file")
    return normal.as_posix()


def stage_tree(
    out_dir: Path, files: Mapping[str, bytes] | Iterable[tuple[str, bytes]]
) -> StagedFiles:
    """Write files (a mapping, or (path, bytes) pairs as they are made) into a new staging
    folder beside ``out_dir``; return them there, not yet in place."""
    out_dir = Path(out_dir)
    staging = new_staging_dir(out_dir)
    pairs = sorted(files.items()) if isinstance(files, Mapping) else files
    sizes: dict[str, int] = {}
    made: set[Path] = {staging}
    try:
        for relative, data in pairs:
            relative = safe_relative(relative, out_dir)
            target = staging / relative
            if relative in sizes or relative == LOCK:
                raise ValueError(f"two exports would be written to {relative!r}")
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            write_file(target, data)
            sizes[relative] = len(data)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return StagedFiles(staging, sizes)


class Swap:
    """``new`` put in the place of ``target``; the old folder is kept until ``commit``, so
    that ``undo`` can put it back if a later step fails."""

    def __init__(self, new: Path, target: Path):
        self.target = Path(target)
        self.old: Path | None = None
        new = Path(new)
        (new / LOCK).unlink(missing_ok=True)
        if not (new / MARKER).exists():
            write_file(new / MARKER, MARKER_TEXT)
        os.chmod(new, 0o755)
        if self.target.exists() or self.target.is_symlink():
            self.old = new_staging_dir(self.target, "old")
            moved = False
            try:
                os.replace(self.target, self.old / self.target.name)
                moved = True
                os.replace(new, self.target)
            except BaseException:
                if moved:
                    os.replace(self.old / self.target.name, self.target)
                shutil.rmtree(self.old, ignore_errors=True)
                self.old = None
                raise
        else:
            os.replace(new, self.target)

    def commit(self, background: bool = False) -> None:
        """Delete the old folder; ``background``: in a thread, so that a server shows the new
        one at once (if the process ends first, the next build removes what is left)."""
        if self.old is not None:
            if background:
                threading.Thread(target=shutil.rmtree, args=(self.old, True), daemon=True).start()
            else:
                shutil.rmtree(self.old, ignore_errors=True)
            self.old = None

    def undo(self) -> None:
        """Put the old folder back (the new one is deleted); without one, remove the new."""
        if self.old is not None:
            gone = new_staging_dir(self.target, "old")
            os.replace(self.target, gone / self.target.name)
            os.replace(self.old / self.target.name, self.target)
            shutil.rmtree(self.old, ignore_errors=True)
            shutil.rmtree(gone, ignore_errors=True)
            self.old = None
        else:
            shutil.rmtree(self.target, ignore_errors=True)


def replace_dir(new: Path, target: Path) -> None:
    """Move ``new`` to ``target``, replacing what was there only once ``new`` is complete."""
    Swap(new, target).commit()


# --------------------------------------------------------------------------------------------
# Staging over the last output: a rebuild rewrites only what changed


def link_tree(source: Path, target: Path) -> dict[str, int]:
    """``source``'s folders made again under ``target``, its files hard-linked (copied where
    links are not possible); the relative names of the files, with their sizes. (Strings, not
    paths: this runs for every file of a site.)"""
    sizes: dict[str, int] = {}
    stack = [("", str(source), str(target))]
    while stack:
        relative, here, there = stack.pop()
        with os.scandir(here) as entries:
            for entry in entries:
                name = f"{relative}{entry.name}"
                if entry.is_dir(follow_symlinks=False):
                    os.mkdir(os.path.join(there, entry.name))
                    stack.append((f"{name}/", entry.path, os.path.join(there, entry.name)))
                elif entry.name != LOCK:
                    made = os.path.join(there, entry.name)
                    try:
                        os.link(entry.path, made)
                    except OSError:  # another file system, or no hard links: a copy
                        shutil.copyfile(entry.path, made)
                    sizes[name] = entry.stat(follow_symlinks=False).st_size
    return sizes


class Spare:
    """A hard-link copy of an output folder (``link_tree``), made in a thread while nothing
    else is asked of the process, for the next ``stage_over`` of that folder to start from
    (``goodpractice serve`` between two edits: the copy of a large site takes seconds). Used
    only if the folder is still the one it was copied from; else deleted."""

    used = 0  # copies a staging started from (a test tells the spare was used)

    def __init__(self, target: Path):
        self.target = Path(target)
        self.identity = folder_identity(self.target)
        self.folder = new_staging_dir(self.target)
        self.sizes: dict[str, int] | None = None
        self.thread = threading.Thread(target=self.make, name="goodpractice-spare", daemon=True)
        self.thread.start()

    def make(self) -> None:
        try:
            self.sizes = link_tree(self.target, self.folder)
        except OSError:  # the folder changed or the disk is full: no spare
            self.sizes = None

    def take(self) -> tuple[Path, dict[str, int]] | None:
        """The copy and its files' sizes, if it is complete and still a copy of the folder."""
        self.thread.join()
        if self.sizes is None or folder_identity(self.target) != self.identity:
            self.discard()
            return None
        Spare.used += 1
        return self.folder, self.sizes

    def discard(self) -> None:
        self.thread.join()
        shutil.rmtree(self.folder, ignore_errors=True)


SPARES: dict[Path, Spare] = {}  # output folder → the copy made for its next staging
SPARES_LOCK = threading.Lock()


def prepare_spare(target: Path) -> None:
    """Start a hard-link copy of ``target`` for its next ``stage_over``, unless one of the
    folder as it is now is ready or being made."""
    target = Path(target).resolve()
    with SPARES_LOCK:
        spare = SPARES.get(target)
        if spare is not None and spare.identity == folder_identity(target):
            return
    discard_spare(target)
    if target.is_dir():
        with SPARES_LOCK:
            SPARES[target] = Spare(target)


def wait_for_spare(target: Path) -> None:
    """Wait until the copy being made for ``target``, if any, is made."""
    with SPARES_LOCK:
        spare = SPARES.get(Path(target).resolve())
    if spare is not None:
        spare.thread.join()


def take_spare(target: Path) -> tuple[Path, dict[str, int]] | None:
    with SPARES_LOCK:
        spare = SPARES.pop(Path(target).resolve(), None)
    return spare.take() if spare is not None else None


def discard_spare(target: Path) -> None:
    with SPARES_LOCK:
        spare = SPARES.pop(Path(target).resolve(), None)
    if spare is not None:
        spare.discard()


def folder_identity(folder: Path) -> tuple[int, int] | None:
    try:
        stat = os.stat(folder)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


@dataclass
class Staged:
    """A staged folder: its files, which of them were rewritten, and which removed."""

    files: StagedFiles
    rewritten: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def stage_over(out_dir: Path, pairs: Iterable[tuple[str, bytes]], kept: set[str] | None) -> Staged:
    """The new contents of ``out_dir`` in a staging folder beside it, starting from a copy of
    ``out_dir`` made of hard links: each (path, bytes) is written only if the old file's bytes
    differ; of the old files, those in ``kept`` (all, if None) stay and every other one not
    made is removed. Starts from the spare copy made for ``out_dir`` (``prepare_spare``),
    if one is ready."""
    out_dir = Path(out_dir)
    spare = take_spare(out_dir)
    folder = spare[0] if spare is not None else new_staging_dir(out_dir)
    sizes: dict[str, int] = {}
    try:
        if spare is None:
            spare = folder, link_tree(out_dir, folder) if out_dir.is_dir() else {}
        old = spare[1]
        staged = Staged(StagedFiles(folder, sizes))
        for relative, data in pairs:
            relative = safe_relative(relative, out_dir)
            if relative in sizes or relative == LOCK:
                raise ValueError(f"two exports would be written to {relative!r}")
            target = folder / relative
            sizes[relative] = len(data)
            if old.get(relative) == len(data) and target.read_bytes() == data:
                continue
            target.unlink(missing_ok=True)  # a link to the last build's file: never write it
            target.parent.mkdir(parents=True, exist_ok=True)
            write_file(target, data)
            staged.rewritten.append(relative)
        for relative in sorted(old.keys() - sizes.keys()):
            if kept is None or relative in kept or relative == MARKER:
                sizes[relative] = old[relative]
                continue
            (folder / relative).unlink()
            staged.removed.append(relative)
        prune_empty(folder, staged.removed)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return staged


def prune_empty(root: Path, removed: list[str]) -> None:
    """Remove the folders the removed files leave empty (a clean build has no empty folder)."""
    for relative in removed:
        folder = (root / relative).parent
        while folder != root:
            try:
                folder.rmdir()
            except OSError:  # not empty
                break
            folder = folder.parent
