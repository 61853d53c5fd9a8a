"""``goodpractice release VERSION``: check the content as ``validate`` does, then record the
release under ``content/releases/<version>/`` and set ``version`` in the publication file.

Nothing is written unless every check passes: a version that is not MAJOR.MINOR.PATCH, or not
above the last release, is refused (usage); content that does not conform, or a contract change
(a context key or ontology term removed or redefined) without a MAJOR release, is refused
(content problems).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .. import check as checks
from ..content import ContentError, Location, Problem, display_path, parse_date
from ..releases import (
    compare_contract,
    contract_files,
    contract_terms,
    read_records,
    recorded_lines,
    version_key,
    write_record,
)
from .model import load_model

# The one line edited: its value replaced, a comment after it kept.
VERSION_LINE = re.compile(r"^version:[^#\n]*?(?P<comment>[ \t]+#.*)?$", re.MULTILINE)


class ReleaseRefused(Exception):
    """The release was refused; nothing was written. ``usage``: the version or date given."""

    def __init__(self, message: str, usage: bool = True, lines: list[str] | None = None):
        super().__init__(message)
        self.usage, self.lines = usage, lines or []


@dataclass
class Released:
    version: str
    date: str
    folder: Path
    triples: int


def release(content_dir: Path, version: str, date: str | None = None) -> Released:
    content_dir = Path(content_dir)
    key = version_key(version)
    if key is None:
        raise ReleaseRefused(
            f"VERSION {version!r} must be a Semantic Versioning MAJOR.MINOR.PATCH, e.g. 0.2.0"
        )
    if date is not None and (parse_date(date) is None or parse_date(date)[1] != "date"):
        raise ReleaseRefused(f"--date {date!r} must be a date, YYYY-MM-DD")
    model = load_model(content_dir)  # ContentError: as validate reports it
    pub = model.content.publication
    records = read_records(content_dir, pub.base_iri)
    if records and key <= records[-1].key:
        raise ReleaseRefused(
            f"VERSION {version} must be above the last release, {records[-1].version} "
            f"({display_path(records[-1].folder)})"
        )
    report = checks.validate(model)
    if not report.conforms():
        raise ReleaseRefused(
            f"the content does not conform ({len(report.violations)} violations): "
            "nothing was released",
            usage=False,
            lines=report.text_lines(),
        )
    contract = contract_files()
    if records:
        changes = compare_contract(contract_terms(records[-1].contract), contract_terms(contract))
        breaking = [c for c in changes if c.breaking]
        if breaking and key[0] == records[-1].key[0]:
            listed = ", ".join(f"{c.part} {c.name} ({c.kind})" for c in breaking)
            raise ReleaseRefused(
                f"{version} removes or redefines what consumers' code relies on ({listed}): "
                f"only a release that raises MAJOR over {records[-1].version} may do that",
                usage=False,
            )
    date = date or pub.modified
    if parse_date(date) is None:
        raise ContentError(
            [Problem(pub.field_location("modified"), "the release needs a date: give --date")]
        )
    lines = recorded_lines(model.graph, pub.base_iri)
    publication = content_dir / "publication.yaml"
    text = publication.read_text(encoding="utf-8")
    if not VERSION_LINE.search(text):
        raise ContentError([Problem(Location(publication, 1), "it has no 'version:' line")])
    folder = write_record(content_dir, version, date, pub.base_iri, lines, contract)
    edited = VERSION_LINE.sub(
        lambda m: f'version: "{version}"' + (m.group("comment") or ""), text, count=1
    )
    publication.write_text(edited, encoding="utf-8")
    return Released(version, date, folder, len(lines))
