"""Load the human-edited files under ``content/`` into a plain Python model.

Everything here knows where it came from (file and line), so that any problem found now or
later (SHACL, fidelity) can be reported as ``file:line: what is wrong``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
MARKER = re.compile(f"[{SUPERSCRIPT_DIGITS}]+")
ITALICS = re.compile(r"\*([^*\n]+)\*")
# A key: the path of a resource under the base IRI ("un/s-res-2396-2017", "hague-marrakech").
KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)*")
AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")

# The CiTO properties a citation may be typed with (https://purl.org/spar/cito).
CITATION_TYPES = (
    "agreesWith",
    "citesAsAuthority",
    "citesAsEvidence",
    "citesAsRecommendedReading",
    "citesAsRelated",
    "citesForInformation",
    "disagreesWith",
    "discusses",
    "extends",
    "includesQuotationFrom",
    "obtainsBackgroundFrom",
    "supports",
    "usesMethodIn",
)
ENTRY_KINDS = ("framework-document", "resolution", "document", "initiative", "organisation")


# --------------------------------------------------------------------------------------------
# Errors


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

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class ContentError(Exception):
    """One or more problems in the content files; nothing may be built from them.

    ``unreadable`` is true when a file could not be read at all (missing, not UTF-8, not YAML),
    as opposed to read but inconsistent: the CLI exits 2 for the first, 1 for the second.
    """

    def __init__(self, problems: list[Problem], unreadable: bool = False):
        self.unreadable = unreadable
        self.problems = sorted(
            problems, key=lambda p: (p.location is None, p.location or Location(Path(), 0))
        )
        super().__init__("\n".join(str(p) for p in self.problems))


# --------------------------------------------------------------------------------------------
# Text with the source's own markup


def marker_number(marker: str) -> int:
    return int("".join(str(SUPERSCRIPT_DIGITS.index(ch)) for ch in marker))


def strip_markup(text: str) -> str:
    """The plain text of marked text: footnote markers, *italics* and <links> removed."""
    text = MARKER.sub("", text)
    text = ITALICS.sub(r"\1", text)
    return AUTOLINK.sub(r"\1", text)


def fold(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Text:
    """Verbatim text as printed: *italics*, superscript footnote markers, blank-line paragraphs."""

    marked: str
    location: Location
    paragraph_lines: list[int] = field(default_factory=list)  # first line of each paragraph

    def paragraph_location(self, index: int) -> Location:
        lines = self.paragraph_lines or [self.location.line]
        return Location(self.location.path, lines[min(index, len(lines) - 1)])

    @property
    def plain(self) -> str:
        return "\n\n".join(strip_markup(p) for p in self.paragraphs)

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.marked.split("\n\n") if p.strip()]

    @property
    def markers(self) -> list[int]:
        return [marker_number(m) for m in MARKER.findall(self.marked)]


# --------------------------------------------------------------------------------------------
# The model


@dataclass
class Citation:
    cites: str  # a key: a catalogue id or a minted path such as "rabat-memorandum/gp2"
    kind: str  # a CiTO property name
    words: str  # the words of the citing text that make the citation (markup removed)
    describes: str | None
    location: Location


@dataclass
class Unit:
    """A text that can carry footnote markers and citations: introduction, practice, section."""

    key: str  # path under the memorandum: "introduction", "gp10", "section-3"
    texts: list[Text]
    citations: list[Citation] = field(default_factory=list)
    mentions: list[tuple[str, Location]] = field(default_factory=list)
    editorial_notes: list[str] = field(default_factory=list)
    location: Location | None = None


@dataclass
class Section(Unit):
    notation: str = ""
    number: int = 0
    title: Text | None = None


@dataclass
class Practice(Unit):
    number: int = 0
    section: str = ""
    section_location: Location | None = None
    title: Text | None = None
    body: Text | None = None


@dataclass
class Footnote(Unit):
    number: int = 0
    text: Text | None = None
    attached_to: str = ""  # key of the unit whose text carries the marker


@dataclass
class Term:
    key: str
    label: str
    definition: str
    source: int  # footnote number
    location: Location
    definition_location: Location | None = None


@dataclass
class Glossary:
    key: str
    title: str
    definition: str
    terms: list[Term]
    location: Location


@dataclass
class Memorandum:
    key: str
    title: str
    short_title: str
    issued: str
    publisher: str
    contributors: list[str]
    generated_by: str
    history_note: str
    headings: dict[str, str]
    source: Path
    source_sha256: str | None  # of the source file as published; None: not recorded
    source_location: Location
    introduction: Unit
    conclusion: Unit
    sections: list[Section]
    practices: list[Practice]
    footnotes: list[Footnote]
    glossary: Glossary | None
    location: Location

    def units(self) -> list[Unit]:
        return [self.introduction, *self.sections, *self.practices, self.conclusion]


@dataclass
class CitedPractice:
    notation: str
    title: str | None
    location: Location
    descriptions: list[tuple[str, str]] = field(default_factory=list)  # (words, footnote key)


@dataclass
class Entry:
    """A catalogue entry: a cited document, resolution, initiative or organisation."""

    key: str
    kind: str
    label: str
    location: Location
    title: str | None = None
    alt_labels: list[str] = field(default_factory=list)
    identifier: str | None = None
    publisher: str | None = None
    issued: str | None = None
    url: str | None = None
    see_also: list[str] = field(default_factory=list)
    description: str | None = None
    history_note: str | None = None
    bibliographic_citation: str | None = None
    editorial_notes: list[str] = field(default_factory=list)
    led_by: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    practices: list[CitedPractice] = field(default_factory=list)
    field_lines: dict[str, int] = field(default_factory=dict)

    def field_location(self, name: str) -> Location:
        return Location(self.location.path, self.field_lines.get(name, self.location.line))


@dataclass
class Publication:
    base_iri: str
    title: str
    description: str
    version: str
    issued: str
    modified: str
    publisher: str
    rights: str
    license: str
    location: Location


@dataclass
class Content:
    root: Path
    publication: Publication
    memoranda: list[Memorandum]
    catalogue: dict[str, Entry]


# --------------------------------------------------------------------------------------------
# YAML with line numbers


class Mapping(dict):
    """A YAML mapping that remembers the line of each key and of itself."""

    line: int
    key_lines: dict[str, int]


class Sequence(list):
    line: int
    item_lines: list[int]


class _LineLoader(yaml.SafeLoader):
    """The pure-Python loader: its error messages are the ones maintainers are shown."""


# libyaml, where PyYAML was built with it: several times faster on a large corpus. Content
# that it rejects is parsed again by _LineLoader, so that every message stays the same.
_FastLineLoader = type("_FastLineLoader", (getattr(yaml, "CSafeLoader", _LineLoader),), {})


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Mapping:
    loader.flatten_mapping(node)
    result = Mapping()
    result.line = node.start_mark.line + 1 + loader.line_offset
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1 + loader.line_offset
        if key in result:
            raise yaml.MarkedYAMLError(
                problem=f"duplicate key {key!r}", problem_mark=key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> Sequence:
    result = Sequence(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1 + loader.line_offset
    result.item_lines = [child.start_mark.line + 1 + loader.line_offset for child in node.value]
    return result


def _construct_timestamp_as_text(loader: _LineLoader, node: yaml.ScalarNode) -> str:
    # Dates stay text ("2018-09-26", "2014-09"): the graph decides their datatype.
    return loader.construct_scalar(node)


for _loader in (_LineLoader, _FastLineLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)


def _load_with(loader_class, text: str, line_offset: int):
    loader = loader_class(text)
    loader.line_offset = line_offset
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def parse_yaml(text: str, path: Path, line_offset: int = 0):
    try:
        return _load_with(_FastLineLoader, text, line_offset)
    except yaml.YAMLError:
        pass
    try:
        return _load_with(_LineLoader, text, line_offset)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else 1 + line_offset
        problem = exc.problem or str(exc)
        if exc.context:
            problem = f"{exc.context}, {problem}"
        raise ContentError(
            [Problem(Location(path, line), f"invalid YAML: {problem}")], unreadable=True
        ) from None
    except yaml.YAMLError as exc:
        raise ContentError(
            [Problem(Location(path, 1 + line_offset), f"invalid YAML: {exc}")], unreadable=True
        ) from None


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError(
            [Problem(None, f"{display_path(path)}: file not found")], unreadable=True
        ) from None
    except UnicodeDecodeError as exc:
        raise ContentError(
            [Problem(Location(path, 1), f"not UTF-8 text ({exc.reason} at byte {exc.start})")],
            unreadable=True,
        ) from None


def load_yaml(path: Path):
    return parse_yaml(read_text(path), path)


def load_markdown(path: Path) -> tuple[Mapping, str, int]:
    """A Markdown file with optional YAML front matter: (front matter, body, body's first line)."""
    text = read_text(path)
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        try:
            end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
        except StopIteration:
            raise ContentError(
                [Problem(Location(path, 1), "front matter opened with '---' is never closed")]
            ) from None
        front = parse_yaml("\n".join(lines[1:end]), path, line_offset=1) or Mapping()
        if not isinstance(front, Mapping):
            raise ContentError([Problem(Location(path, 2), "front matter must be a mapping")])
        body_start = end + 1
    else:
        front, body_start = Mapping(), 0
    if not hasattr(front, "line"):
        front.line, front.key_lines = 1, {}
    while body_start < len(lines) and not lines[body_start].strip():
        body_start += 1
    return front, "\n".join(lines[body_start:]).strip(), body_start + 1


# --------------------------------------------------------------------------------------------
# Reading fields strictly: a typo in a key is an error, not a silently ignored field.


class Fields:
    """Typed access to one YAML mapping, collecting problems with their lines."""

    def __init__(self, data, path: Path, problems: list[Problem], what: str, line: int = 1):
        self.path = path
        self.problems = problems
        self.what = what
        if not isinstance(data, Mapping):
            self.data = Mapping()
            self.data.line, self.data.key_lines = getattr(data, "line", line), {}
            problems.append(Problem(self.loc(), f"{what} must be a mapping of fields"))
        else:
            self.data = data
        self.used: set[str] = set()

    def loc(self, key: str | None = None) -> Location:
        line = self.data.key_lines.get(key, self.data.line) if key else self.data.line
        return Location(self.path, line)

    def error(self, message: str, key: str | None = None) -> None:
        self.problems.append(Problem(self.loc(key), message))

    def text(self, key: str, required: bool = True, default=None):
        self.used.add(key)
        if key not in self.data or self.data[key] is None:
            if required:
                self.error(f"{self.what} has no '{key}'")
            return default
        value = self.data[key]
        if isinstance(value, (dict, list, bool)):
            self.error(f"'{key}' must be text, not {type(value).__name__}", key)
            return default
        return str(value)

    def key(self, name: str = "id") -> str | None:
        """An id: part of IRIs and of the paths of files written, so plain segments only."""
        value = self.text(name)
        if value is not None and not KEY.fullmatch(value):
            self.error(
                f"id '{value}' must be lower-case letters, digits and hyphens, in segments "
                "separated by '/' (it becomes part of IRIs and file paths)",
                name,
            )
            return None
        return value

    def integer(self, key: str) -> int | None:
        self.used.add(key)
        value = self.data.get(key)
        if value is None:
            self.error(f"{self.what} has no '{key}'")
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            self.error(f"'{key}' must be a whole number from 1, not {value!r}", key)
            return None
        return value

    def texts(self, key: str) -> list[str]:
        self.used.add(key)
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or any(isinstance(v, (dict, list)) for v in value):
            self.error(f"'{key}' must be a list of texts", key)
            return []
        return [str(v) for v in value]

    def items(self, key: str) -> list[tuple[object, int]]:
        self.used.add(key)
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, Sequence):
            self.error(f"'{key}' must be a list", key)
            return []
        return list(zip(value, value.item_lines, strict=True))

    def finish(self) -> None:
        for key in self.data:
            if key not in self.used:
                self.error(f"unknown field '{key}' in {self.what}", key)


# --------------------------------------------------------------------------------------------
# Loading


def _citations(fields: Fields) -> list[Citation]:
    citations = []
    for item, line in fields.items("citations"):
        f = Fields(item, fields.path, fields.problems, "a citation", line)
        cites, kind, words = f.text("cites"), f.text("as"), f.text("words")
        describes = f.text("describes", required=False)
        f.finish()
        if kind and kind not in CITATION_TYPES:
            f.error(
                f"unknown citation type '{kind}'; use one of: {', '.join(CITATION_TYPES)}", "as"
            )
            continue
        if cites and kind and words:
            citations.append(Citation(cites, kind, words, describes, f.loc("cites")))
    return citations


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
    generated_by = f.text("generated_by")
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
                Location(path, 1), f"no practices found in {display_path(folder / 'practices')}"
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
    )


def _load_unit(path: Path, key: str, problems: list[Problem]) -> Unit:
    front, body, body_line = load_markdown(path)
    f = Fields(front, path, problems, f"the {key}'s front matter")
    unit = Unit(
        key=key,
        texts=[_body(body, body_line, path)],
        citations=_citations(f),
        mentions=_mentions(f),
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
        editorial_notes=f.texts("editorial_notes"),
        location=f.loc("number"),
        number=number,
        section=section,
        section_location=f.loc("section"),
        title=title,
        body=text,
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
                editorial_notes=f.texts("editorial_notes"),
                location=f.loc("number"),
                number=number,
                text=text,
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
        )
        for practice, pline in f.items("practices"):
            p = Fields(practice, path, problems, "a cited practice", pline)
            entry.practices.append(
                CitedPractice(p.text("notation") or "", p.text("title", required=False), p.loc())
            )
            p.finish()
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
        version=f.text("version") or "",
        issued=f.text("issued") or "",
        modified=f.text("modified") or "",
        publisher=f.text("publisher") or "",
        rights=f.text("rights") or "",
        license=f.text("license") or "",
        location=f.loc(),
    )
    f.finish()
    if pub.base_iri and not re.match(r"^https?://[^\s#?]+/$", pub.base_iri):
        f.error(f"base_iri must be an http(s) IRI ending in '/', not {pub.base_iri!r}", "base_iri")
    return pub


def load_content(root: Path, base_iri: str | None = None) -> Content:
    """Read ``root`` (the content folder) and check it is complete and consistent.

    Raises ContentError listing every problem found, each with its file and line.
    """
    root = Path(root)
    if not root.is_dir():
        raise ContentError(
            [Problem(None, f"{display_path(root)}: no such content folder")], unreadable=True
        )
    problems: list[Problem] = []
    publication = load_publication(root / "publication.yaml", problems)
    if base_iri is not None:
        if not re.match(r"^https?://[^\s#?]+/$", base_iri):
            raise ContentError(
                [
                    Problem(
                        None, f"--base-iri must be an http(s) IRI ending in '/', not {base_iri!r}"
                    )
                ]
            )
        publication.base_iri = base_iri
    memo_folders = sorted(p.parent for p in (root / "memoranda").glob("*/memorandum.yaml"))
    if not memo_folders:
        problems.append(
            Problem(
                None,
                f"{display_path(root / 'memoranda')}: no memorandum found (expected <slug>/memorandum.yaml)",
            )
        )
    memoranda = [m for folder in memo_folders if (m := load_memorandum(folder, problems))]
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
    problems += check_consistency(content)
    if problems:
        raise ContentError(problems)
    return content


# --------------------------------------------------------------------------------------------
# Consistency: what must hold between files before a graph can be built


def check_consistency(content: Content) -> list[Problem]:
    problems: list[Problem] = []
    catalogue = content.catalogue
    keys = set(catalogue)
    for memo in content.memoranda:
        keys.add(memo.key)
        keys.update(f"{memo.key}/{u.key}" for u in [*memo.units(), *memo.footnotes])
        if memo.glossary:
            keys.update(f"{memo.key}/{memo.glossary.key}/{t.key}" for t in memo.glossary.terms)
    for entry in catalogue.values():
        keys.update(f"{entry.key}/{p.notation.lower()}" for p in entry.practices)
        if entry.key in {m.key for m in content.memoranda}:
            problems.append(
                Problem(
                    entry.location,
                    f"'{entry.key}' is both a catalogue entry and an encoded memorandum",
                )
            )

    def need(key: str | None, location: Location, what: str) -> None:
        if key and key not in keys:
            problems.append(
                Problem(location, f"{what} '{key}' is not in the catalogue or the memoranda")
            )

    for entry in catalogue.values():
        need(entry.publisher, entry.field_location("publisher"), "publisher")
        for key in entry.led_by + entry.partners:
            need(key, entry.location, "organisation")
        notations = [p.notation for p in entry.practices]
        for p in entry.practices:
            if not re.fullmatch(r"GP[1-9][0-9]*", p.notation):
                problems.append(
                    Problem(
                        p.location,
                        f"practice notation '{p.notation}' must be GP followed by its number",
                    )
                )
            if notations.count(p.notation) > 1:
                problems.append(
                    Problem(p.location, f"practice {p.notation} is listed twice in '{entry.key}'")
                )
        if entry.practices and entry.kind != "framework-document":
            problems.append(
                Problem(
                    entry.location,
                    f"only a framework-document can have practices, not a {entry.kind}",
                )
            )
    need(content.publication.publisher, content.publication.location, "publisher")
    dated = [(e.issued, e.field_location("issued")) for e in catalogue.values() if e.issued]
    dated += [(m.issued, m.location) for m in content.memoranda]
    dated += [
        (d, content.publication.location)
        for d in (content.publication.issued, content.publication.modified)
    ]
    for value, location in dated:
        if value and parse_date(value) is None:
            problems.append(
                Problem(location, f"'{value}' is not a date: write YYYY-MM-DD, YYYY-MM or YYYY")
            )
    for memo in content.memoranda:
        problems += _check_memorandum(memo, content, need)
    return problems


def _check_memorandum(memo: Memorandum, content: Content, need) -> list[Problem]:
    problems: list[Problem] = []
    need(memo.publisher, memo.location, "publisher")
    for key in memo.contributors:
        need(key, memo.location, "contributor")
    need(memo.generated_by, memo.location, "initiative")
    if not memo.source.is_file():
        problems.append(
            Problem(memo.location, f"source text {display_path(memo.source)} not found")
        )
    elif memo.source_sha256 is not None:
        # The source is the authority on wording: an edit to it would pass the fidelity check.
        found = hashlib.sha256(memo.source.read_bytes()).hexdigest()
        if found != memo.source_sha256.lower():
            problems.append(
                Problem(
                    memo.source_location,
                    f"source text {display_path(memo.source)} has changed: its SHA-256 is "
                    f"{found}, not the {memo.source_sha256} recorded here; the source text is "
                    "never edited",
                )
            )

    # Sections: Roman numerals in order.
    for number, section in enumerate(memo.sections, start=1):
        expected = ROMAN[number - 1] if number <= len(ROMAN) else str(number)
        if section.notation != expected:
            problems.append(
                Problem(
                    section.location,
                    f"section {number} must have notation '{expected}', not '{section.notation}'",
                )
            )
    notations = {s.notation for s in memo.sections}

    # Practices: numbers unique and contiguous from 1, each in a known section.
    seen: dict[int, Practice] = {}
    for p in memo.practices:
        if p.number in seen:
            problems.append(
                Problem(
                    p.location,
                    f"duplicate practice number {p.number} (also at {seen[p.number].location})",
                )
            )
        seen[p.number] = p
        if p.section not in notations:
            problems.append(
                Problem(
                    p.location,
                    f"Good Practice {p.number} is in section '{p.section}', which the memorandum does not have (sections: {', '.join(sorted(notations))})",
                )
            )
    missing = sorted(set(range(1, max(seen, default=0) + 1)) - set(seen))
    if missing:
        problems.append(
            Problem(
                memo.location,
                f"practice numbers must run from 1 without gaps; missing: {', '.join(map(str, missing))}",
            )
        )
    # The numbering runs through the sections in order: a practice filed under the wrong
    # section shows here, where the maintainer can fix it, not as footnotes out of order.
    rank = {section.notation: index for index, section in enumerate(memo.sections)}
    numbered = [p for p in memo.practices if p.section in rank]
    misfiled = False
    for before, after in zip(numbered, numbered[1:], strict=False):
        if rank[before.section] > rank[after.section]:
            misfiled = True
            problems.append(
                Problem(
                    before.section_location or before.location,
                    f"Good Practice {before.number} is in section {before.section}, but Good "
                    f"Practice {after.number} after it is in section {after.section} "
                    f"({after.section_location or after.location}): practices are numbered "
                    "through the sections in order",
                )
            )

    # Footnotes: numbers unique and contiguous; each marker in exactly one unit, in order.
    by_number: dict[int, Footnote] = {}
    for fn in memo.footnotes:
        if fn.number in by_number:
            problems.append(
                Problem(
                    fn.location,
                    f"duplicate footnote number {fn.number} (also at {by_number[fn.number].location})",
                )
            )
        by_number[fn.number] = fn
    missing = sorted(set(range(1, max(by_number, default=0) + 1)) - set(by_number))
    if missing:
        problems.append(
            Problem(
                memo.location,
                f"footnote numbers must run from 1 without gaps; missing: {', '.join(map(str, missing))}",
            )
        )
    marked_in: dict[int, Unit] = {}
    sequence: list[int] = []
    placed = document_order(memo)
    # A practice in an unknown section is reported above; still read its markers, so that its
    # footnotes are not also reported as having none.
    unplaced = [p for p in memo.practices if p not in placed]
    marker_places = [
        (unit, number, text.paragraph_location(index))
        for unit in placed + unplaced
        for text in unit.texts
        for index, paragraph in enumerate(text.paragraphs)
        for number in (marker_number(m) for m in MARKER.findall(paragraph))
    ]
    for unit, number, location in marker_places:
        if unit not in unplaced:
            sequence.append(number)
        if number not in by_number:
            message = f"footnote marker {number} has no footnote {number} in footnotes.yaml"
            problems.append(Problem(location, message))
        elif number in marked_in:
            message = f"footnote marker {number} appears again (first in {marked_in[number].key})"
            problems.append(Problem(location, message))
        else:
            marked_in[number] = unit
            by_number[number].attached_to = unit.key
    for fn in memo.footnotes:
        if fn.number in by_number and fn.number not in marked_in:
            problems.append(
                Problem(
                    fn.location, f"footnote {fn.number} has no marker in any text of the memorandum"
                )
            )
        if fn.text and fn.text.markers:
            problems.append(
                Problem(fn.text.location, f"footnote {fn.number} contains a footnote marker")
            )
    if sequence != sorted(sequence) and not misfiled:
        problems.append(
            Problem(
                memo.location,
                f"footnote markers are out of order in the text: {', '.join(map(str, sequence))}",
            )
        )

    # Citations: known targets, words found in the citing text.
    for unit in [*memo.units(), *memo.footnotes]:
        plain = fold(" ".join(t.plain for t in unit.texts))
        for c in unit.citations:
            need(c.cites, c.location, "cited resource")
            if fold(c.words) not in plain:
                problems.append(
                    Problem(
                        c.location,
                        f"the words of this citation do not occur in the text of {unit.key}: {c.words!r}",
                    )
                )
            if c.describes:
                if fold(c.describes) not in plain:
                    problems.append(
                        Problem(
                            c.location,
                            f"the description of {c.cites} does not occur in the text of {unit.key}: {c.describes!r}",
                        )
                    )
                entry_key, _, notation = c.cites.rpartition("/")
                entry = content.catalogue.get(entry_key)
                practice = (
                    next((p for p in entry.practices if p.notation.lower() == notation), None)
                    if entry
                    else None
                )
                if practice is None:
                    problems.append(
                        Problem(
                            c.location,
                            f"'describes' is only for a cited practice of another memorandum, not for {c.cites}",
                        )
                    )
                else:
                    practice.descriptions.append((c.describes, f"{memo.key}/{unit.key}"))
        for key, location in unit.mentions:
            need(key, location, "mentioned resource")

    if memo.glossary:
        labels: dict[str, Term] = {}
        for term in memo.glossary.terms:
            if term.label in labels:
                problems.append(
                    Problem(term.location, f"the glossary defines '{term.label}' twice")
                )
            labels[term.label] = term
            fn = by_number.get(term.source)
            if fn is None:
                problems.append(
                    Problem(
                        term.location,
                        f"term '{term.label}' cites footnote {term.source}, which does not exist",
                    )
                )
            elif fold(term.definition) not in fold(fn.text.plain):
                problems.append(
                    Problem(
                        term.definition_location or term.location,
                        f"the definition of '{term.label}' does not occur in footnote {term.source}",
                    )
                )
    return problems


def document_order(memo: Memorandum) -> list[Unit]:
    """Units in the order the source prints them: sections interleave with their practices."""
    order: list[Unit] = [memo.introduction]
    for section in memo.sections:
        order.append(section)
        order += [p for p in memo.practices if p.section == section.notation]
    order.append(memo.conclusion)
    return order


def parse_date(value: str) -> tuple[str, str] | None:
    """(lexical form, XSD type name) of a date, year-month or year; None if it is none of them."""
    for pattern, kind in (
        (r"\d{4}-\d{2}-\d{2}", "date"),
        (r"\d{4}-\d{2}", "gYearMonth"),
        (r"\d{4}", "gYear"),
    ):
        if re.fullmatch(pattern, value):
            if kind == "date":
                try:
                    dt.date.fromisoformat(value)
                except ValueError:
                    return None
            return value, kind
    return None
