"""Each subject's N-Triples and Turtle, made once per graph: a document's N-Triples is its
subjects' blocks joined in order, its Turtle the prefixes it uses and the same subjects' Turtle
blocks, cut out of the whole dataset's Turtle. Every byte is serialised once, not once per
document holding it (a footnote is in its practice's, its section's and its memorandum's).

Why the bytes are those of serialising each document on its own (``ntriples``, ``fast_turtle``):

- a sorted N-Triples document is its subjects in the order of their terms, each with its lines
  sorted: a line starts with its subject's term and a space, and a term never ends inside
  another (an IRI ends with ``>``, a blank node's label with the space);
- pyoxigraph writes sorted triples as they come, one block per subject ending `` .\\n``, and
  a newline inside a literal is escaped, so `` .\\n`` ends a block and nothing else; no blank
  node is written inline, so a block depends on its own triples alone, and on the prefixes
  declared whose namespace starts one of its IRIs: each such namespace is in the block's own
  N-Triples, so it is declared in every document holding the block;
- the prefix lines are pyoxigraph's own, made once for each set of prefixes.

``stats`` counts the documents written each way, so that a test can tell the fast path ran.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter

import pyoxigraph
from rdflib import BNode, Literal, URIRef

from ..vocab import PREFIXES
from .rdf import Counters, fast_turtle

NAMESPACES = tuple((name, str(namespace)) for name, namespace in PREFIXES.items())
_KEY = itemgetter(0)
_END = b" .\n"


@dataclass
class BlockStats(Counters):
    """Turtle documents written so far: joined from the blocks, or by pyoxigraph."""

    joined: int = 0
    serialised: int = 0


stats = BlockStats()


class Blocks:
    """The N-Triples block of each subject of an index, made on first use, and their Turtle
    blocks once ``whole_turtle`` has written the whole dataset."""

    def __init__(self, triples: dict):
        self.triples = triples  # subject → its triples (``ResourceIndex.triples``)
        self.nt: dict = {}  # subject → (its term, its N-Triples, the prefixes it uses as bits)
        self.turtle: dict | None = None  # subject → its Turtle block, without the final " .\n"
        self.terms: dict = {}  # IRI or blank node → its N-Triples term
        self.subjects: list = []  # every subject in the order of their terms, once ``whole`` ran

    def block(self, node) -> tuple[str, bytes, int]:
        found = self.nt.get(node)
        if found is None:
            found = self.nt[node] = self.new_block(self.triples.get(node, ()))
        return found

    def new_block(self, triples) -> tuple[str, bytes, int]:
        """(the subject's term, the N-Triples, the prefixes used) of one subject's triples."""
        lines = sorted({self.line(triple) for triple in triples})
        text = "".join(lines)
        mask = 0
        for bit, (_name, namespace) in enumerate(NAMESPACES):
            if namespace in text:
                mask |= 1 << bit
        term = lines[0][: lines[0].index(" ")] if lines else ""
        return term, text.encode("utf-8"), mask

    def line(self, triple) -> str:
        """``nt_line`` (rdflib's N-Triples row), its terms written once each: the subject and
        predicate (and an object node) from ``terms``, a literal by ``literal_term``."""
        s, p, o = triple
        terms = self.terms
        subject = terms.get(s) or terms.setdefault(s, s.n3())
        predicate = terms.get(p) or terms.setdefault(p, p.n3())
        kind = type(o)  # a failing isinstance of an rdflib term is slow (its classes are ABCs)
        if kind is not URIRef and kind is not BNode and isinstance(o, Literal):
            return f"{subject} {predicate} {literal_term(o)} .\n"
        return f"{subject} {predicate} {terms.get(o) or terms.setdefault(o, o.n3())} .\n"

    def ordered(self, nodes) -> list[tuple]:
        """The blocks of ``nodes`` that have triples, in the order of their terms."""
        triples = self.triples
        return sorted((self.block(node) for node in nodes if node in triples), key=_KEY)

    def documents(self, nodes) -> tuple[bytes, bytes]:
        """(N-Triples, Turtle) of the triples of ``nodes``: what ``ntriples`` and
        ``fast_turtle`` write for them. The Turtle is joined from the Turtle blocks once the
        whole dataset's Turtle is split, else written by pyoxigraph."""
        ordered = self.ordered(nodes)
        nt = b"".join([block for _term, block, _mask in ordered])
        turtle = self.turtle
        if turtle is None or not ordered:
            stats.serialised += 1
            return nt, fast_turtle(None, nt=nt)
        mask = 0
        for _term, _block, bits in ordered:
            mask |= bits
        stats.joined += 1
        body = _END.join([turtle[term] for term, _block, _bits in ordered])
        return nt, prefix_lines(mask) + body + _END

    def whole(self, kept: dict | None = None, order: list | None = None) -> tuple[bytes, bytes]:
        """(N-Triples, Turtle) of every subject; the Turtle is split into blocks for the
        documents that follow. ``kept``: Turtle blocks by term made by an earlier build for
        subjects whose triples are the same (``memory.ExportMemory``): only the other subjects
        are written by pyoxigraph; ``order``: every subject in the order of their terms, if the
        caller knows it. ``subjects`` is then every subject, in the document's order."""
        if order is None:
            pairs = sorted((self.block(node)[0], node) for node in self.triples)
            order = [node for _term, node in pairs]
        self.subjects = order
        block = self.block
        ordered = [block(node) for node in order]
        nt = b"".join([block for _term, block, _mask in ordered])
        mask = 0
        for _term, _block, bits in ordered:
            mask |= bits
        header = prefix_lines(mask)
        if kept is not None and ordered:
            fresh = [entry for entry in ordered if entry[0] not in kept]
            parts = self.turtle_parts(fresh) if fresh else {}
            if parts is not None:
                kept.update(parts)
                self.turtle = kept
                stats.joined += 1
                body = _END.join([kept[term] for term, _block, _bits in ordered])
                return nt, header + body + _END
        stats.serialised += 1
        turtle = fast_turtle(None, nt=nt)
        parts = turtle[len(header) :].split(_END) if turtle.startswith(header) else []
        if len(parts) == len(ordered) + 1 and parts[-1] == b"":
            terms = [term for term, _block, _mask in ordered]
            self.turtle = dict(zip(terms, parts[:-1], strict=True))
        return nt, turtle

    def turtle_parts(self, entries: list) -> dict | None:
        """The Turtle block of each of ``entries`` ((term, N-Triples, prefix bits), in the order
        of their terms) by term, written by pyoxigraph together; None if its Turtle does not
        split into one block each."""
        written = fast_turtle(None, nt=b"".join([entry[1] for entry in entries]))
        mask = 0
        for entry in entries:
            mask |= entry[2]
        header = prefix_lines(mask)
        parts = written[len(header) :].split(_END) if written.startswith(header) else []
        if len(parts) != len(entries) + 1 or parts[-1] != b"":
            return None
        return {entry[0]: part for entry, part in zip(entries, parts[:-1], strict=True)}

    def triples_documents(self, triples: list[tuple]) -> tuple[bytes, bytes]:
        """(N-Triples, Turtle) of any triples (a VocPub document): a subject with exactly its
        own triples is its blocks; the others are serialised here, together."""
        grouped: dict = {}
        for triple in triples:
            grouped.setdefault(triple[0], []).append(triple)
        entries, fresh = [], []
        for subject, group in grouped.items():
            own = self.triples.get(subject, ())
            if self.turtle is not None and len(own) == len(group) and set(own) == set(group):
                term, block, mask = self.block(subject)
                entries.append([term, block, mask, self.turtle[term]])
            else:
                entries.append([*self.new_block(group), None])
                fresh.append(entries[-1])
        entries.sort(key=_KEY)
        nt = b"".join([entry[1] for entry in entries])
        if fresh:
            fresh.sort(key=_KEY)
            parts = self.turtle_parts(fresh)
            if parts is None:
                stats.serialised += 1
                return nt, fast_turtle(None, nt=nt)
            for entry in fresh:
                entry[3] = parts[entry[0]]
        if not entries:
            return nt, b""
        mask = 0
        for entry in entries:
            mask |= entry[2]
        stats.joined += 1
        return nt, prefix_lines(mask) + _END.join([entry[3] for entry in entries]) + _END

    def clear(self) -> None:
        self.nt.clear()
        self.terms.clear()
        self.turtle = None
        self.subjects = []


def literal_term(literal: Literal) -> str:
    """A literal as rdflib's N-Triples row writer (``nt_line``) writes it: quoted with its
    backslashes, newlines, quotes and carriage returns escaped, then its language or datatype
    (``tests/test_export_memory.py`` holds the two to the same text)."""
    text = (
        literal.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"').replace("\r", "\\r")
    )
    language, datatype = literal.language, literal.datatype
    if language:
        if datatype:
            raise ValueError(f"literal {literal!r} has a datatype and a language")
        return f'"{text}"@{language}'
    if datatype:
        return f'"{text}"^^<{datatype}>'
    return f'"{text}"'


_HEADERS: dict[int, bytes] = {}
_PROBE = b"<urn:x:s> <urn:x:p> <urn:x:o> .\n"


def prefix_lines(mask: int) -> bytes:
    """pyoxigraph's ``@prefix`` lines for the prefixes of ``mask`` (one bit a ``NAMESPACES``
    entry), in its order: taken from its Turtle of one triple that uses none of them."""
    found = _HEADERS.get(mask)
    if found is None:
        prefixes = {
            name: namespace for bit, (name, namespace) in enumerate(NAMESPACES) if mask & (1 << bit)
        }
        probe = pyoxigraph.serialize(
            pyoxigraph.parse(_PROBE, format=pyoxigraph.RdfFormat.N_TRIPLES),
            format=pyoxigraph.RdfFormat.TURTLE,
            prefixes=prefixes,
        )
        line = b"<urn:x:s> <urn:x:p> <urn:x:o> .\n"
        if not probe.endswith(line):
            raise ValueError(f"pyoxigraph wrote an unexpected Turtle: {probe!r}")
        found = _HEADERS[mask] = probe[: -len(line)]
    return found
