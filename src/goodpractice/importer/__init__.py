"""``goodpractice import``: a memorandum's plain text (as extracted from its PDF) made into a draft
content folder, ``content/memoranda/<key>/``, and its source copy, ``content/source/<key>.md``.

    text   the text read into title, introduction, sections, practices, conclusion, footnotes
    cite   citation proposals from the catalogue; the names it does not know, as stubs
    write  the draft's files, in the content format

Nothing is written unless the whole text could be placed; each problem names its line.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..content import (
    ContentError,
    Location,
    Problem,
    display_path,
    parse_date,
    proposals_awaiting,
)
from ..content.files import read_text as read_utf8
from .cite import Known, Matcher, Proposal, name_key, propose, read_catalogue
from .text import Draft, read_text
from .write import write_folder

PLAIN_KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass
class Stub:
    name: str
    footnote: int
    line: int  # the footnote's line in the text


@dataclass
class Imported:
    """What an import wrote and what it leaves to a person."""

    folder: Path
    source: Path
    draft: Draft
    proposals: dict[int, list[Proposal]]
    stubs: list[Stub] = field(default_factory=list)

    @property
    def proposed(self) -> int:
        return sum(len(p) for p in self.proposals.values())


class ImportRefused(Exception):
    """A usage problem (the key, an option, a file already there): nothing was read or written."""


def usage(message: str) -> ImportRefused:
    return ImportRefused(message)


def import_memorandum(
    text_path: Path,
    key: str,
    content_dir: Path = Path("content"),
    issued: str | None = None,
    publisher: str | None = None,
) -> Imported:
    """Read the text, propose citations, and write the draft. Raises ImportRefused for a usage
    problem, ContentError for the text's problems (unreadable: the file could not be read),
    in either case having written nothing."""
    text_path, content_dir = Path(text_path), Path(content_dir)
    if not PLAIN_KEY.fullmatch(key):
        raise usage(
            f"--id {key!r} must be a plain key: lower-case letters and digits, words joined by "
            "hyphens (it becomes the memorandum's IRI and folder name)"
        )
    folder = content_dir / "memoranda" / key
    source = content_dir / "source" / f"{key}.md"
    if not (content_dir / "catalogue").is_dir():
        raise usage(f"{display_path(content_dir / 'catalogue')}/: no such folder (--content)")
    for path in (folder, source):
        if path.exists():
            raise usage(f"--id {key}: {display_path(path)} already exists; nothing was written")
    draft, problems = read_text(text_path, read_utf8(text_path))
    catalogue = read_catalogue(content_dir / "catalogue")
    facts = _facts(draft, key, catalogue, issued, publisher, problems)
    if problems:
        raise ContentError(problems)
    proposals = propose_citations(draft, key, facts, catalogue)
    stubs = [
        Stub(p.stub, n, draft.footnotes[n].line)
        for n, found in sorted(proposals.items())
        for p in found
        if p.stub
    ]
    _write(draft, key, folder, source, facts, proposals, text_path)
    return Imported(folder, source, draft, proposals, stubs)


def propose_citations(
    draft: Draft, key: str, facts: dict[str, str], catalogue: list[Known]
) -> dict[int, list[Proposal]]:
    """The proposals for each footnote that has any. The memorandum itself, its publisher, its
    initiative and those leading it are named, never cited, by its own footnotes."""
    by_key = {e.key: e for e in catalogue}
    own = {key, facts.get("publisher", ""), facts.get("generated_by", "")}
    if facts.get("generated_by") in by_key:
        own.update(by_key[facts["generated_by"]].associated)
    matcher = Matcher(catalogue, own - {""})
    found = {n: propose(matcher, note.text) for n, note in sorted(draft.footnotes.items())}
    return {n: p for n, p in found.items() if p}


def _facts(
    draft: Draft,
    key: str,
    catalogue: list[Known],
    issued: str | None,
    publisher: str | None,
    problems: list[Problem],
) -> dict[str, str]:
    """What memorandum.yaml says besides the text: from the options, or from the catalogue's
    stub of this memorandum; never guessed."""
    by_key = {e.key: e for e in catalogue}
    stub = by_key.get(key)
    if stub is not None and stub.kind != "framework-document":
        raise usage(f"--id {key}: the catalogue has '{key}' as a {stub.kind}, not a memorandum")
    raw = stub.raw if stub is not None else {}
    facts: dict[str, str] = {}
    date = issued or raw.get("issued")
    if date is None:
        raise usage(
            f"--id {key}: no date of issue: the catalogue has none for '{key}'; give --issued "
            "YYYY-MM-DD (or YYYY-MM, YYYY) from a public record"
        )
    if parse_date(str(date)) is None:
        raise usage(f"--issued {date!r}: not a date; write YYYY-MM-DD, YYYY-MM or YYYY")
    facts["issued"] = str(date)
    who = publisher or raw.get("publisher") or ("org/gctf" if "org/gctf" in by_key else None)
    if who is None or who not in by_key:
        raise usage(
            f"--publisher {who or ''}: give the catalogue key of the memorandum's publisher"
            if who
            else "no publisher: give --publisher with the catalogue key of the organisation"
        )
    facts["publisher"] = who
    if raw.get("history_note"):
        facts["history_note"] = str(raw["history_note"])
    if draft.initiative is not None:
        wanted = name_key(draft.initiative)
        initiative = next(
            (
                e
                for e in catalogue
                if e.kind == "initiative" and e.names and name_key(e.names[0]) == wanted
            ),
            None,
        )
        line = next(
            (i + 1 for i, t in enumerate(_lines(draft)) if t.strip() == draft.initiative), 1
        )
        if initiative is None or initiative.names[0] != draft.initiative:
            problems.append(
                Problem(
                    Location(draft.path, line),
                    f"{draft.initiative!r}, before the title, is not the label of an initiative "
                    "in the catalogue: add it to content/catalogue/ (kind: initiative, label as "
                    "printed) and import again",
                )
            )
        else:
            facts["generated_by"] = initiative.key
    return facts


def _lines(draft: Draft) -> list[str]:
    return read_utf8(draft.path).replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _write(
    draft: Draft,
    key: str,
    folder: Path,
    source: Path,
    facts: dict[str, str],
    proposals: dict[int, list[Proposal]],
    text_path: Path,
) -> None:
    """The folder staged beside its place and renamed into it, then the source copy; on any
    failure, nothing is left."""
    copy = draft.cleaned.encode("utf-8")
    sha256 = hashlib.sha256(copy).hexdigest()
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=folder.parent))
    try:
        write_folder(staging / key, draft, key, facts, sha256, proposals)
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_bytes(copy)
        try:
            os.rename(staging / key, folder)
        except OSError:
            source.unlink()
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def awaiting(content) -> list[str]:
    """What `goodpractice validate` says of the proposals no one has confirmed yet."""
    count = proposals_awaiting(content)
    if not count:
        return []
    s, verb = ("s", "await") if count != 1 else ("", "awaits")
    return [
        f"{count} citation proposal{s} {verb} confirmation (`proposed:` in footnotes.yaml: "
        "not published until confirmed)."
    ]


def summary(done: Imported) -> list[str]:
    """What `goodpractice import` prints: what it wrote, and what it leaves to a person."""
    d = done.draft
    folder = display_path(done.folder)
    lines = [
        f"Wrote {folder}/: {len(d.practices)} good practices in {len(d.sections)} sections, "
        f"{len(d.footnotes)} footnotes, the introduction and the conclusion.",
        f"Wrote the source copy {display_path(done.source)} (the fidelity check reads it)"
        + (
            f"; {d.dropped} lines of page numbers and running headers left out."
            if d.dropped
            else "."
        ),
    ]
    if done.proposed:
        lines.append(
            f"{done.proposed} citation proposals in {folder}/footnotes.yaml (`proposed:`): "
            "confirm each (move it to `citations:` or `mentions:`) or delete it."
        )
    if done.stubs:
        lines.append(
            "Names the catalogue does not know (add each to content/catalogue/ to cite it):"
        )
        lines += [
            f"  {display_path(d.path)}:{stub.line}: footnote {stub.footnote}: {stub.name}"
            for stub in done.stubs
        ]
    lines.append("Next: goodpractice validate, then goodpractice serve to read the draft.")
    return lines


def problem_lines(error: ContentError, text_path: Path) -> list[str]:
    """What `goodpractice import` prints when it stops: each problem, then how many."""
    count = len(error.problems)
    s = "s" if count != 1 else ""
    return [
        *(str(p) for p in error.problems),
        f"goodpractice: import stopped: {count} problem{s} in {display_path(text_path)}; "
        "nothing was written.",
    ]
