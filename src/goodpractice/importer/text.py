"""Reading a memorandum's plain text (as extracted from its PDF) into its parts: the title block,
the introduction, the numbered sections and good practices, the conclusion and the footnotes.

The text is first cleaned of what page layout adds (Windows line endings, page numbers, a
running header repeated on every page); the cleaned text is the source copy the fidelity check
reads, and it is split into paragraphs exactly as that check splits it (``parse_source``), so
that a draft read from it matches it. Every problem names the line of the text as given.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..check.fidelity import parse_source
from ..content import MARKER, ROMAN, SUPERSCRIPT_DIGITS, Location, Problem, marker_number

PAGE_NUMBER = re.compile(
    r"(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?|[-–]\s*\d{1,4}\s*[-–]", re.I
)
# A line repeated this often, and this short, is a running header or footer.
HEADER_REPEATS = 3
HEADER_LENGTH = 150
INTRODUCTION = ("Introduction",)
PRACTICES = ("Good Practices",)
CONCLUSION = ("Conclusion", "Conclusions")
SECTION = re.compile(r"(?P<notation>[IVXL]+)\.\s+(?P<title>\S.{0,200})")
PRACTICE = re.compile(
    r"(?P<word>Good [Pp]ractice)\s+(?P<number>\d+)(?P<sep>\s*[:.–—-]\s+)(?P<title>\S.*)"
)


@dataclass
class Paragraph:
    text: str  # as printed: superscript markers, *italics*, <links>
    line: int  # in the text as given


@dataclass
class DraftSection:
    notation: str
    title: str
    line: int


@dataclass
class DraftPractice:
    number: int
    section: str
    title: str
    line: int
    body: list[Paragraph] = field(default_factory=list)


@dataclass
class Draft:
    """A memorandum read from its text, every part with its line."""

    path: Path
    cleaned: str  # the source copy: the text without page furniture, with Unix line endings
    dropped: int  # lines of page furniture left out of the copy
    initiative: str | None = None
    title: str = ""
    headings: dict[str, str] = field(default_factory=dict)
    introduction: list[Paragraph] = field(default_factory=list)
    sections: list[DraftSection] = field(default_factory=list)
    practices: list[DraftPractice] = field(default_factory=list)
    conclusion: list[Paragraph] = field(default_factory=list)
    footnotes: dict[int, Paragraph] = field(default_factory=dict)

    def units(self) -> list[tuple[str, list[Paragraph]]]:
        """(unit key, its texts) in the order of the text: what footnote markers are read from."""
        units = [("introduction", self.introduction)]
        for number, section in enumerate(self.sections, start=1):
            units.append((f"section-{number}", [Paragraph(section.title, section.line)]))
            for p in self.practices:
                if p.section == section.notation:
                    units.append((f"gp{p.number}", [Paragraph(p.title, p.line), *p.body]))
        units.append(("conclusion", self.conclusion))
        return units


def clean(raw: str) -> tuple[str, list[int], int]:
    """The text with Unix line endings and without page numbers and running headers; the line
    of the given text each cleaned line comes from; how many lines were left out."""
    lines = raw.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    stripped = [line.strip() for line in lines]
    counts = Counter(s for s in stripped if s)
    start = next((i for i, s in enumerate(stripped) if s in INTRODUCTION), 0)
    kept, origin = [], []
    for index, (line, s) in enumerate(zip(lines, stripped, strict=True)):
        furniture = PAGE_NUMBER.fullmatch(s) or (
            index > start
            and counts[s] >= HEADER_REPEATS
            and len(s) <= HEADER_LENGTH
            and s[0] not in SUPERSCRIPT_DIGITS
        )
        if s and furniture:
            continue
        kept.append(line.rstrip())
        origin.append(index + 1)
    return "\n".join(kept), origin, len(lines) - len(kept)


class Reader:
    """Walks the paragraphs of a cleaned text, filing each where it belongs."""

    def __init__(self, path: Path, raw: str):
        cleaned, self.origin, dropped = clean(raw)
        self.raw_lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.draft = Draft(path, cleaned, dropped)
        self.problems: list[Problem] = []

    def line(self, cleaned_line: int) -> int:
        return self.origin[min(cleaned_line, len(self.origin)) - 1]

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(Location(self.draft.path, line), message))

    def read(self) -> Draft:
        running, notes = parse_source(self.draft.cleaned)
        d = self.draft
        d.footnotes = {n: Paragraph(p.text, self.line(p.line)) for n, p in notes.items()}
        paragraphs = [Paragraph(p.text, self.line(p.line)) for p in running]
        title_block: list[Paragraph] = []
        place = "title"
        practice: DraftPractice | None = None
        seen: dict[int, DraftPractice] = {}
        for para in paragraphs:
            text = para.text
            section = SECTION.fullmatch(text)
            heading = PRACTICE.fullmatch(text)
            if place == "title" and text in INTRODUCTION:
                d.headings["introduction"], place = text, "introduction"
            elif place == "title":
                title_block.append(para)
            elif text in PRACTICES and place == "introduction":
                d.headings["practices"], place = text, "practices"
            elif text in CONCLUSION and place in ("practices", "section", "practice"):
                d.headings["conclusion"], place = text, "conclusion"
            elif section and place in ("practices", "section", "practice"):
                self._section(section, para)
                place, practice = "section", None
            elif heading and place in ("section", "practice"):
                practice = self._practice(heading, para, seen)
                place = "practice"
            elif place == "introduction":
                d.introduction.append(para)
            elif place == "practice" and practice is not None:
                practice.body.append(para)
            elif place == "conclusion":
                d.conclusion.append(para)
            else:
                where = {
                    "practices": "between the heading 'Good Practices' and the first section",
                    "section": f"under section {d.sections[-1].notation} before its first good "
                    "practice (a section holds no text of its own)"
                    if d.sections
                    else "",
                }.get(place, "")
                self.problem(para.line, f"cannot place this paragraph {where}: {clip(text)!r}")
        self._title(title_block)
        self._complete(place)
        self._footnotes()
        return d

    def _section(self, match: re.Match, para: Paragraph) -> None:
        d = self.draft
        expected = ROMAN[len(d.sections)] if len(d.sections) < len(ROMAN) else "?"
        if match["notation"] != expected:
            self.problem(
                para.line, f"section {match['notation']} where section {expected} was expected"
            )
        d.sections.append(DraftSection(match["notation"], match["title"], para.line))
        d.headings.setdefault("section", "{notation}. {title}")

    def _practice(self, match: re.Match, para: Paragraph, seen: dict) -> DraftPractice:
        d = self.draft
        number = int(match["number"])
        separator = re.sub(r"\s+", " ", match["sep"])
        template = f"{match['word']} {{number}}{separator}{{title}}"
        first = d.headings.setdefault("practice", template)
        if template != first:
            self.problem(
                para.line,
                f"Good Practice {number}'s heading is not written like the first one "
                f"({first.format(number=d.practices[0].number, title='…')})",
            )
        practice = DraftPractice(number, d.sections[-1].notation, match["title"], para.line)
        if number in seen:
            self.problem(
                para.line,
                f"Good Practice {number} appears twice (first at line {seen[number].line})",
            )
        else:
            seen[number] = practice
            d.practices.append(practice)
        return practice

    def _title(self, block: list[Paragraph]) -> None:
        d = self.draft
        if not block:
            self.problem(1, "no title before the heading 'Introduction'")
            return
        if len(block) > 2:
            for para in block[:-2]:
                self.problem(
                    para.line,
                    "cannot place this paragraph before the title (the title block holds the "
                    f"initiative's name and the title): {clip(para.text)!r}",
                )
        d.title = block[-1].text
        d.initiative = block[-2].text if len(block) > 1 else None

    def _complete(self, place: str) -> None:
        d = self.draft
        last = len(self.raw_lines)
        if "introduction" not in d.headings:
            self.problem(1, "no heading 'Introduction': the introduction cannot be found")
            return
        if not d.practices:  # the one problem: what else is amiss follows from it
            self.problems[:] = []
            self.problem(
                1, "no numbered good practices found (headings like 'Good Practice 1: Title')"
            )
            return
        if "practices" not in d.headings:
            self.problem(d.sections[0].line, "no heading 'Good Practices' before section I")
        numbers = sorted(p.number for p in d.practices)
        if missing := sorted(set(range(1, numbers[-1] + 1)) - set(numbers)):
            self.problem(
                d.practices[0].line,
                "good practices must be numbered from 1 without gaps; missing: "
                + ", ".join(map(str, missing)),
            )
        for p in d.practices:
            if not p.body:
                self.problem(p.line, f"Good Practice {p.number} has no text")
        if "conclusion" not in d.headings:
            self.problem(last, "no heading 'Conclusion' after the good practices")
        elif not d.conclusion:
            self.problem(last, "the conclusion has no text")
        if not d.introduction:
            self.problem(1, "the introduction has no text")

    def _footnotes(self) -> None:
        """Each marker with one footnote, each footnote with one marker, in order."""
        d = self.draft
        marked: dict[int, int] = {}
        order: list[int] = []
        for _key, texts in d.units():
            for para in texts:
                for marker in MARKER.findall(para.text):
                    number = marker_number(marker)
                    line = self.marker_line(marker, para.line)
                    order.append(number)
                    if number in marked:
                        self.problem(
                            line,
                            f"footnote marker {number} appears again (first at line "
                            f"{marked[number]})",
                        )
                    elif number not in d.footnotes:
                        self.problem(line, f"footnote marker {number} has no footnote {number}")
                    marked.setdefault(number, line)
        for number, note in sorted(d.footnotes.items()):
            if number not in marked:
                self.problem(note.line, f"footnote {number} has no marker in the text")
            if MARKER.search(note.text):
                self.problem(note.line, f"footnote {number} contains a footnote marker")
        if order != sorted(order) and not self.problems:
            self.problem(1, f"footnote markers are out of order: {', '.join(map(str, order))}")

    def marker_line(self, marker: str, start: int) -> int:
        """The line of the text that carries this marker, at or after the paragraph's line."""
        alone = re.compile(f"(?<![{SUPERSCRIPT_DIGITS}]){marker}(?![{SUPERSCRIPT_DIGITS}])")
        for index in range(start - 1, len(self.raw_lines)):
            line = self.raw_lines[index].strip()
            if line[:1] not in SUPERSCRIPT_DIGITS and alone.search(line):
                return index + 1
        return start


def clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def read_text(path: Path, raw: str) -> tuple[Draft, list[Problem]]:
    reader = Reader(path, raw)
    draft = reader.read()
    return draft, reader.problems
