"""Citation proposals for a footnote: what the catalogue already knows (names, titles and
alternative names, UN resolution numbers and symbols, addresses, "Good Practice N" of a named
memorandum), and the names it does not know, listed as stubs for the catalogue.

Nothing here is a citation yet: a person confirms each proposal (see ``write``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..content import ITALICS, ContentError, Location, Problem, strip_markup
from ..content.files import Mapping, Sequence, load_yaml


@dataclass
class Known:
    """A catalogue entry, as far as matching goes."""

    key: str
    kind: str
    names: list[str]
    identifier: str | None = None
    url: str | None = None
    publisher: str | None = None
    associated: list[str] = field(default_factory=list)
    practices: set[int] = field(default_factory=set)
    raw: dict = field(default_factory=dict)  # the entry as written


@dataclass
class Proposal:
    cites: str | None = None  # a catalogue key, or "<key>/gpN"
    mentions: str | None = None  # an organisation named, not cited
    stub: str | None = None  # a name the catalogue does not know
    kind: str | None = None  # the CiTO property, a guess from the wording
    words: str = ""
    describes: str | None = None
    new: bool = False  # a practice the catalogue does not list yet


@dataclass
class Span:
    start: int
    end: int
    known: Known | None = None
    stub: str | None = None


def read_catalogue(folder: Path) -> list[Known]:
    """Every entry of content/catalogue/*.yaml, read as written (no check: validate does that)."""
    known = []
    for path in sorted(folder.glob("*.yaml")):
        data = load_yaml(path)
        if not isinstance(data, Sequence):
            raise ContentError([Problem(Location(path, 1), f"{path.name} must be a list")])
        for item in data:
            if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
                continue
            names = [item.get("label"), item.get("title"), *(item.get("alt_labels") or [])]
            practices = {
                int(p["notation"][2:])
                for p in item.get("practices") or []
                if isinstance(p, dict) and str(p.get("notation", ""))[2:].isdigit()
            }
            known.append(
                Known(
                    key=item["id"],
                    kind="organisation" if path.stem == "organisations" else item.get("kind", ""),
                    names=[str(n) for n in names if n],
                    identifier=item.get("identifier"),
                    url=item.get("url"),
                    publisher=item.get("publisher"),
                    associated=[*(item.get("led_by") or []), *(item.get("partners") or [])],
                    practices=practices,
                    raw=item,
                )
            )
    return known


DASHES = "-–—‐‑"


def normalise(text: str) -> tuple[str, list[int]]:
    """Lower case, accents, dashes and runs of spaces folded; with each character's position
    in the text."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if ch in DASHES or ch.isspace():
            folded = " "
        elif ch in "’‘":
            folded = "'"
        else:
            decomposed = unicodedata.normalize("NFKD", ch)
            folded = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
        for c in folded:
            if c == " " and (not out or out[-1] == " "):
                continue
            out.append(c)
            where.append(i)
    return "".join(out), where


def name_key(name: str) -> str:
    folded = normalise(name)[0].strip()
    return folded.removeprefix("the ")


RESOLUTION = re.compile(
    r"(?:United Nations\s+)?(?:Security Council\s+|General Assembly\s+)?[Rr]esolution\s+"
    r"(?P<number>\d{1,4}(?:/\d{1,4})?)(?:\s*\((?P<year>\d{4})\))?"
    r"|(?P<symbol>[SA]/RES/\d+(?:/\d+)?(?:\s*\(\d{4}\))?)"
)
URL = re.compile(r"(?:https?://|www\.)[^\s<>\"”]+")
PRACTICE = re.compile(r"Good Practices?\s+(?P<number>\d+)")
SIGNALS = {"see", "see generally", "see also", "e.g.", "cf.", "id.", "ibid."}
# Words that make a capitalised name a document's or a body's (an unknown one: a stub).
KEYWORDS = {
    *("Memorandum", "Memo", "Recommendation", "Recommendations", "Practices", "Resolution"),
    *("Strategy", "Handbook", "Toolkit", "Protocol", "Guidelines", "Assessment", "Convention"),
    *("Declaration", "Report", "Plan", "Framework", "Initiative", "Mechanism", "Forum"),
    *("Centre", "Center", "Directorate", "Institute", "Programme", "Program", "Network"),
    *("Agenda", "Charter", "Principles", "Guide", "Manual", "Study"),
}
CAPITAL = r"(?:[A-Z](?:[\w'’+]|\.(?=\w))*(?:-[\w'’+]+)*)"
CONNECTOR = r"(?:of|the|on|for|to|and|in|a|as|at|de)"
PHRASE = re.compile(
    rf"{CAPITAL}(?:\s+(?:{CONNECTOR}\s+)*{CAPITAL})*(?:\s+\([A-Z][A-Za-z0-9 +\-]*\))?"
)
ACRONYM_AFTER = re.compile(r"\s*\([A-Z][A-Za-z0-9 +\-]*\)$")
AGENT = re.compile(r"\b(?:study|report|survey|paper|analysis)\s+(?:by|of|from)\s+(?:the\s+)?$")


class Matcher:
    """Finds what the catalogue knows in a footnote's text."""

    def __init__(self, catalogue: list[Known], own: set[str]):
        self.catalogue = catalogue
        self.own = own  # the memorandum's own initiative, publisher and their partners
        self.names: list[tuple[str, Known, bool]] = []
        for entry in catalogue:
            for name in dict.fromkeys(entry.names):
                acronym = name.isupper() and " " not in name
                self.names.append((name if acronym else name_key(name), entry, acronym))
        self.resolutions: dict[str, Known] = {}
        for entry in catalogue:
            if entry.identifier and (m := re.match(r"([SA])/RES/(\d+(?:/\d+)?)", entry.identifier)):
                self.resolutions.setdefault(m[2], entry)
        self.by_key = {e.key: e for e in catalogue}

    def spans(self, plain: str) -> list[Span]:
        """What the catalogue knows in the text, longest first where two overlap."""
        folded, where = normalise(plain)
        found: list[Span] = []
        for name, entry, acronym in self.names:
            if acronym:
                pattern = rf"(?<![\w]){re.escape(name)}(?![\w])"
                for m in re.finditer(pattern, plain):
                    found.append(Span(m.start(), m.end(), entry))
                continue
            if len(name) < 3:
                continue
            for m in re.finditer(rf"(?<![a-z0-9]){re.escape(name)}(?![a-z0-9])", folded):
                found.append(Span(where[m.start()], where[m.end() - 1] + 1, entry))
        for m in RESOLUTION.finditer(plain):
            number = m["number"] or re.sub(r"[SA]/RES/|\s*\(.*", "", m["symbol"])
            entry = self.resolutions.get(number)
            found.append(Span(m.start(), m.end(), entry, None if entry else m[0]))
        for m in URL.finditer(plain):
            url = m[0].rstrip(".,;:")
            entry = self.by_url(url)
            found.append(Span(m.start(), m.start() + len(url), entry, None if entry else url))
        chosen: list[Span] = []
        for span in sorted(found, key=lambda s: (s.start - s.end, s.known is None, s.start)):
            if not any(s.start < span.end and span.start < s.end for s in chosen):
                chosen.append(span)
        return sorted(chosen, key=lambda s: s.start)

    def by_url(self, url: str) -> Known | None:
        def bare(u: str) -> str:
            return re.sub(r"^(?:https?://)?(?:www\.)?", "", u).rstrip("/").lower()

        ours = bare(url)
        best = None
        for entry in self.catalogue:
            if not entry.url:
                continue
            theirs = bare(entry.url)
            same = ours == theirs or theirs.startswith(ours + "/") or ours.startswith(theirs + "/")
            if same and (best is None or len(bare(best.url)) < len(theirs)):
                best = entry
        return best


def propose(matcher: Matcher, marked: str) -> list[Proposal]:
    """The proposals for one footnote's text (as printed: *italics*, <links>)."""
    plain = strip_markup(marked)
    spans = matcher.spans(plain)
    taken = [(s.start, s.end) for s in spans]
    spans += _stubs(plain, marked, taken)
    spans.sort(key=lambda s: s.start)
    in_note = {s.known.key for s in spans if s.known}
    linked = {
        key
        for s in spans
        if s.known
        for key in [s.known.publisher, *s.known.associated]
        if key and key != s.known.key
    }
    proposals: list[Proposal] = []
    adjacent: set[int] = set()
    practices = []
    for m in PRACTICE.finditer(plain):
        before = [s for s in spans if s.end <= m.start() and _is_document(s)]
        if not before:
            continue
        container = before[-1]
        if re.fullmatch(r"[\s,*]*", plain[container.end : m.start()]):
            adjacent.add(id(container))
        practices.append((m, container))
    for span in spans:
        words = plain[span.start : span.end]
        if span.known is None:
            if id(span) not in adjacent:
                proposals.append(Proposal(stub=span.stub, words=words))
            continue
        entry = span.known
        if entry.key in matcher.own or id(span) in adjacent:
            continue
        if entry.kind == "organisation" and _named_not_cited(
            plain, span, entry, matcher.own | linked
        ):
            proposals.append(Proposal(mentions=entry.key, words=words))
            if agent := _agent_document(matcher, plain, span, in_note):
                proposals.append(agent)
            continue
        proposals.append(Proposal(cites=entry.key, kind=_kind(plain, span), words=words))
    for m, container in practices:
        number = int(m["number"])
        describes = re.match(r"[^.]*\.?", plain[m.end() :])[0].strip(" ,;:") or None
        describes = describes if describes and describes != "." else None
        words = plain[container.start : m.end()]
        if container.known is None:
            stub = f"Good Practice {number} of {container.stub}"
            proposals.append(Proposal(stub=stub, words=words, describes=describes))
            continue
        proposals.append(
            Proposal(
                cites=f"{container.known.key}/gp{number}",
                kind="citesAsAuthority",
                words=words,
                describes=describes,
                new=number not in container.known.practices,
            )
        )
    return _unique(proposals)


def _is_document(span: Span) -> bool:
    return (span.known is not None and span.known.kind == "framework-document") or (
        span.known is None and span.stub is not None and not span.stub.startswith(("http", "www"))
    )


def _named_not_cited(plain: str, span: Span, entry: Known, associated: set[str]) -> bool:
    """An organisation named as the author or host of something, not cited for itself."""
    after, before = plain[span.end : span.end + 2], plain[max(0, span.start - 8) : span.start]
    return (
        after in ("'s", "’s")
        or bool(re.search(r"\bby\s+(?:the\s+)?$", before))
        or entry.key in associated
    )


def _agent_document(matcher: Matcher, plain: str, span: Span, in_note: set[str]):
    """For "a study by <organisation>": the one document of that organisation the catalogue has,
    or a stub for it."""
    agent = AGENT.search(plain[: span.start])
    if agent is None:
        return None
    words = plain[agent.start() : span.end]
    documents = [e for e in matcher.catalogue if e.publisher == span.known.key]
    if len(documents) == 1 and documents[0].key not in in_note:
        return Proposal(cites=documents[0].key, kind="citesAsEvidence", words=words)
    return None if documents else Proposal(stub=words, words=words)


def _kind(plain: str, span: Span) -> str:
    before = plain[max(0, span.start - 60) : span.start].lower()
    after = plain[span.end : span.end + 40]
    if re.search(r"\b(?:states|calls upon|stating|stated)\s*[\"“]", after):
        return "includesQuotationFrom"
    if re.search(r"see generally|see also|review|encouraged|helpful", before):
        return "citesAsRecommendedReading"
    return "citesForInformation"


def _stubs(plain: str, marked: str, taken: list[tuple[int, int]]) -> list[Span]:
    """Names that look like a document's or an organisation's and that nothing matched."""
    found: list[Span] = []

    def free(start: int, end: int) -> bool:
        return not any(
            s < end and start < e for s, e in [*taken, *((f.start, f.end) for f in found)]
        )

    cursor = 0
    for m in ITALICS.finditer(marked):
        inner = strip_markup(m[1]).strip()
        at = plain.find(inner, cursor)
        if at < 0:
            continue
        cursor = at + len(inner)
        if inner.lower().rstrip(",") in SIGNALS or inner[:1].islower():
            continue
        if free(at, at + len(inner)):
            found.append(Span(at, at + len(inner), stub=inner))
    for m in re.finditer(r"[\"“]([^\"”]{10,300})[\"”]", plain):
        words = m[1].split()
        capitals = sum(w[:1].isupper() for w in words)
        if len(words) <= 25 and capitals >= 0.6 * len(words) and free(m.start(1), m.end(1)):
            found.append(Span(m.start(1), m.end(1), stub=m[1]))
    for m in PHRASE.finditer(plain):
        start, end = m.start(), m.end()
        for s, e in taken:
            if s < end and start < e:
                start = max(start, e)
        text = plain[start:end]
        lead = re.match(r"(?:['’]s\s+|\s+|(?:The|A|An)\s+)*", text)
        start += lead.end()
        end = start + len(plain[start:end].rstrip(".,;:"))
        text = plain[start:end]
        words = re.findall(r"[A-Za-z][\w'’.+-]*", text)
        capitals = [w for w in words if w[:1].isupper()]
        signal = re.search(r"See (?:generally|also)\s*$", plain[max(0, start - 14) : start])
        named = ACRONYM_AFTER.search(text) or any(w.strip("'’s") in KEYWORDS for w in capitals)
        if len(capitals) >= 2 and (named or signal) and free(start, end):
            found.append(Span(start, end, stub=text))
    return found


def _unique(proposals: list[Proposal]) -> list[Proposal]:
    seen: set = set()
    unique = []
    for p in proposals:
        what = (p.cites, p.mentions, name_key(p.stub) if p.stub else None)
        if what not in seen:
            seen.add(what)
            unique.append(p)
    return unique
