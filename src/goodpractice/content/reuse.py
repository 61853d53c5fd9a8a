"""What a rebuild's ``load_content`` reuses of the last one (``pipeline.incremental.Reuse``
holds it): the memoranda read before, by folder, each kept with the state of its files
(``load.reused``), what the rules found in each alone (``rules.RuleMemory``), and the look at
the content the rebuild started from, which tells most folders unchanged without a second look
at their files."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from .rules import RuleMemory


class ReadBefore(dict):
    """Folder → (its state when read: ``load.folder_state``, the memorandum read)."""

    def __init__(self):
        super().__init__()
        self.rules = RuleMemory()
        self.counts: Counter = Counter()  # "unchanged": folders told so by the look
        self.root: Path | None = None
        self.look: dict | None = None  # ``incremental.content_state`` of ``root``
        self.folders: dict | None = None  # memorandum folder name → its files in ``look``

    def looked(self, root: Path | None, look: dict | None) -> None:
        """The content folder as a rebuild saw it before this load (``content_state``: its
        files by path, each with its time of change and size); None: no look, or it is over
        (a look is for the load that follows it only)."""
        self.root, self.look, self.folders = root, look, None

    def unchanged(self, folder: Path, state: tuple) -> bool:
        """Whether the look shows ``folder`` as ``state`` (``folder_state``) recorded it: the
        same files, each with the same time and size, and no folder but theirs (a link to a
        folder, which the look does not enter, is not one of theirs). Else: not known."""
        if self.look is None or folder.parent != self.root / "memoranda":
            return False
        if self.folders is None:
            self.folders = {}
            for name, stat in self.look.items():
                top, _, rest = name.partition("/")
                if top == "memoranda" and "/" in rest:
                    memo, _, inside = rest.partition("/")
                    self.folders.setdefault(memo, {})[inside] = stat
        files = self.folders.get(folder.name)
        if not files or "memorandum.yaml" not in files:
            return False
        folders = {part for name in files for part in parents(name)}
        prefix, seen = os.fspath(folder) + os.sep, 0
        for path, mtime, size in state:
            if not path.startswith(prefix):
                return False
            inside = path[len(prefix) :]
            found = files.get(inside)
            if found is None and inside not in folders:
                return False
            if found is not None:
                if found != (mtime, size):
                    return False
                seen += 1
        if seen != len(files):
            return False
        self.counts["unchanged"] += 1
        return True


def parents(name: str) -> list[str]:
    """The folders a relative path is in: ``a/b/c.md`` → ``a/b``, ``a``."""
    found = []
    while "/" in name:
        name = name.rsplit("/", 1)[0]
        found.append(name)
    return found
