"""Which folders a build may replace: the guard run before anything is written.

A build replaces ``--out`` and ``--site-dir`` as a whole, so a wrong path would delete what
is there. A folder is replaced only if it is missing, empty or an output of this tool (its
marker file, or for an output written before the marker existed, its own files); never the
content, the publication's own files, the home folder or the root.
"""

from __future__ import annotations

from pathlib import Path

from ..content import display_path
from ..staging import MARKER

# The publication's own files: a folder holding one of them is the project, not an output.
PUBLICATION_FILES = ("publication.yaml", "mkdocs.yml", "ontology")
# What an output written before the marker existed is recognised by.
OUTPUT_SIGNATURES = (
    ("dataset.ttl", "context.jsonld", "shapes.ttl"),  # build/
    ("index.html", "404.html", "search/search_index.json"),  # site/
)


class OutputRefused(Exception):
    """A folder given as an output that the build must not replace (a usage error)."""

    def __init__(self, option: str, folder: Path, reason: str):
        super().__init__(option, folder, reason)
        self.option, self.folder, self.reason = option, Path(folder), reason

    def __str__(self) -> str:
        shown = display_path(self.folder)
        shown += "" if shown.endswith("/") else "/"
        return f"refusing to replace {self.option} {shown}: {self.reason}; nothing was written."


def is_output(folder: Path) -> bool:
    """Whether ``folder`` is a previous output of this tool."""
    if (folder / MARKER).is_file():
        return True
    return any(all((folder / name).is_file() for name in names) for names in OUTPUT_SIGNATURES)


def inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def refusal(folder: Path, content_dir: Path) -> str | None:
    """Why ``folder`` must not be replaced, or None if it may be."""
    folder = folder.resolve()
    content = content_dir.resolve()
    if folder == Path(folder.anchor):
        return "it is the root of the file system"
    if folder == Path.home().resolve():
        return "it is your home folder"
    if folder == content:
        return "it is the content folder"
    if inside(content, folder):
        return f"it holds the content folder {display_path(content_dir)}/"
    if inside(folder, content):
        return f"it is inside the content folder {display_path(content_dir)}/"
    if not folder.exists():
        return None
    if not folder.is_dir():
        return "it is a file"
    for name in PUBLICATION_FILES:
        if (folder / name).exists():
            return f"it holds {name}, a file of the publication"
    if is_output(folder) or not any(folder.iterdir()):
        return None
    return f"it holds files that goodpractice did not write (its outputs have {MARKER})"


def check_outputs(content_dir: Path, out_dir: Path, site_dir: Path | None) -> None:
    """Raise OutputRefused if the build must not replace ``out_dir`` or ``site_dir``."""
    folders = [("--out", Path(out_dir))] + ([("--site-dir", Path(site_dir))] if site_dir else [])
    for option, folder in folders:
        reason = refusal(folder, Path(content_dir))
        if reason:
            raise OutputRefused(option, folder, reason)
    if site_dir is not None:
        out, site = Path(out_dir).resolve(), Path(site_dir).resolve()
        if out == site:
            raise OutputRefused("--out", out_dir, "it is also --site-dir")
        if inside(out, site):
            raise OutputRefused("--out", out_dir, "it is inside --site-dir")
        if inside(site, out):
            raise OutputRefused("--out", out_dir, "it holds --site-dir")
