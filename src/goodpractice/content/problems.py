"""Problems found in the content files, each with the file and line a maintainer must edit."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Location:
    path: Path
    line: int

    def __str__(self) -> str:
        return f"{display_path(self.path)}:{self.line}"


def display_path(path: Path) -> str:
    """The path as a maintainer would type it: relative to the working directory if inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class Problem:
    location: Location | None
    message: str
    # A root cause (a file or folder missing, unreadable): listed before the problems it may
    # have caused, whatever their files.
    root: bool = False

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class ContentError(Exception):
    """One or more problems in the content files; nothing may be built from them.

    ``unreadable`` is true when a file could not be read at all (missing, not UTF-8, not YAML),
    as opposed to read but inconsistent: the CLI exits 2 for the first, 1 for the second.
    Problems are listed root causes first, then by file and line; each is listed once.
    """

    def __init__(self, problems: list[Problem], unreadable: bool = False):
        self.unreadable = unreadable
        unique = list(dict.fromkeys((p.location, p.message, p.root) for p in problems))
        self.problems = [
            Problem(location, message, root)
            for location, message, root in sorted(
                unique,
                key=lambda p: (not p[2], p[0] is None, p[0] or Location(Path(), 0)),
            )
        ]
        super().__init__("\n".join(str(p) for p in self.problems))
