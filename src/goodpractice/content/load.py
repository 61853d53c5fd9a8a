"""Loading the content folder into the model: each file read strictly, every problem collected
with its file and line, then the consistency rules run over the whole."""

from __future__ import annotations

import gc
import os
import re
from pathlib import Path

from ..vocab import CITATION_TYPE
from .deprecation import read_deprecation
from .fields import Fields
from .files import Sequence, load_markdown, load_yaml
from .model import (
    Citation,
    CitedPractice,
    Content,
    Entry,
    Footnote,
    Glossary,
    Memorandum,
    Practice,
    Publication,
    Section,
    Term,
    Text,
    Unit,
)
from .problems import ContentError, Location, Problem, display_path
from .rules import check_consistency
from .values import SEMVER, iri_error, is_base_iri

ENTRY_KINDS = ("framework-document", "resolution", "document", "initiative", "organisation")
# As the message lists them: alphabetical, whatever order readers see them in.
CITATION_TYPE_NAMES = ", ".join(sorted(CITATION_TYPE))


def _citations(fields: Fields) -> list[Citation]:
    citations = []
    for item, line in fields.items("citations"):
        f = Fields(item, fields.path, fields.problems, "a citation", line)
        cites, kind, words = f.text("cites"), f.text("as"), f.text("words")
        describes = f.text("describes", required=False)
        f.finish()
        if kind and kind not in CITATION_TYPE:
            f.error(f"unknown citation type '{kind}'; use one of: {CITATION_TYPE_NAMES}", "as")
            continue
        if cites and kind and words:
            citations.append(Citation(cites, kind, words, describes, f.loc("cites")))
    return citations


# What a proposal made by `goodpractice import` may say; none is published until a person
# confirms it by moving it to `citations` (or `mentions`).
PROPOSAL_FIELDS = ("cites", "mentions", "stub", "as", "words", "describes")


def _proposals(fields: Fields) -> list[Location]:
    found = []
    for item, line in fields.items("proposed"):
        f = Fields(item, fields.path, fields.problems, "a citation proposal", line)
        for name in PROPOSAL_FIELDS:
            f.text(name, required=name == "words")
        f.finish()
        found.append(f.loc())
    return found


def _mentions(fields: Fields) -> list[tuple[str, Location]]:
    return [(key, fields.loc("mentions")) for key in fields.texts("mentions")]


def _text(value: str | None, location: Location) -> Text:
    return Text((value or "").strip(), location)


def _body(text: str, first_line: int, path: Path) -> Text:
    paragraphs, lines = [], []
    for match in re.finditer(r"\S(?:.|\n(?!\s*\n))*", text):
        paragraphs.append(" ".join(line.strip() for line in match.group(0).split("\n")))
        lines.append(first_line + text.count("\n", 0, match.start()))
    return Text("\n\n".join(paragraphs), Location(path, first_line), lines)


def reused(folder: Path, problems: list[Problem], reuse: dict | None) -> Memorandum | None:
    """The memorandum in ``folder``, as read before if none of its files changed since."""
    if reuse is None:
        return load_memorandum(folder, problems)
    kept = reuse.get(folder)
    if kept is not None and getattr(reuse, "look", None) and reuse.unchanged(folder, kept[0]):
        return kept[1]  # the rebuild's look at the content shows its files unchanged
    state = folder_state(folder)
    if kept is not None and kept[0] == state:
        return kept[1]
    found: list[Problem] = []
    memo = load_memorandum(folder, found)
    problems += found
    if found or memo is None:
        reuse.pop(folder, None)
    else:
        reuse[folder] = (state, memo)
    return memo


def folder_state(folder: Path) -> tuple:
    """What changes when a file under ``folder`` is added, removed or edited: the path, time
    of change and size of each file and folder under it (``folder_state_slow``'s entries, from
    ``os.scandir``, which reads a folder without making a ``Path`` of each name)."""
    state: list = []
    _scan(os.fspath(folder), state)
    state.sort()
    return tuple(state)


def _scan(folder: str, state: list) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            stat = entry.stat()  # of what a link points to, as ``Path.stat``
        except OSError:
            stat = None
        if stat is not None:
            state.append((entry.path, stat.st_mtime_ns, stat.st_size))
        try:
            real_folder = entry.is_dir(follow_symlinks=False)
        except OSError:
            continue
        if real_folder:  # as ``Path.rglob``: into folders, not into links to them
            _scan(entry.path, state)


def folder_state_slow(folder: Path) -> tuple:
    """``folder_state`` as ``pathlib`` reads it (the reference its test compares with)."""
    state = []
    for path in folder.rglob("*"):
        try:
            stat = path.stat()
        except OSError:
            continue
        state.append((path.as_posix(), stat.st_mtime_ns, stat.st_size))
    return tuple(sorted(state))


def load_memorandum(folder: Path, problems: list[Problem]) -> Memorandum | None:
    path = folder / "memorandum.yaml"
    f = Fields(load_yaml(path), path, problems, "the memorandum")
    key = f.key() or folder.name
    if key != folder.name:
        f.error(f"id '{key}' must match the folder name '{folder.name}'", "id")
    source = folder / (f.text("source") or "")
    source_sha256 = f.text("source_sha256", required=False)
    title = f.text("title") or ""
    short_title = f.text("short_title", required=False) or title
    issued = f.text("issued") or ""
    publisher = f.text("publisher") or ""
    contributors = f.texts("contributors")
    generated_by = f.text("generated_by", required=False) or ""
    history_note = f.text("history_note", required=False) or ""
    headings_fields = Fields(f.data.get("headings"), path, problems, "headings", f.data.line)
    f.used.add("headings")
    headings = {
        name: headings_fields.text(name) or ""
        for name in ("introduction", "practices", "conclusion", "section", "practice")
    }
    headings_fields.finish()

    sections = []
    for number, (item, line) in enumerate(f.items("sections"), start=1):
        s = Fields(item, path, problems, "a section", line)
        notation = s.text("notation") or ""
        title_text = _text(s.text("title"), s.loc("title"))
        s.finish()
        sections.append(
            Section(
                key=f"section-{number}",
                texts=[title_text],
                location=s.loc(),
                notation=notation,
                number=number,
                title=title_text,
            )
        )
    f.finish()

    intro = _load_unit(folder / "introduction.md", "introduction", problems)
    conclusion = _load_unit(folder / "conclusion.md", "conclusion", problems)
    practices = [_load_practice(p, problems) for p in sorted((folder / "practices").glob("*.md"))]
    if not practices:
        problems.append(
            Problem(
                Location(path, 1),
                f"no practices found in {display_path(folder / 'practices')}",
                root=True,
            )
        )
    footnotes = _load_footnotes(folder / "footnotes.yaml", problems)
    glossary_path = folder / "glossary.yaml"
    glossary = _load_glossary(glossary_path, problems) if glossary_path.exists() else None
    return Memorandum(
        key=key,
        title=title,
        short_title=short_title,
        issued=issued,
        publisher=publisher,
        contributors=contributors,
        generated_by=generated_by,
        history_note=history_note,
        headings=headings,
        source=source,
        source_sha256=source_sha256,
        source_location=f.loc("source_sha256"),
        introduction=intro,
        conclusion=conclusion,
        sections=sections,
        practices=sorted(practices, key=lambda p: p.number),
        footnotes=footnotes,
        glossary=glossary,
        location=Location(path, 1),
        field_lines=dict(f.data.key_lines),
    )


def _load_unit(path: Path, key: str, problems: list[Problem]) -> Unit:
    front, body, body_line = load_markdown(path)
    f = Fields(front, path, problems, f"the {key}'s front matter")
    unit = Unit(
        key=key,
        texts=[_body(body, body_line, path)],
        citations=_citations(f),
        mentions=_mentions(f),
        proposed=_proposals(f),
        editorial_notes=f.texts("editorial_notes"),
        location=Location(path, 1),
    )
    f.finish()
    if not body:
        problems.append(Problem(Location(path, body_line), f"the {key} has no text"))
    return unit


def _load_practice(path: Path, problems: list[Problem]) -> Practice:
    front, body, body_line = load_markdown(path)
    f = Fields(front, path, problems, "a practice's front matter")
    number = f.integer("number") or 0
    section = f.text("section") or ""
    title = _text(f.text("title"), f.loc("title"))
    text = _body(body, body_line, path)
    practice = Practice(
        key=f"gp{number}",
        texts=[title, text],
        citations=_citations(f),
        mentions=_mentions(f),
        proposed=_proposals(f),
        editorial_notes=f.texts("editorial_notes"),
        location=f.loc("number"),
        number=number,
        section=section,
        section_location=f.loc("section"),
        title=title,
        body=text,
        deprecation=read_deprecation(f),
    )
    f.finish()
    if not body:
        problems.append(Problem(Location(path, body_line), f"Good Practice {number} has no text"))
    return practice


def _load_footnotes(path: Path, problems: list[Problem]) -> list[Footnote]:
    data = load_yaml(path)
    if not isinstance(data, Sequence):
        problems.append(Problem(Location(path, 1), "footnotes.yaml must be a list of footnotes"))
        return []
    footnotes = []
    for item, line in zip(data, data.item_lines, strict=True):
        f = Fields(item, path, problems, "a footnote", line)
        number = f.integer("number") or 0
        text = _text(f.text("text"), f.loc("text"))
        footnotes.append(
            Footnote(
                key=f"fn{number}",
                texts=[text],
                citations=_citations(f),
                mentions=_mentions(f),
                proposed=_proposals(f),
                editorial_notes=f.texts("editorial_notes"),
                location=f.loc("number"),
                number=number,
                text=text,
                deprecation=read_deprecation(f),
            )
        )
        f.finish()
    return footnotes


def _load_glossary(path: Path, problems: list[Problem]) -> Glossary:
    f = Fields(load_yaml(path), path, problems, "the glossary")
    key, title, definition = f.key(), f.text("title"), f.text("definition")
    terms = []
    for item, line in f.items("terms"):
        t = Fields(item, path, problems, "a term", line)
        term = Term(
            t.key() or "",
            t.text("label") or "",
            t.text("definition") or "",
            t.integer("source") or 0,
            t.loc(),
            t.loc("definition"),
            read_deprecation(t),
        )
        t.finish()
        terms.append(term)
    f.finish()
    return Glossary(key or "glossary", title or "", definition or "", terms, f.loc())


def _load_entries(path: Path, problems: list[Problem], organisations: bool) -> list[Entry]:
    data = load_yaml(path)
    if not isinstance(data, Sequence):
        problems.append(Problem(Location(path, 1), f"{path.name} must be a list of entries"))
        return []
    entries = []
    for item, line in zip(data, data.item_lines, strict=True):
        f = Fields(item, path, problems, "a catalogue entry", line)
        kind = "organisation" if organisations else f.text("kind")
        if kind and kind not in ENTRY_KINDS:
            f.error(f"unknown kind '{kind}'; use one of: {', '.join(ENTRY_KINDS)}", "kind")
        entry = Entry(
            key=f.key() or "",
            kind=kind or "",
            label=f.text("label") or "",
            location=f.loc(),
            title=f.text("title", required=False),
            alt_labels=f.texts("alt_labels"),
            identifier=f.text("identifier", required=False),
            publisher=f.text("publisher", required=False),
            issued=f.text("issued", required=False),
            url=f.text("url", required=False),
            see_also=f.texts("see_also"),
            description=f.text("description", required=False),
            history_note=f.text("history_note", required=False),
            bibliographic_citation=f.text("bibliographic_citation", required=False),
            editorial_notes=f.texts("editorial_notes"),
            led_by=f.texts("led_by"),
            partners=f.texts("partners"),
            field_lines=dict(f.data.key_lines),
            deprecation=read_deprecation(f),
        )
        for practice, pline in f.items("practices"):
            p = Fields(practice, path, problems, "a cited practice", pline)
            entry.practices.append(
                CitedPractice(p.text("notation") or "", p.text("title", required=False), p.loc())
            )
            p.finish()
        _check_iri(f, "url", entry.url)
        for url in entry.see_also:
            _check_iri(f, "see_also", url)
        if kind == "resolution" and not entry.identifier:
            f.error("a resolution needs its official symbol as 'identifier'")
        f.finish()
        entries.append(entry)
    return entries


def load_publication(path: Path, problems: list[Problem]) -> Publication:
    f = Fields(load_yaml(path), path, problems, "the publication")
    pub = Publication(
        base_iri=f.text("base_iri") or "",
        title=f.text("title") or "",
        description=f.text("description") or "",
        version=_version(f),
        issued=f.text("issued") or "",
        modified=f.text("modified") or "",
        publisher=f.text("publisher") or "",
        rights=f.text("rights") or "",
        license=f.text("license") or "",
        location=f.loc(),
        field_lines=dict(f.data.key_lines),
        sparql_endpoint=f.text("sparql_endpoint", required=False),
    )
    f.finish()
    if f.data.get("base_iri") is not None and not is_base_iri(pub.base_iri):
        f.error(f"base_iri must be an http(s) IRI ending in '/', not {pub.base_iri!r}", "base_iri")
    _check_iri(f, "license", pub.license if isinstance(f.data.get("license"), str) else None)
    _check_iri(f, "sparql_endpoint", pub.sparql_endpoint)
    return pub


def _version(f: Fields) -> str:
    """The release's version: it names a file of the release and a path of its IRI."""
    value = f.data.get("version")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        f.used.add("version")
        f.error(
            f"version must be quoted: unquoted, YAML reads it as the number {value!r}; write "
            'it as a Semantic Versioning string in quotes, e.g. version: "1.0.0"',
            "version",
        )
        return ""
    version = f.text("version")
    if version is not None and not SEMVER.fullmatch(version):
        f.error(
            f"version {version!r} must be a Semantic Versioning string, MAJOR.MINOR.PATCH "
            'with an optional pre-release, in quotes (e.g. "1.0.0", "2.1.0-rc.1")',
            "version",
        )
        return ""
    return version or ""


def _check_iri(f: Fields, key: str, value: str | None) -> None:
    if value is not None and (why := iri_error(value)):
        f.error(f"'{key}' must be an absolute IRI, not {value!r} ({why})", key)


def load_content(root: Path, base_iri: str | None = None, reuse: dict | None = None) -> Content:
    """Read ``root`` (the content folder) and check it is complete and consistent.

    Raises ContentError listing every problem found, each with its file and line. ``reuse``
    (a rebuild's): memoranda read before, by folder, each kept with the state of its files and
    read again only if one of them changed; this call updates it.
    """
    # Python's cyclic garbage collector paused: reading makes millions of objects and no
    # cycle, and each full collection their allocations set off would walk all of them again
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _load_content(Path(root), base_iri, reuse)
    finally:
        if was_enabled:
            gc.enable()


def _load_content(root: Path, base_iri: str | None, reuse: dict | None) -> Content:
    if not root.is_dir():
        raise ContentError(
            [Problem(None, f"{display_path(root)}: no such content folder")], unreadable=True
        )
    problems: list[Problem] = []
    publication = load_publication(root / "publication.yaml", problems)
    if base_iri is not None:
        if not is_base_iri(base_iri):
            raise ContentError(
                [
                    Problem(
                        None, f"--base-iri must be an http(s) IRI ending in '/', not {base_iri!r}"
                    )
                ]
            )
        publication.base_iri = base_iri
    # A new publication (goodpractice new) has a memoranda folder with no memorandum yet: it
    # is valid, and builds a site with no memorandum. A content folder with no memoranda
    # folder at all is more likely the wrong folder.
    memo_folders = sorted(p.parent for p in (root / "memoranda").glob("*/memorandum.yaml"))
    if not (root / "memoranda").is_dir():
        problems.append(
            Problem(
                None,
                f"{display_path(root / 'memoranda')}: no such folder (a publication keeps each memorandum in memoranda/<slug>/memorandum.yaml)",
            )
        )
    memoranda = [m for folder in memo_folders if (m := reused(folder, problems, reuse))]
    entries: list[Entry] = []
    catalogue_dir = root / "catalogue"
    for path in sorted(catalogue_dir.glob("*.yaml")):
        entries += _load_entries(path, problems, organisations=path.stem == "organisations")
    catalogue: dict[str, Entry] = {}
    for entry in entries:
        if entry.key in catalogue:
            problems.append(
                Problem(
                    entry.location,
                    f"duplicate catalogue id '{entry.key}' (first defined at {catalogue[entry.key].location})",
                )
            )
        catalogue[entry.key] = entry
    content = Content(root, publication, memoranda, catalogue)
    problems += check_consistency(content, getattr(reuse, "rules", None))  # ReadBefore's
    if problems:
        raise ContentError(problems)
    return content
