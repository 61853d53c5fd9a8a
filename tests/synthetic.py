"""A synthetic corpus in the exact content format, for the benchmark and for the test that a new
memorandum is only new content (no code).

``write_corpus(folder, memoranda=N)`` writes a complete content folder: ``publication.yaml``, a
shared catalogue, and N memoranda of 20 practices each, with sections, an introduction and a
conclusion, footnotes whose markers sit in the texts, citations between memoranda and to the
shared catalogue, a glossary sourced to footnotes, and for each memorandum a page-extracted source
text (footnote blocks where a page ends, some paragraphs cut in two around them) that the
fidelity check accepts. The same arguments always give the same bytes.

The texts repeat: memorandum n is written from text variant (n - 1) % TEXT_VARIANTS + 1, under
its own name (numbers in names are zero-padded, so names are the same length), and each cites
the next memorandum of the whole corpus. So a corpus of 10,000 practices holds the same texts as
one of 1,000, ten times over, and what differs between the two (page sizes above all) is what
grows with the corpus, not the luck of a longer random text.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from goodpractice.content import ROMAN, SUPERSCRIPT_DIGITS

PRACTICES_PER_MEMORANDUM = 20
SECTIONS_PER_MEMORANDUM = 4
SHARED_FRAMEWORKS = 12
SHARED_RESOLUTIONS = 8
SHARED_DOCUMENTS = 8
SHARED_ORGANISATIONS = 10
TERMS_PER_GLOSSARY = 3
TEXT_VARIANTS = 50  # the memoranda of a 1,000-practice corpus
BASE_IRI = "https://w3id.org/gctf-good-practices/"

# Lower-case words only, so that a sentence starts upper case only where we capitalise it.
_WORD_TEXT = (
    "states may consider developing programs that support local communities practitioners "
    "policymakers researchers agencies information sharing prevention intervention response "
    "detection criminal justice sector civil society families schools online platforms "
    "rehabilitation reintegration assessment risk evaluation cooperation coordination national "
    "regional international legal framework human rights rule of law oversight training "
    "resources partnerships mechanisms referral early warning signs violent extremism "
    "radicalization terrorism offenders victims services capacity expertise data evidence "
    "monitoring protocols safeguards transparency accountability trust engagement outreach"
)
WORDS = _WORD_TEXT.split()

HEADINGS = {
    "introduction": "Introduction",
    "practices": "Good Practices",
    "conclusion": "Conclusion",
    "section": "{notation}. {title}",
    "practice": "Good Practice {number}: {title}",
}


def memorandum_key(index: int) -> str:
    return f"synthetic-{index:04d}"


def superscript(number: int) -> str:
    return "".join(SUPERSCRIPT_DIGITS[int(d)] for d in str(number))


def _dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1_000_000)


# --------------------------------------------------------------------------------------------
# Writing text


class Writer:
    """Deterministic filler prose: plain sentences, capitalised, ending in a full stop."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def words(self, low: int, high: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(low, high)))

    def sentence(self, low: int = 10, high: int = 22) -> str:
        text = self.words(low, high)
        return text[0].upper() + text[1:] + "."

    def paragraph(self, sentences: int) -> str:
        return " ".join(self.sentence() for _ in range(sentences))


@dataclass
class Note:
    """A footnote being written: its text and what it cites, in the content file's own form."""

    number: int
    text: str
    citations: list[dict] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)


class Numbering:
    """Footnote numbers handed out in document order, as markers are placed in the texts."""

    def __init__(self) -> None:
        self.notes: list[Note] = []

    def mark(self, text: str) -> tuple[str, Note]:
        note = Note(len(self.notes) + 1, text)
        self.notes.append(note)
        return superscript(note.number), note


# --------------------------------------------------------------------------------------------
# The shared catalogue


def initiative_label(index: int) -> str:
    return f"Synthetic Initiative {memorandum_number(index)}"


def framework_key(index: int) -> str:
    return f"framework-{index:02d}"


def framework_label(index: int) -> str:
    return f"Shared Framework Memorandum {index} on Good Practices"


def resolution_symbol(index: int) -> str:
    return f"S/RES/{2300 + index} (2017)"


def resolution_key(index: int) -> str:
    return f"un/s-res-{2300 + index}-2017"


def document_key(index: int) -> str:
    return f"document-{index:02d}"


def document_label(index: int) -> str:
    return f"Shared Study Number {index} on Prevention Programs"


def organisation_key(index: int) -> str:
    return f"org/synthetic-{index:02d}"


def write_catalogue(folder: Path, memoranda: int, beside_real: bool = False) -> None:
    organisations = [
        {"id": "org/gctf", "label": "Global Counterterrorism Forum", "alt_labels": ["GCTF"]},
        {"id": "org/publisher", "label": "Synthetic Corpus Publisher"},
        *(
            {"id": organisation_key(i), "label": f"Synthetic Organisation {i}"}
            for i in range(1, SHARED_ORGANISATIONS + 1)
        ),
    ]
    documents: list[dict] = []
    for i in range(1, SHARED_FRAMEWORKS + 1):
        documents.append(
            {
                "id": framework_key(i),
                "kind": "framework-document",
                "label": framework_label(i),
                "alt_labels": [f"Framework Memo {i}"],
                "publisher": "org/gctf",
                "issued": f"{2010 + i % 9}-09",
                # each with its title, so a practice no text describes still says what it is
                "practices": [
                    {"notation": f"GP{n}", "title": f"Practice {n} of {framework_label(i)}"}
                    for n in range(1, 6)
                ],
            }
        )
    for i in range(1, SHARED_RESOLUTIONS + 1):
        symbol = resolution_symbol(i)
        documents.append(
            {
                "id": resolution_key(i),
                "kind": "resolution",
                "label": f"United Nations Security Council Resolution {2300 + i}",
                "identifier": symbol,
                "url": f"https://undocs.org/S/RES/{2300 + i}(2017)",
                "issued": "2017",
            }
        )
    for i in range(1, SHARED_DOCUMENTS + 1):
        documents.append(
            {
                "id": document_key(i),
                "kind": "document",
                "label": document_label(i),
                "publisher": organisation_key(1 + i % SHARED_ORGANISATIONS),
            }
        )
    for m in range(1, memoranda + 1):
        documents.append(
            {
                "id": f"initiative/{memorandum_key(m)}",
                "kind": "initiative",
                "label": initiative_label(m),
                "led_by": [
                    organisation_key(1 + ((m - 1) % TEXT_VARIANTS + 1) % SHARED_ORGANISATIONS)
                ],
            }
        )
    (folder / "catalogue").mkdir(parents=True, exist_ok=True)
    if beside_real:
        # One file of our own beside the real catalogue, whose GCTF entry is already there.
        entries = [{**o, "kind": "organisation"} for o in organisations if o["id"] != "org/gctf"]
        (folder / "catalogue" / "synthetic.yaml").write_text(
            "# Synthetic entries (tests/synthetic.py).\n" + _dump(entries + documents),
            encoding="utf-8",
        )
        return
    (folder / "catalogue" / "organisations.yaml").write_text(
        "# Synthetic organisations (tests/synthetic.py).\n" + _dump(organisations),
        encoding="utf-8",
    )
    (folder / "catalogue" / "documents.yaml").write_text(
        "# Synthetic documents, resolutions and initiatives (tests/synthetic.py).\n"
        + _dump(documents),
        encoding="utf-8",
    )


def write_publication(folder: Path, memoranda: int) -> None:
    publication = {
        "base_iri": BASE_IRI,
        "title": "Synthetic Good Practices Corpus",
        "description": f"{memoranda} synthetic memoranda of {PRACTICES_PER_MEMORANDUM} practices.",
        "version": "0.0.0",
        "issued": "2026-01-01",
        "modified": "2026-01-01",
        "publisher": "org/publisher",
        "rights": "Synthetic text, for benchmarks and tests.",
        "license": "https://creativecommons.org/licenses/by/4.0/",
    }
    (folder / "publication.yaml").write_text(_dump(publication), encoding="utf-8")


# --------------------------------------------------------------------------------------------
# One memorandum


@dataclass
class Page:
    """The source text as a PDF extraction prints it: running blocks, with the footnotes whose
    markers a block carries set after it (where the page ends), sometimes inside the block.
    Footnotes are kept as notes and rendered last, as a glossary may still add to their text."""

    blocks: list[str | Note] = field(default_factory=list)

    def add(self, text: str, notes: list[Note], rng: random.Random) -> None:
        cut = _cut_point(text, rng) if notes else None
        if cut is None:
            self.blocks += [text, *notes]
        else:  # the page ends inside the paragraph: the fidelity check joins the two halves
            self.blocks += [text[:cut], *notes, text[cut + 1 :]]

    def text(self) -> str:
        return (
            "\n\n".join(
                f"{superscript(b.number)} {b.text}" if isinstance(b, Note) else b
                for b in self.blocks
            )
            + "\n"
        )


def _cut_point(text: str, rng: random.Random) -> int | None:
    """A space after which the paragraph may be cut so that the fidelity check joins it again:
    the part before does not end a sentence, the part after starts in lower case."""
    if rng.random() < 0.5:
        return None
    candidates = [
        i
        for i, ch in enumerate(text)
        if ch == " "
        and text[i + 1 : i + 2].islower()
        and text[i - 1] not in '.:"?!)”'
        and text[i - 1] not in SUPERSCRIPT_DIGITS
    ]
    return rng.choice(candidates[len(candidates) // 2 :]) if candidates else None


def _with_marker(paragraph: str, marker: str, rng: random.Random) -> str:
    """The paragraph with a footnote marker after one of its sentences' full stops."""
    stops = [i for i, ch in enumerate(paragraph) if ch == "."]
    at = rng.choice(stops)
    return paragraph[: at + 1] + marker + paragraph[at + 1 :]


def memorandum_number(index: int) -> str:
    return f"{index:04d}"


def write_memorandum(folder: Path, index: int, memoranda: int, seed: int) -> None:
    variant = (index - 1) % TEXT_VARIANTS + 1
    rng = random.Random(f"{seed}/{variant}")
    write = Writer(rng)
    key = memorandum_key(index)
    name = f"Synthetic Memorandum {memorandum_number(index)}"
    title = f"{name} on Good Practices for Prevention and Response"
    memo_dir = folder / "memoranda" / key
    (memo_dir / "practices").mkdir(parents=True, exist_ok=True)
    numbering = Numbering()
    page = Page()
    page.blocks += [initiative_label(index), title, HEADINGS["introduction"]]

    # Introduction: cites the shared framework and mentions the leading organisation.
    framework = 1 + variant % SHARED_FRAMEWORKS
    intro_words = f"This document complements the {framework_label(framework)}"
    intro = [
        f"{intro_words}, and {write.words(8, 14)}.",
        write.paragraph(3),
        write.paragraph(2),
    ]
    marker, note = numbering.mark(
        f"See generally GCTF *{document_label(1 + variant % SHARED_DOCUMENTS)}*."
    )
    note.citations.append(
        {
            "cites": document_key(1 + variant % SHARED_DOCUMENTS),
            "as": "citesAsRecommendedReading",
            "words": f"See generally GCTF {document_label(1 + variant % SHARED_DOCUMENTS)}",
        }
    )
    intro[1] = _with_marker(intro[1], marker, rng)
    for paragraph, notes in zip(intro, [[], [note], []], strict=True):
        page.add(paragraph, notes, rng)
    _write_markdown(
        memo_dir / "introduction.md",
        {
            "citations": [
                {"cites": framework_key(framework), "as": "citesAsRelated", "words": intro_words}
            ],
            "mentions": [organisation_key(1 + variant % SHARED_ORGANISATIONS)],
        },
        intro,
    )

    page.blocks.append(HEADINGS["practices"])
    glossary_notes: list[tuple[str, Note, str]] = []
    sections = []
    per_section = PRACTICES_PER_MEMORANDUM // SECTIONS_PER_MEMORANDUM
    number = 0
    for s in range(1, SECTIONS_PER_MEMORANDUM + 1):
        section_title = f"Section {s} on {write.words(2, 4).title()}"
        section_notes = []
        if s % 2 == 0:  # a heading carries a definition, as "Prevention⁸" does in the source
            label = f"term {memorandum_number(index)} {s}"
            definition = f"For this memorandum, {label} refers to {write.words(8, 14)}."
            marker, note = numbering.mark(f"{definition} {write.sentence()}")
            section_title += marker
            section_notes.append(note)
            glossary_notes.append((label, note, definition))
        sections.append({"notation": ROMAN[s - 1], "title": section_title})
        page.add(HEADINGS["section"].format(notation=ROMAN[s - 1], title=section_title), [], rng)
        page.blocks += section_notes
        for _ in range(per_section):
            number += 1
            _write_practice(
                memo_dir, index, variant, memoranda, number, ROMAN[s - 1], numbering, page, write
            )

    conclusion = [write.paragraph(3), write.paragraph(2)]
    page.blocks.append(HEADINGS["conclusion"])
    for paragraph in conclusion:
        page.add(paragraph, [], rng)
    _write_markdown(memo_dir / "conclusion.md", {}, conclusion)

    # Glossary: terms defined in heading footnotes, topped up from practice footnotes.
    for note in numbering.notes:
        if len(glossary_notes) >= TERMS_PER_GLOSSARY:
            break
        if not note.citations and not any(n is note for _, n, _ in glossary_notes):
            label = f"measure {memorandum_number(index)} {note.number}"
            definition = f"For this memorandum, {label} refers to {write.words(8, 14)}."
            note.text = f"{definition} {note.text}"
            glossary_notes.append((label, note, definition))

    memorandum = {
        "id": key,
        "source": f"../../source/{key}.md",
        "title": title,
        "short_title": name,
        "issued": f"{2012 + variant % 10}-09-2{variant % 8}",
        "publisher": "org/gctf",
        "contributors": [organisation_key(1 + (variant + 1) % SHARED_ORGANISATIONS)],
        "generated_by": f"initiative/{key}",
        "headings": HEADINGS,
        "sections": sections,
    }
    (memo_dir / "memorandum.yaml").write_text(
        "# A synthetic memorandum (tests/synthetic.py).\n" + _dump(memorandum),
        encoding="utf-8",
    )
    footnotes = []
    for note in numbering.notes:
        item: dict = {"number": note.number, "text": note.text}
        if note.citations:
            item["citations"] = note.citations
        if note.mentions:
            item["mentions"] = note.mentions
        footnotes.append(item)
    (memo_dir / "footnotes.yaml").write_text(_dump(footnotes), encoding="utf-8")
    glossary = {
        "id": "glossary",
        "title": f"Glossary of {name}",
        "definition": f"The terms that {name} defines.",
        "terms": [
            {
                "id": label.replace(" ", "-"),
                "label": label,
                "source": note.number,
                "definition": definition,
            }
            for label, note, definition in glossary_notes
        ],
    }
    (memo_dir / "glossary.yaml").write_text(_dump(glossary), encoding="utf-8")
    (folder / "source").mkdir(parents=True, exist_ok=True)
    (folder / "source" / f"{key}.md").write_text(page.text(), encoding="utf-8")


def _write_practice(
    memo_dir: Path,
    index: int,
    variant: int,
    memoranda: int,
    number: int,
    section: str,
    numbering: Numbering,
    page: Page,
    write: Writer,
) -> None:
    rng = write.rng
    title = f"{write.sentence(6, 12)}"
    citations: list[dict] = []
    title_notes: list[Note] = []
    body_notes: list[list[Note]] = [[], []]
    paragraphs = [write.paragraph(rng.randint(3, 5)), write.paragraph(rng.randint(2, 4))]

    if number % 4 == 1:  # a marker on the title, as Good Practice 3 of the source has
        marker, note = numbering.mark(write.paragraph(2))
        note.mentions.append(organisation_key(1 + number % SHARED_ORGANISATIONS))
        title += marker
        title_notes.append(note)

    # Every fifth practice cites a practice of the next memorandum (the first, for the last) in
    # its running text: a link between two encoded memoranda.
    if number % 5 == 0 and memoranda > 1:
        other = memorandum_key(index % memoranda + 1)
        target = 1 + (variant + number) % PRACTICES_PER_MEMORANDUM
        words = (
            f"As Good Practice {target} of Synthetic Memorandum "
            f"{memorandum_number(index % memoranda + 1)} recommends"
        )
        paragraphs[0] = f"{words}, {paragraphs[0][0].lower()}{paragraphs[0][1:]}"
        citations.append({"cites": f"{other}/gp{target}", "as": "agreesWith", "words": words})

    # A body footnote citing a shared framework practice, a resolution or a study.
    kind = number % 3
    framework = 1 + (variant + number) % SHARED_FRAMEWORKS
    if kind == 0:
        practice = 1 + number % 5
        described = f"which encourages {write.words(6, 10)}"
        words = f"See Good Practice {practice} of the {framework_label(framework)}, {described}"
        marker, note = numbering.mark(f"{words}.")
        note.citations.append(
            {
                "cites": f"{framework_key(framework)}/gp{practice}",
                "as": "citesAsRecommendedReading",
                "words": words,
                "describes": described,
            }
        )
    elif kind == 1:
        resolution = 1 + (variant + number) % SHARED_RESOLUTIONS
        words = f"United Nations Security Council Resolution {2300 + resolution}"
        marker, note = numbering.mark(f"{words} recognized {write.words(6, 12)}.")
        note.citations.append(
            {"cites": resolution_key(resolution), "as": "citesAsAuthority", "words": words}
        )
    else:
        study = 1 + (variant + number) % SHARED_DOCUMENTS
        words = f"the *{document_label(study)}*"
        marker, note = numbering.mark(
            f"According to {words}, {write.words(6, 12)}. {write.sentence()}"
        )
        note.citations.append(
            {
                "cites": document_key(study),
                "as": "citesAsEvidence",
                "words": f"According to the {document_label(study)}",
            }
        )
    paragraphs[0] = _with_marker(paragraphs[0], marker, rng)
    body_notes[0].append(note)

    page.add(HEADINGS["practice"].format(number=number, title=title), title_notes, rng)
    for paragraph, notes in zip(paragraphs, body_notes, strict=True):
        page.add(paragraph, notes, rng)

    front = {"number": number, "section": section, "title": title}
    if citations:
        front["citations"] = citations
    _write_markdown(memo_dir / "practices" / f"gp{number:02d}.md", front, paragraphs)


def _write_markdown(path: Path, front: dict, paragraphs: list[str]) -> None:
    head = f"---\n{_dump(front)}---\n\n" if front else ""
    path.write_text(head + "\n\n".join(paragraphs) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------------------------


def write_corpus(
    folder: Path, memoranda: int, seed: int = 2018, beside: Path | None = None
) -> Path:
    """Write a content folder of ``memoranda`` synthetic memoranda into ``folder``; with
    ``beside`` (a content folder), a copy of it plus the synthetic memoranda, each a folder of
    its own and the catalogue entries in one added file, as a maintainer would add them."""
    folder = Path(folder)
    if beside is not None:
        shutil.copytree(beside, folder, ignore=shutil.ignore_patterns(".*"))
    folder.mkdir(parents=True, exist_ok=True)
    if beside is None:
        write_publication(folder, memoranda)
    write_catalogue(folder, memoranda, beside_real=beside is not None)
    for index in range(1, memoranda + 1):
        write_memorandum(folder, index, memoranda, seed)
    return folder
