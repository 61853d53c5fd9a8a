"""Consistency: what must hold between files before a graph can be built.

Each rule is a small function that adds the problems it finds to a ``Check``; ``RULES`` run
over the whole content, ``MEMORANDUM_RULES`` over each memorandum, in the order listed.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from .markup import MARKER, ROMAN, fold, marker_number
from .model import Content, Footnote, Memorandum, Practice, Unit, document_order
from .problems import Location, Problem, display_path
from .values import parse_date


@dataclass
class Check:
    """The content being checked, the keys it defines, and the problems found so far;
    ``memory``: what the rules found in each memorandum alone, kept from the last check
    (``RuleMemory``); ``alone``: that of the memorandum being checked."""

    content: Content
    keys: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)
    memory: RuleMemory | None = None
    alone: Alone | None = None

    def add(self, location: Location | None, message: str) -> None:
        self.problems.append(Problem(location, message))

    def need(self, key: str | None, location: Location, what: str) -> None:
        if key and key not in self.keys:
            self.add(location, f"{what} '{key}' is not in the catalogue or the memoranda")


def defined_keys(content: Content) -> set[str]:
    keys = set(content.catalogue)
    for memo in content.memoranda:
        keys.add(memo.key)
        keys.update(f"{memo.key}/{u.key}" for u in [*memo.units(), *memo.footnotes])
        if memo.glossary:
            keys.update(f"{memo.key}/{memo.glossary.key}/{t.key}" for t in memo.glossary.terms)
    for entry in content.catalogue.values():
        keys.update(f"{entry.key}/{p.notation.lower()}" for p in entry.practices)
    return keys


# --------------------------------------------------------------------------------------------
# Rules over the whole content


def entries_are_not_memoranda(check: Check) -> None:
    """A framework document of the catalogue may be encoded later: the stub and the memorandum
    are then one resource, and the practices the stub lists as cited must be encoded ones."""
    memoranda = {m.key: m for m in check.content.memoranda}
    for entry in check.content.catalogue.values():
        memo = memoranda.get(entry.key)
        if memo is None:
            continue
        if entry.kind != "framework-document":
            check.add(
                entry.location,
                f"'{entry.key}' is both a {entry.kind} of the catalogue and an encoded memorandum",
            )
            continue
        numbers = {p.number for p in memo.practices}
        for p in entry.practices:
            if p.notation[2:].isdigit() and int(p.notation[2:]) not in numbers:
                check.add(
                    p.location,
                    f"'{entry.key}' lists {p.notation} as cited, but the encoded memorandum "
                    f"{display_path(memo.location.path.parent)} has no Good Practice {p.notation[2:]}",
                )


def proposals_awaiting(content: Content) -> int:
    """How many citation proposals of `goodpractice import` no one has confirmed yet."""
    return sum(
        len(unit.proposed)
        for memo in content.memoranda
        for unit in [*memo.units(), *memo.footnotes]
    )


def entries_refer_to_known_keys(check: Check) -> None:
    for entry in check.content.catalogue.values():
        check.need(entry.publisher, entry.field_location("publisher"), "publisher")
        for key in entry.led_by + entry.partners:
            check.need(key, entry.location, "organisation")
        cited_practice_notations(check, entry)


def cited_practice_notations(check: Check, entry) -> None:
    notations = [p.notation for p in entry.practices]
    for p in entry.practices:
        if not re.fullmatch(r"GP[1-9][0-9]*", p.notation):
            check.add(
                p.location, f"practice notation '{p.notation}' must be GP followed by its number"
            )
        if notations.count(p.notation) > 1:
            check.add(p.location, f"practice {p.notation} is listed twice in '{entry.key}'")
    if entry.practices and entry.kind != "framework-document":
        check.add(
            entry.location, f"only a framework-document can have practices, not a {entry.kind}"
        )


def publisher_is_known(check: Check) -> None:
    publication = check.content.publication
    check.need(publication.publisher, publication.field_location("publisher"), "publisher")


def dates_are_dates(check: Check) -> None:
    content = check.content
    catalogue = content.catalogue.values()
    dated = [(e.issued, e.field_location("issued")) for e in catalogue if e.issued]
    dated += [(m.issued, m.field_location("issued")) for m in content.memoranda]
    dated += [
        (getattr(content.publication, name), content.publication.field_location(name))
        for name in ("issued", "modified")
    ]
    for value, location in dated:
        if value and parse_date(value) is None:
            check.add(location, f"'{value}' is not a date: write YYYY-MM-DD, YYYY-MM or YYYY")


# The rules of a memorandum whose findings depend on it alone: not on the catalogue, the keys of
# the content or another memorandum (each only adds problems, and sets footnotes' attached_to).
# A rebuild keeps their problems while the memorandum is unchanged (``RuleMemory``).
LOCAL_RULES: set[Callable] = set()


def local(rule: Callable[[Memorandum, Check], None]) -> Callable[[Memorandum, Check], None]:
    """Marks a rule of ``LOCAL_RULES``."""
    LOCAL_RULES.add(rule)
    return rule


def each_memorandum(check: Check) -> None:
    memory = check.memory
    for memo in check.content.memoranda:
        check.alone = alone = memory.alone(memo) if memory is not None else Alone.of(memo)
        for rule in MEMORANDUM_RULES:
            if rule in LOCAL_RULES:
                check.problems += alone.problems[rule]
            else:
                rule(memo, check)
        check.alone = None
    if memory is not None:
        memory.keep_only(check.content.memoranda)


# --------------------------------------------------------------------------------------------
# Rules over one memorandum


def memorandum_refers_to_known_keys(memo: Memorandum, check: Check) -> None:
    check.need(memo.publisher, memo.field_location("publisher"), "publisher")
    for key in memo.contributors:
        check.need(key, memo.field_location("contributors"), "contributor")
    check.need(memo.generated_by, memo.field_location("generated_by"), "initiative")


def source_is_unchanged(memo: Memorandum, check: Check) -> None:
    if not memo.source.is_file():
        check.add(
            memo.field_location("source"), f"source text {display_path(memo.source)} not found"
        )
    elif memo.source_sha256 is not None:
        # The source is the authority on wording: an edit to it would pass the fidelity check.
        found = hashlib.sha256(memo.source.read_bytes()).hexdigest()
        if found != memo.source_sha256.lower():
            check.add(
                memo.source_location,
                f"source text {display_path(memo.source)} has changed: its SHA-256 is "
                f"{found}, not the {memo.source_sha256} recorded here; the source text is "
                "never edited",
            )


@local
def sections_are_numbered_in_roman(memo: Memorandum, check: Check) -> None:
    for number, section in enumerate(memo.sections, start=1):
        expected = ROMAN[number - 1] if number <= len(ROMAN) else str(number)
        if section.notation != expected:
            check.add(
                section.location,
                f"section {number} must have notation '{expected}', not '{section.notation}'",
            )


@local
def practices_are_unique_and_in_known_sections(memo: Memorandum, check: Check) -> None:
    notations = {s.notation for s in memo.sections}
    seen: dict[int, Practice] = {}
    for p in memo.practices:
        if p.number in seen:
            check.add(
                p.location,
                f"duplicate practice number {p.number} (also at {seen[p.number].location})",
            )
        seen[p.number] = p
        if p.section not in notations:
            check.add(
                p.location,
                f"Good Practice {p.number} is in section '{p.section}', which the memorandum "
                f"does not have (sections: {', '.join(sorted(notations))})",
            )


def missing_numbers(numbers) -> list[int]:
    numbers = set(numbers)
    return sorted(set(range(1, max(numbers, default=0) + 1)) - numbers)


@local
def practices_have_no_gaps(memo: Memorandum, check: Check) -> None:
    # A retired practice keeps its number (its IRI is minted from it): the number is taken.
    if missing := missing_numbers(p.number for p in memo.practices):
        check.add(
            memo.location,
            "practice numbers must run from 1 without gaps; missing: "
            + ", ".join(map(str, missing)),
        )


def misfiled_practices(memo: Memorandum) -> list[tuple[Practice, Practice]]:
    """Pairs of neighbouring practices whose sections run backwards (retired ones are out of
    the document)."""
    rank = {section.notation: index for index, section in enumerate(memo.sections)}
    numbered = [p for p in memo.practices if p.section in rank and not p.deprecation]
    return [
        (before, after)
        for before, after in zip(numbered, numbered[1:], strict=False)
        if rank[before.section] > rank[after.section]
    ]


@local
def practices_run_through_sections_in_order(memo: Memorandum, check: Check) -> None:
    # A practice filed under the wrong section shows here, where the maintainer can fix it,
    # not as footnotes out of order.
    for before, after in misfiled_practices(memo):
        check.add(
            before.section_location or before.location,
            f"Good Practice {before.number} is in section {before.section}, but Good "
            f"Practice {after.number} after it is in section {after.section} "
            f"({after.section_location or after.location}): practices are numbered "
            "through the sections in order",
        )


def footnotes_by_number(memo: Memorandum) -> dict[int, Footnote]:
    return {fn.number: fn for fn in memo.footnotes}


@local
def footnotes_are_unique_without_gaps(memo: Memorandum, check: Check) -> None:
    by_number: dict[int, Footnote] = {}
    for fn in memo.footnotes:
        if fn.number in by_number:
            check.add(
                fn.location,
                f"duplicate footnote number {fn.number} (also at {by_number[fn.number].location})",
            )
        by_number[fn.number] = fn
    if missing := missing_numbers(by_number):
        check.add(
            memo.location,
            "footnote numbers must run from 1 without gaps; missing: "
            + ", ".join(map(str, missing)),
        )


@local
def markers_have_one_footnote_each(memo: Memorandum, check: Check) -> None:
    """Each marker in exactly one unit, in order; records the unit each footnote is attached to."""
    by_number = footnotes_by_number(memo)
    placed = document_order(memo)
    # A practice in an unknown section is reported elsewhere; still read its markers, so that
    # its footnotes are not also reported as having none. A retired practice is out of the
    # document: its markers are those of the release that published it.
    unplaced = [p for p in memo.practices if p not in placed and not p.deprecation]
    marked_in: dict[int, Unit] = {}
    sequence: list[int] = []
    for unit in placed + unplaced:
        for text in unit.texts:
            for index, paragraph in enumerate(text.paragraphs):
                for number in (marker_number(m) for m in MARKER.findall(paragraph)):
                    location = text.paragraph_location(index)
                    if unit not in unplaced:
                        sequence.append(number)
                    if number not in by_number:
                        check.add(
                            location,
                            f"footnote marker {number} has no footnote {number} in footnotes.yaml",
                        )
                    elif by_number[number].deprecation:
                        check.add(
                            location,
                            f"footnote marker {number} refers to footnote {number}, which is "
                            f"retired (deprecated at {by_number[number].deprecation.location})",
                        )
                    elif number in marked_in:
                        check.add(
                            location,
                            f"footnote marker {number} appears again (first in "
                            f"{marked_in[number].key})",
                        )
                    else:
                        marked_in[number] = unit
                        by_number[number].attached_to = unit.key
    footnotes_have_markers(memo, check, set(marked_in))
    if sequence != sorted(sequence) and not misfiled_practices(memo):
        check.add(
            memo.location,
            f"footnote markers are out of order in the text: {', '.join(map(str, sequence))}",
        )


def footnotes_have_markers(memo: Memorandum, check: Check, marked: set[int]) -> None:
    # With practices missing, their footnotes' markers are missing too: the missing practices
    # are the problem to report, not each footnote they would have carried.
    knock_on = not memo.practices or missing_numbers(p.number for p in memo.practices)
    for fn in memo.footnotes:
        if fn.number not in marked and not knock_on and not fn.deprecation:
            check.add(
                fn.location, f"footnote {fn.number} has no marker in any text of the memorandum"
            )
        if fn.text and fn.text.markers:
            check.add(fn.text.location, f"footnote {fn.number} contains a footnote marker")


def citations_are_in_their_text(memo: Memorandum, check: Check) -> None:
    """Citations: known targets, words found in the citing text; records what each describes."""
    units = [*memo.units(), *memo.footnotes]
    alone = check.alone if check.alone is not None and check.alone.memo is memo else None
    plains = alone.plains if alone is not None else folded_texts(units)
    for unit, plain in zip(units, plains, strict=True):
        for c in unit.citations:
            check.need(c.cites, c.location, "cited resource")
            if fold(c.words) not in plain:
                check.add(
                    c.location,
                    f"the words of this citation do not occur in the text of {unit.key}: {c.words!r}",
                )
            if c.describes:
                described_practice(memo, unit, c, plain, check)
        for key, location in unit.mentions:
            check.need(key, location, "mentioned resource")


def described_practice(memo: Memorandum, unit: Unit, c, plain: str, check: Check) -> None:
    if fold(c.describes) not in plain:
        check.add(
            c.location,
            f"the description of {c.cites} does not occur in the text of {unit.key}: {c.describes!r}",
        )
    entry_key, _, notation = c.cites.rpartition("/")
    entry = check.content.catalogue.get(entry_key)
    practice = (
        next((p for p in entry.practices if p.notation.lower() == notation), None)
        if entry
        else None
    )
    if practice is None:
        check.add(
            c.location,
            f"'describes' is only for a cited practice of another memorandum, not for {c.cites}",
        )
    else:
        practice.descriptions.append((c.describes, f"{memo.key}/{unit.key}"))


@local
def glossary_terms_come_from_footnotes(memo: Memorandum, check: Check) -> None:
    if not memo.glossary:
        return
    by_number = footnotes_by_number(memo)
    labels: set[str] = set()
    for term in memo.glossary.terms:
        if term.label in labels:
            check.add(term.location, f"the glossary defines '{term.label}' twice")
        labels.add(term.label)
        fn = by_number.get(term.source)
        if fn is None:
            check.add(
                term.location,
                f"term '{term.label}' cites footnote {term.source}, which does not exist",
            )
        elif fold(term.definition) not in fold(fn.text.plain):
            check.add(
                term.definition_location or term.location,
                f"the definition of '{term.label}' does not occur in footnote {term.source}",
            )


MEMORANDUM_RULES: tuple[Callable[[Memorandum, Check], None], ...] = (
    memorandum_refers_to_known_keys,
    source_is_unchanged,
    sections_are_numbered_in_roman,
    practices_are_unique_and_in_known_sections,
    practices_have_no_gaps,
    practices_run_through_sections_in_order,
    footnotes_are_unique_without_gaps,
    markers_have_one_footnote_each,
    citations_are_in_their_text,
    glossary_terms_come_from_footnotes,
)


def folded_texts(units: list[Unit]) -> list[str]:
    """Each unit's text, its texts joined and folded (what its citations' words are sought in)."""
    return [fold(" ".join(t.plain for t in unit.texts)) for unit in units]


class MemorandumOnly(Check):
    """A ``Check`` for a rule of ``LOCAL_RULES``: it has no content or keys to look at."""

    def need(self, key, location, what) -> None:
        raise AssertionError("a rule of one memorandum alone looked up a key of the content")


@dataclass
class Alone:
    """What the rules find in one memorandum alone: the problems of each rule of
    ``LOCAL_RULES``, and its units' folded texts (``folded_texts``)."""

    memo: Memorandum
    problems: dict
    plains: list[str]

    @classmethod
    def of(cls, memo: Memorandum) -> Alone:
        problems = {}
        for rule in (rule for rule in MEMORANDUM_RULES if rule in LOCAL_RULES):  # in order
            check = MemorandumOnly(None, frozenset())  # type: ignore[arg-type]
            rule(memo, check)
            problems[rule] = check.problems
        return cls(memo, problems, folded_texts([*memo.units(), *memo.footnotes]))


class RuleMemory:
    """What the rules found in each memorandum alone (``Alone``), kept from one check to the
    next (a rebuild's: ``pipeline.incremental.Reuse``). A rebuild reads again only the
    memoranda whose files changed (``load.reused``), and keeps the others as the same objects:
    those are the ones whose ``Alone`` is reused. The rules of the whole content, and those of
    a memorandum that look at the catalogue or the content's keys, run in full each time."""

    def __init__(self):
        self.kept: dict[int, Alone] = {}  # id of the memorandum → its findings (held with it)
        self.counts: Counter = Counter()  # "reused", "made": a test tells the fast path ran

    def alone(self, memo: Memorandum) -> Alone:
        found = self.kept.get(id(memo))
        if found is not None and found.memo is memo:
            self.counts["reused"] += 1
            return found
        self.counts["made"] += 1
        found = self.kept[id(memo)] = Alone.of(memo)
        return found

    def keep_only(self, memoranda: list[Memorandum]) -> None:
        """Let go of the findings of the memoranda the content no longer holds."""
        wanted = {id(memo) for memo in memoranda}
        self.kept = {key: kept for key, kept in self.kept.items() if key in wanted}


RULES: tuple[Callable[[Check], None], ...] = (
    entries_are_not_memoranda,
    entries_refer_to_known_keys,
    publisher_is_known,
    dates_are_dates,
    each_memorandum,
)


def check_consistency(content: Content, memory: RuleMemory | None = None) -> list[Problem]:
    """The problems the rules find; ``memory``: see ``RuleMemory`` (the same problems)."""
    check = Check(content, defined_keys(content), memory=memory)
    for rule in RULES:
        rule(check)
    return check.problems
