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
import time
from collections.abc import Iterable, Iterator, Mapping
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
            # Judged by the name alone: the folder is new and holds no links, so a name that
            # stays inside it lexically stays inside it.
            normal = PurePath(os.path.normpath(relative))
            if normal.is_absolute() or normal.drive or normal.parts[:1] == ("..",):
                raise ValueError(f"refusing to write {relative!r} outside {out_dir}")
            if normal.parts in ((), (".",)):
                raise ValueError(f"{relative!r} is not the name of a file")
            relative = normal.as_posix()
            target = staging / normal
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

    def commit(self) -> None:
        if self.old is not None:
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
