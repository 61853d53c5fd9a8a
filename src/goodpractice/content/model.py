"""The content as a plain Python model: memoranda, their units and texts, the catalogue.

Everything knows where it came from (file and line), so that any problem found now or later
(SHACL, fidelity) can be reported as ``file:line: what is wrong``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .markup import MARKER, marker_number, strip_markup
from .problems import Location


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


@dataclass
class Deprecation:
    """A released resource the content retires: kept, marked ``owl:deprecated``, with what
    replaces it (a key: the path of its IRI under the base) and why."""

    replaced_by: str | None
    note: str | None
    location: Location


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
    # Citation proposals of `goodpractice import`, where each is written: not published.
    proposed: list[Location] = field(default_factory=list)
    editorial_notes: list[str] = field(default_factory=list)
    location: Location | None = None
    deprecation: Deprecation | None = None

    @property
    def heading_location(self) -> Location | None:
        """Where the unit's heading is written: a practice's or a section's ``title:``."""
        title = getattr(self, "title", None)
        return title.location if title is not None else self.location


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
    deprecation: Deprecation | None = None


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
    field_lines: dict[str, int] = field(default_factory=dict)

    def field_location(self, name: str) -> Location:
        return Location(self.location.path, self.field_lines.get(name, self.location.line))

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
    deprecation: Deprecation | None = None

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
    field_lines: dict[str, int] = field(default_factory=dict)
    sparql_endpoint: str | None = None  # where the data can be queried (void:sparqlEndpoint)

    def field_location(self, name: str) -> Location:
        return Location(self.location.path, self.field_lines.get(name, self.location.line))


@dataclass
class Content:
    root: Path
    publication: Publication
    memoranda: list[Memorandum]
    catalogue: dict[str, Entry]


def document_order(memo: Memorandum) -> list[Unit]:
    """Units in the order the source prints them: sections interleave with their practices. A
    retired practice (deprecated) is out of the document: it keeps its IRI, not a place."""
    order: list[Unit] = [memo.introduction]
    for section in memo.sections:
        order.append(section)
        order += [p for p in memo.practices if p.section == section.notation and not p.deprecation]
    order.append(memo.conclusion)
    return order
