"""Prove the published text is the source text: rebuild the document from the graph and compare.

The only differences allowed are the declared normalisations:
- whitespace is folded (runs of spaces and line breaks count as one space);
- a paragraph that the page-extracted source cuts in two around a footnote block is joined again
  with one space (the part before the block does not end a sentence, the part after starts in
  lower case);
- footnotes are compared one by one by number, not where the page break put them.
Markup (footnote markers, *italics*, <links>) is compared as printed, on the marked text.

A retired practice or footnote (``owl:deprecated true``: removed or renumbered in a later
release, kept so that its IRI keeps answering) is out of the document: its text is compared
with the release record that last published it, not with the source text.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns

from ..content import (
    MARKER,
    SUPERSCRIPT_DIGITS,
    Location,
    Problem,
    display_path,
    fold,
    marker_number,
)
from ..graph import graph_order_key
from ..graph.terms import Terms
from ..iris import Iris, heading_iri, paragraph_iri, text_name
from ..vocab import GP as GP_NAMESPACE
from .report import CheckedModel

# Each term made once (rdflib makes a new IRI at each ``SKOS.prefLabel``)
DCTERMS, OWL, PROV, RDF, SKOS = (Terms(n) for n in (ns.DCTERMS, ns.OWL, ns.PROV, ns.RDF, ns.SKOS))
GP = Terms(GP_NAMESPACE)
TRUE = Literal(True)

SENTENCE_END = (".", ":", '"', "?", "!", ")", "”")
# More extra or missing paragraphs in a row than this are reported as one run.
RUN = 3


@dataclass
class SourceParagraph:
    text: str
    line: int


def read_source(path: Path) -> tuple[list[SourceParagraph], dict[int, SourceParagraph]]:
    """The source's running paragraphs (split ones joined) and its footnotes by number."""
    return parse_source(path.read_text(encoding="utf-8"))


def parse_source(text: str) -> tuple[list[SourceParagraph], dict[int, SourceParagraph]]:
    """``read_source`` of a text already read (``goodpractice import`` reads a draft's so)."""
    lines = text.split("\n")
    blocks: list[SourceParagraph] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate([*lines, ""], start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line.strip())
        elif current:
            blocks.append(SourceParagraph(" ".join(current), start))
            current = []
    running: list[SourceParagraph] = []
    footnotes: dict[int, SourceParagraph] = {}
    for block in blocks:
        if block.text[0] in SUPERSCRIPT_DIGITS:
            marker = MARKER.match(block.text).group(0)
            footnotes[marker_number(marker)] = SourceParagraph(
                block.text[len(marker) :].strip(), block.line
            )
        elif running and not running[-1].text.endswith(SENTENCE_END) and block.text[0].islower():
            running[-1] = SourceParagraph(f"{running[-1].text} {block.text}", running[-1].line)
        else:
            running.append(block)
    return running, footnotes


def _ordered(graph: Graph, subjects) -> list[URIRef]:
    """In source order, by the read model's one sort rule (a missing ordinal sorts last)."""
    return sorted(set(subjects), key=lambda s: graph_order_key(graph, s))


def rebuild_document(
    graph: Graph, scheme: URIRef, headings: dict[str, str]
) -> list[tuple[str, URIRef]]:
    """The memorandum's running text as the source prints it, each paragraph with its resource
    (for body paragraphs, the paragraph's own key: see paragraph_iri)."""
    paragraphs: list[tuple[str, URIRef]] = []

    def add_text(node: URIRef) -> None:
        for index, paragraph in enumerate(str(graph.value(node, GP.markedText)).split("\n\n")):
            paragraphs.append((paragraph, paragraph_iri(node, index)))

    initiative = graph.value(scheme, PROV.wasGeneratedBy)
    if initiative is not None:  # a memorandum whose title block names no initiative has none
        paragraphs.append((str(graph.value(initiative, SKOS.prefLabel)), scheme))
    paragraphs.append((str(graph.value(scheme, SKOS.prefLabel)), scheme))
    introduction = graph.value(scheme, GP.introduction)
    paragraphs.append((headings["introduction"], introduction))
    add_text(introduction)
    paragraphs.append((headings["practices"], scheme))
    for section in _ordered(graph, graph.objects(scheme, SKOS.hasTopConcept)):
        title = str(graph.value(section, GP.markedTitle))
        notation = str(graph.value(section, SKOS.notation))
        paragraphs.append((headings["section"].format(notation=notation, title=title), section))
        for practice in _ordered(graph, graph.objects(section, SKOS.narrower)):
            if _retired(graph, practice):
                continue  # out of the document: checked against its release (check_retired)
            ordinal = graph.value(practice, GP.ordinal)  # missing: the heading differs
            number = int(ordinal) if ordinal is not None else "?"
            title = str(graph.value(practice, GP.markedTitle))
            paragraphs.append((headings["practice"].format(number=number, title=title), practice))
            add_text(practice)
    conclusion = graph.value(scheme, GP.conclusion)
    paragraphs.append((headings["conclusion"], conclusion))
    add_text(conclusion)
    return paragraphs


def check_fidelity(
    graph: Graph,
    scheme: URIRef,
    source: Path,
    headings: dict[str, str],
    locate: dict[URIRef, Location] | None = None,
) -> list[Problem]:
    """Every paragraph and footnote of the source, once, in order, equal to the published text."""
    locate = locate or {}
    source_name = display_path(source)
    running, source_notes = read_source(source)
    rebuilt = rebuild_document(graph, scheme, headings)
    problems: list[Problem] = []

    def differ(node: URIRef, ours: str, theirs: SourceParagraph | None) -> None:
        key = text_name(node)
        is_heading = not (", paragraph" in key or key.startswith("fn"))
        what = f"{key}, heading" if is_heading else key
        location = (
            (locate.get(heading_iri(node)) if is_heading else None)
            or locate.get(node)
            or locate.get(URIRef(str(node).split("#")[0]))
        )
        if theirs is None:
            problems.append(
                Problem(
                    location, f"{what} is not in the source text {source_name}: {_clip(ours)!r}"
                )
            )
            return
        a, b = fold(ours), fold(theirs.text)
        at = next(
            (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
        )
        while at > 0 and not a[at - 1].isspace():  # show the whole word that differs
            at -= 1
        problems.append(
            Problem(
                location,
                f"{what} differs from the source text ({source_name}:{theirs.line}) at "
                f"character {at + 1}: the source has {_clip(b[at:])!r}, the data has {_clip(a[at:])!r}",
            )
        )

    # Align the two sequences so that one missing or extra paragraph is reported as such,
    # not as a difference in every paragraph after it.
    matcher = SequenceMatcher(
        None, [fold(t) for t, _ in rebuilt], [fold(p.text) for p in running], autojunk=False
    )
    for op, ours_start, ours_end, src_start, src_end in matcher.get_opcodes():
        if op == "equal":
            continue
        if op == "replace" and ours_end - ours_start == src_end - src_start:
            for offset in range(ours_end - ours_start):
                text, node = rebuilt[ours_start + offset]
                differ(node, text, running[src_start + offset])
            continue
        extra = rebuilt[ours_start:ours_end]
        if len(extra) > RUN:  # one message for a run, not one per paragraph of a pasted text
            text, node = extra[0]
            first = text_name(node).replace(", paragraph ", ", paragraphs ")
            last = text_name(extra[-1][1]).rsplit(" ", 1)[-1]
            problems.append(
                Problem(
                    locate.get(node) or locate.get(URIRef(str(node).split("#")[0])),
                    f"{first} to {last} ({len(extra)} paragraphs) are not in the source text "
                    f"{source_name}; the first: {_clip(text)!r}",
                )
            )
        else:
            for text, node in extra:
                differ(node, text, None)
        after = rebuilt[ours_start - 1][1] if ours_start else scheme
        after_key = text_name(after)
        where = locate.get(after) or locate.get(URIRef(str(after).split("#")[0]))
        missing = running[src_start:src_end]
        if len(missing) > RUN:
            problems.append(
                Problem(
                    where,
                    f"the source paragraphs at {source_name}:{missing[0].line}-{missing[-1].line} "
                    f"({len(missing)} paragraphs) are missing from the data (expected after "
                    f"{after_key}); the first: {_clip(missing[0].text)!r}",
                )
            )
            missing = []
        for paragraph in missing:
            problems.append(
                Problem(
                    where,
                    f"the source paragraph at {source_name}:{paragraph.line} is missing from the data "
                    f"(expected after {after_key}): {_clip(paragraph.text)!r}",
                )
            )

    # From the scheme to its parts, not from every footnote of every memorandum to its scheme:
    # the check of each memorandum then costs its own size, not the whole dataset's.
    # A footnote without a number cannot be matched to the source's (the shapes report it).
    ours = {
        int(graph.value(fn, GP.ordinal)): fn
        for fn in graph.subjects(DCTERMS.isPartOf, scheme)
        if (fn, RDF.type, GP.Footnote) in graph
        and graph.value(fn, GP.attachedTo) is not None
        and not _retired(graph, fn)
        and graph.value(fn, GP.ordinal) is not None
        and _scheme_of(graph, fn) == scheme
    }
    for number in sorted(set(ours) | set(source_notes)):
        if number not in ours:
            problems.append(
                Problem(
                    locate.get(scheme),
                    f"footnote {number} of the source ({source_name}:{source_notes[number].line}) is missing from the data",
                )
            )
            continue
        text = str(graph.value(ours[number], GP.markedText))
        theirs = source_notes.get(number)
        if theirs is None or fold(text) != fold(theirs.text):
            differ(ours[number], text, theirs)
    return problems


def _retired(graph: Graph, node: URIRef) -> bool:
    return (node, OWL.deprecated, TRUE) in graph


# What a retired text keeps as its release published it: a practice's title and text, a
# footnote's text.
RETIRED_TEXTS = ((GP.markedTitle, "heading"), (GP.markedText, "text"))


def check_retired(
    graph: Graph, scheme: URIRef, records, locate: dict | None = None
) -> list[Problem]:
    """Each retired practice and footnote of the memorandum ``scheme`` against the last release
    record that has it (``records``: oldest first, each with ``version``, ``lines``, sorted
    N-Triples, and ``content_file``): its texts stay as that release published them, and a
    resource no release published is deleted, not retired."""
    locate = locate or {}
    retired = sorted(
        node
        for node in graph.subjects(OWL.deprecated, Literal(True))
        if ((node, RDF.type, GP.GoodPractice) in graph and (node, SKOS.inScheme, scheme) in graph)
        or ((node, RDF.type, GP.Footnote) in graph and (node, DCTERMS.isPartOf, scheme) in graph)
    )
    problems = []
    for node in retired:
        key = text_name(node)
        found = None
        for record in reversed(records or []):
            lines, first = _lines_of(record.lines, node)
            if lines:
                found = record, Graph().parse(data="".join(lines), format="nt"), first
                break
        if found is None:
            problems.append(
                Problem(
                    locate.get(node),
                    f"{key} is retired (deprecated) but no release published it: a resource "
                    "that was never released is deleted, not retired",
                )
            )
            continue
        record, published, first = found
        for prop, what in RETIRED_TEXTS:
            ours, theirs = graph.value(node, prop), published.value(node, prop)
            if theirs is None or ours == theirs:
                continue
            a, b = str(ours or ""), str(theirs)
            at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
                      min(len(a), len(b)))  # fmt: skip
            problems.append(
                Problem(
                    locate.get(heading_iri(node) if what == "heading" else paragraph_iri(node, 0))
                    or locate.get(node),
                    f"{key} is retired: its {what} stays as release {record.version} published "
                    f"it ({display_path(record.content_file)}:{first}), but differs at character "
                    f"{at + 1}: the release has {_clip(b[at:])!r}, the data has {_clip(a[at:])!r}",
                )
            )
    return problems


def _lines_of(lines: list[str], node: URIRef) -> tuple[list[str], int]:
    """The lines of one subject in sorted N-Triples lines, and the number of the first."""
    start = f"<{node}> "
    first = last = bisect_left(lines, start)
    while last < len(lines) and lines[last].startswith(start):
        last += 1
    return lines[first:last], first + 1


def _scheme_of(graph: Graph, node: URIRef) -> URIRef | None:
    return graph.value(node, DCTERMS.isPartOf)


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def fidelity_problems(model: CheckedModel, only: set[str] | None = None) -> list[Problem]:
    """The fidelity problems of every memorandum of a model (the pipeline's ``Model``: its
    content, graph and locations); ``only``: of the memoranda with these keys."""
    iris = Iris(model.content.publication.base_iri)
    history = getattr(model, "history", None)  # the release records, where there are any
    records = history.records if history is not None else []
    problems = []
    for memo in model.content.memoranda:
        if only is not None and memo.key not in only:
            continue
        problems += check_fidelity(
            model.graph, iris(memo.key), memo.source, memo.headings, model.locations
        )
        problems += check_retired(model.graph, iris(memo.key), records, model.locations)
    return problems
