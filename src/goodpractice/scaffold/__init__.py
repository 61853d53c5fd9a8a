"""``goodpractice new DIR``: lay out a publication folder that validates and builds at once.

What it writes (the files are in ``files/``, filled in from the options):

- ``content/publication.yaml``: title, description, publisher, base IRI, licence, today's date;
- ``content/catalogue/organisations.yaml``: the GCTF, and the publisher if it is another body;
- ``content/catalogue/documents.yaml``: no entry yet, commented examples;
- ``content/memoranda/README.md``: no memorandum yet, the layout of one with examples;
- ``mkdocs.yml``: the site's name, merged over the packaged default (``site/config.py``).

Nothing is written unless every option is valid and the folder is new or empty; the files are
written to a staging folder beside it and moved into place at once.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from string import Template

from ..content import display_path
from ..content.values import iri_error, is_base_iri

FILES = Path(__file__).resolve().parent / "files"
TITLE = "Good Practices as Linked Data"
PUBLISHER = "The editors of this edition"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
GCTF = ("org/gctf", ("global counterterrorism forum", "gctf"))
PLACEHOLDER_HOST = "https://example.org/"

# What goes where: the publication folder's path ← the file of files/.
LAYOUT = {
    "content/publication.yaml": "publication.yaml",
    "content/catalogue/organisations.yaml": "organisations.yaml",
    "content/catalogue/documents.yaml": "documents.yaml",
    "content/memoranda/README.md": "memoranda-README.md",
    "mkdocs.yml": "mkdocs.yml",
}


class ScaffoldError(Exception):
    """An option or the folder is not usable; nothing was written."""


@dataclass
class NewPublication:
    folder: Path
    base_iri: str
    placeholder_iri: bool  # the default base IRI, under example.org: to change before publishing
    files: list[str]


def slug(text: str) -> str:
    """Lower-case ASCII letters, digits and hyphens: a key segment made from a name."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is YAML's)."""
    return json.dumps(text, ensure_ascii=False)


def publisher_of(name: str) -> tuple[str, str]:
    """The publisher's catalogue key, and its entry for organisations.yaml ('' for the GCTF,
    which is there already)."""
    key, names = GCTF
    if name.strip().lower() in names:
        return key, ""
    segment = slug(name)
    if not segment:
        raise ScaffoldError(
            f"--publisher {name!r}: the name needs letters or digits (its key is made from them)."
        )
    if f"org/{segment}" == key:
        segment += "-publisher"
    entry = f"\n- id: org/{segment}\n  label: {quoted(' '.join(name.split()))}\n"
    return f"org/{segment}", entry


def rights_of(license_iri: str) -> str:
    licence = "CC BY 4.0" if license_iri == CC_BY else f"the licence {license_iri}"
    return (
        "The text of each memorandum is its publisher's, reproduced verbatim for reference. "
        f"The encoding (the data, its model and the catalogue) is released under {licence}."
    )


def files_for(title: str, publisher: str, base_iri: str, license_iri: str, today: dt.date):
    """Each file of the new publication: its path in the folder and its text."""
    publisher_key, publisher_entry = publisher_of(publisher)
    description = (
        "Good-practice memoranda published as linked data: every practice, footnote and "
        "citation with a stable IRI, the official text kept verbatim."
    )
    values = {
        "base_iri": base_iri,
        "title": quoted(title),
        "description": quoted(description),
        "today": today.isoformat(),
        "publisher": publisher_key,
        "publisher_entry": publisher_entry,
        "rights": quoted(rights_of(license_iri)),
        "license": license_iri,
    }
    for target, name in LAYOUT.items():
        text = Template((FILES / name).read_text(encoding="utf-8")).substitute(values)
        yield target, text.rstrip("\n") + "\n"


def new_publication(
    folder: Path,
    title: str = TITLE,
    publisher: str = PUBLISHER,
    base_iri: str | None = None,
    license_iri: str = CC_BY,
    today: dt.date | None = None,
) -> NewPublication:
    """Write a new publication into ``folder`` (new, or empty). Raises ScaffoldError, having
    written nothing, if an option or the folder is not usable."""
    folder = Path(folder)
    where = f"{display_path(folder)}/"
    if folder.exists() and not folder.is_dir():
        raise ScaffoldError(f"{display_path(folder)} is a file; nothing was written.")
    if folder.is_dir() and any(folder.iterdir()):
        raise ScaffoldError(
            f"{where} already exists and is not empty; nothing was written. "
            "Name a new folder, or an empty one."
        )
    if not title.strip():
        raise ScaffoldError("--title must not be empty.")
    title = " ".join(title.split())
    placeholder = base_iri is None
    if base_iri is None:
        base_iri = f"{PLACEHOLDER_HOST}{slug(folder.resolve().name) or 'good-practices'}/"
    if not is_base_iri(base_iri):
        raise ScaffoldError(f"--base-iri must be an http(s) IRI ending in '/', not {base_iri!r}.")
    if iri_error(license_iri) or not re.match(r"https?://", license_iri):
        raise ScaffoldError(
            f"--license must be the licence's IRI (http or https), not {license_iri!r}."
        )
    files = dict(files_for(title, publisher, base_iri, license_iri, today or dt.date.today()))
    parent = folder.resolve().parent
    if not parent.is_dir():
        raise ScaffoldError(
            f"the folder {display_path(parent)}/ does not exist; nothing was written."
        )
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.new-", dir=parent))
    except OSError as error:
        raise ScaffoldError(
            f"cannot write in {display_path(parent)}/: {error.strerror or error}; nothing was written."
        ) from None
    try:
        for target, text in files.items():
            path = staging / target
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        staging.chmod(0o777 & ~current_umask())
        os.replace(staging, folder)  # onto an empty folder too
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise ScaffoldError(
            f"cannot write {where}: {error.strerror or error}; nothing was written."
        ) from None
    return NewPublication(folder, base_iri, placeholder, sorted(files))


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def next_steps(made: NewPublication) -> list[str]:
    """What ``goodpractice new`` prints: what it made, and the next three commands."""
    where = f"{display_path(made.folder)}/"
    lines = [f"Made a new publication in {where}: {', '.join(made.files)}."]
    if made.placeholder_iri:
        lines.append(
            f"Its base IRI, {made.base_iri}, is a placeholder: set base_iri in "
            "content/publication.yaml (or pass --base-iri) before publishing."
        )
    lines += [
        f"Next, in {where}:",
        "  goodpractice validate   check the content (no memorandum yet: one warning)",
        "  goodpractice build      write the data to build/ and the site to site/",
        "  goodpractice serve      browse the site at http://127.0.0.1:8000/, rebuilt on every edit",
        "Add a memorandum under content/memoranda/ (its README.md shows how).",
    ]
    return lines
