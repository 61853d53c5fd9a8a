"""The whole dataset's files made again from the last build's pieces (``goodpractice serve``):
each subject's N-Triples, Turtle, RDF/XML and JSON-LD node, kept from build to build, so that a
rebuild serialises only the subjects whose triples changed and joins the rest as they were.

The bytes are those of a clean build because each file is its subjects' pieces joined in order:

- N-Triples and Turtle: ``blocks.Blocks`` (why a subject's block depends on its triples alone
  is said there);
- RDF/XML: pyoxigraph writes one element per subject, in the order of the sorted N-Triples,
  each starting a line with a tab and ``<`` (a literal's ``<`` is escaped, so no text line does),
  between a header that names every prefix (the same for every document) and ``</rdf:RDF>``;
- JSON-LD: the flat ``@graph`` of ``dataset_document`` is one node per subject, each written
  from the subject's triples, its arrays ordered by the sort keys of the nodes they name; a
  node is written again if its triples changed or a node it names changed its sort key.

A piece is kept only for a subject whose triples are the same as when it was made (``triples``:
the published triples the pieces were made from), so the memory is right whatever happened
to the builds between. ``stats`` counts the subjects kept and made, for the tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from operator import itemgetter

from rdflib import Literal, URIRef
from rdflib.namespace import VOID, XSD

from ..graph.store import collection_paused
from ..iris import CONTEXT_IRI
from .direct import NeedsPyld, direct_writer, value_sort_key
from .index import GraphView, Reads, ResourceIndex, graph_view
from .jsonld import dumps
from .rdf import Counters, rdfxml
from .schema import context_text


@dataclass
class MemoryStats(Counters):
    """Subjects whose pieces were kept from the last build, and made again."""

    reused: int = 0
    made: int = 0
    vocpub_reused: int = 0
    vocpub_made: int = 0
    tables_reused: int = 0
    tables_made: int = 0
    rows_reused: int = 0  # rows of a table made row by row (``rows``)
    rows_made: int = 0
    description_reused: int = 0
    diffs_given: int = 0  # the changed triples given by the caller (``known_diff``)


stats = MemoryStats()

_ELEMENT = re.compile(rb"^\t<(?!/)", re.MULTILINE)  # a subject's element in RDF/XML
_GRAPH_HEAD = b'{\n  "@context": ' + dumps(CONTEXT_IRI).rstrip(b"\n") + b',\n  "@graph": [\n'
_GRAPH_TAIL = b"\n  ]\n}\n"
_NODE_SEPARATOR = b",\n"
_STATISTICS = frozenset((VOID.triples, VOID.classes, VOID.properties, VOID.distinctSubjects))
_STAND_IN = 918_273_645_500_000  # a count no description holds (a stand-in found once is one)


def _canonical_count(literal: Literal) -> bool:
    """Whether the literal is an xsd:integer written as Python writes its value."""
    value = literal.value
    return literal.datatype == XSD.integer and type(value) is int and str(literal) == str(value)


class ExportMemory:
    """The pieces of the last build's whole-dataset files, by subject."""

    def __init__(self):
        self.triples: set | None = None  # the published triples the pieces were made from
        self.nt: dict = {}  # subject → (term, N-Triples, prefix bits): ``Blocks.nt``
        self.turtle: dict = {}  # term → Turtle block: ``Blocks.turtle``
        self.rdfxml: dict = {}  # subject → its RDF/XML element
        self.rdfxml_head: bytes | None = None
        self.jsonld: dict | None = {}  # subject → its node in dataset.jsonld (None: not flat)
        self.order: dict = {}  # IRI → sort key, as the JSON-LD nodes were written
        self.context: str | None = None  # the context they were written with
        self.subjects: list | None = None  # every subject, in the order of dataset.nt
        self.nodes: list | None = None  # every subject, in the order of dataset.jsonld
        self.vocpub: dict = {}  # frozenset of a VocPub document's triples → its Turtle
        # what ``kept`` made: a key → (the triples it was made from, what it read, its value)
        self.made: dict = {}
        # the description's JSON-LD with stand-ins for its statistics, and what it was made of
        self.description: tuple | None = None
        # a table → (the triples it was made from, its bytes, what it read: ``index.Reads``)
        self.tables: dict = {}
        self.before: set | None = None  # the triples of the build before this one
        # since then: (subjects, predicates, (subject, predicate) pairs)
        self.changes: tuple[set, set, set] | None = None
        self.diff: set | None = None  # the triples one of them has and the other not
        self.known: tuple | None = None  # (before, now, their diff), given by ``known_diff``

    def forget(self) -> None:
        self.__init__()

    def dataset_files(self, index: ResourceIndex, now: set | None = None) -> dict[str, bytes]:
        """dataset.ttl, .nt, .rdf and .jsonld of the index's graph (``now``: its triples as a
        set, if the caller has them), from the pieces kept and those of the changed subjects;
        the memory then holds this build's pieces. A ``None`` value: not made here."""
        now = set(index.all) if now is None else now
        last, known, self.known = self.triples, self.known, None
        if last is not None and known is not None and known[0] is last and known[1] is now:
            diff = known[2]  # the caller's (``known_diff``)
            stats.diffs_given += 1
        else:
            diff = None if last is None else last ^ now
        changed = None if diff is None else {triple[0] for triple in diff}
        self.before, self.diff = last, diff
        self.changes = None
        if diff is not None:
            self.changes = changed, {t[1] for t in diff}, {(t[0], t[1]) for t in diff}
        try:
            with collection_paused():  # many small objects and no cycle: no collection
                files = self._files(index, changed)
        except BaseException:
            self.forget()  # half replaced: no start for the next build
            raise
        self.triples = now
        return files

    def known_diff(self, before: set, now: set, diff: set) -> None:
        """``before ^ now``, already made by the caller: ``dataset_files`` uses it if
        ``before`` is the triples it last made the files from, and ``now`` those it is given."""
        self.known = (before, now, diff)

    def _files(self, index: ResourceIndex, changed: set | None) -> dict[str, bytes]:
        blocks = index.blocks
        kept_nt, kept_turtle = dict(self.nt), dict(self.turtle)
        if changed is None:
            kept_nt, kept_turtle = {}, {}
        for subject in changed or ():
            entry = kept_nt.pop(subject, None)
            if entry is not None:
                kept_turtle.pop(entry[0], None)
        blocks.nt.update(kept_nt)
        # The same subjects as the last build's: their order is the same (a term is its node's)
        same = changed is not None and self.subjects is not None
        same = same and all((s in index.triples) == (s in self.nt) for s in changed)
        nt, turtle = blocks.whole(kept_turtle, self.subjects if same else None)
        self.subjects = blocks.subjects
        subjects = blocks.subjects
        self.nt = dict(blocks.nt)
        self.turtle = blocks.turtle if blocks.turtle is not None else {}
        stats.reused += len(kept_nt)
        stats.made += len(subjects) - len(kept_nt)
        files = {"dataset.ttl": turtle, "dataset.nt": nt}
        files["dataset.rdf"] = self._rdfxml(index, subjects, changed, nt)
        files["dataset.jsonld"] = self._jsonld(index, changed, same)
        return files

    def _rdfxml(self, index, subjects: list, changed, nt: bytes) -> bytes:
        kept = {} if changed is None or self.rdfxml_head is None else dict(self.rdfxml)
        for subject in changed or ():
            kept.pop(subject, None)
        fresh = [subject for subject in subjects if subject not in kept]
        blocks = index.blocks.nt
        written = rdfxml((), b"".join([blocks[subject][1] for subject in fresh]))
        pieces = _rdfxml_pieces(written, len(fresh))
        if pieces is None or (kept and pieces[0] != self.rdfxml_head):
            self.rdfxml, self.rdfxml_head = {}, None
            return rdfxml(index.all, nt)
        head, elements, tail = pieces
        kept.update(zip(fresh, elements, strict=True))
        self.rdfxml, self.rdfxml_head = kept, head
        return b"".join([head, *[kept[s] for s in subjects], tail])

    def _jsonld(self, index: ResourceIndex, changed, same: bool) -> bytes | None:
        """dataset.jsonld, or None where the direct writer has no rule (pyld writes it)."""
        context = context_text()  # the nodes are written with the context's terms
        same = changed is not None and self.jsonld is not None and context == self.context
        kept = dict(self.jsonld) if same else {}
        self.context = context
        order = index.order
        redo = set(changed or ())
        moved = {str(s) for s in redo if self.order.get(str(s)) != order.get(str(s))}
        if moved and kept:  # a node that names one whose sort key changed orders it anew
            redo.update(s for s, _p, o in index.all if type(o) is URIRef and str(o) in moved)
        for subject in redo:
            kept.pop(subject, None)
        sort_key = value_sort_key(order, index.sort_keys)
        writer = direct_writer()
        try:
            for subject in index.triples:
                if subject not in kept:
                    node = writer.flat(index, subject, sort_key)
                    text = dumps(node)
                    kept[subject] = b"    " + text[:-1].replace(b"\n", b"\n    ")
        except NeedsPyld:
            self.jsonld, self.order, self.nodes = None, {}, None
            return None
        self.jsonld, self.order = kept, order
        if not kept:
            return None
        # in the order of their sort keys: the last build's, if no key changed
        nodes = self.nodes if same and not moved and self.nodes is not None else None
        if nodes is None:
            nodes = sorted(kept, key=lambda subject: sort_key(str(subject)))
        self.nodes = nodes
        return b"".join([_GRAPH_HEAD, _NODE_SEPARATOR.join([kept[s] for s in nodes]), _GRAPH_TAIL])

    def table(self, name: str, graph, make) -> bytes:
        """``make(graph)`` (a CSV table, read through the graph's ``GraphView``), or the last
        build's bytes if nothing it read has changed since (called after ``dataset_files``)."""
        kept = self.tables.get(name)
        if (
            kept is not None
            and self.changes is not None
            and kept[0] is self.before
            and kept[2].unchanged_by(*self.changes)
        ):
            stats.tables_reused += 1
            self.tables[name] = (self.triples, kept[1], kept[2])
            return kept[1]
        stats.tables_made += 1
        view = graph_view(graph)
        if not isinstance(view, GraphView):  # blank nodes: read from the graph, not tracked
            self.tables.pop(name, None)
            return make(graph)
        with collection_paused():
            data, reads = view.tracking(lambda: make(graph))
        self.tables[name] = (self.triples, data, reads)
        return data

    def rows(self, name: str, graph, head: bytes, pattern: tuple, row) -> bytes:
        """A table of one row per subject of the triple pattern ``pattern`` (predicate,
        object): ``head`` and each subject's ``row(view, subject)`` line, in the order of
        their keys (``row`` returns (sort key, line)). A row is the last build's while no
        triple of a subject it read changed (its reads are tracked one row at a time), and the
        subjects are the last build's changed by the triples added and removed since."""
        view = graph_view(graph)
        if not isinstance(view, GraphView):  # blank nodes: read from the graph, not tracked
            self.tables.pop(name, None)
            rows = [row(view, subject) for subject in set(view.subjects(*pattern))]
            return head + b"".join([line for _key, line in sorted(rows, key=itemgetter(0))])
        kept = self.tables.get(name)
        if kept is not None and kept[0] is self.before and self.diff is not None:
            _stamp, last, order = kept
            subjects, redo = set(last), set()
            for s, p, o in self.diff:  # rows added and removed
                if (p, o) == pattern:
                    (subjects.add if (s, p, o) in self.triples else subjects.discard)(s)
            redo = {
                s for s in subjects if s not in last or not last[s][0].unchanged_by(*self.changes)
            }
        else:
            subjects, redo, last, order = set(view.subjects(*pattern)), None, {}, None
        made: dict = {}
        with collection_paused():
            for subject in subjects:
                if redo is not None and subject not in redo:
                    made[subject] = last[subject]
                    continue
                view.reads = reads = Reads(set(), set())
                try:
                    key, line = row(view, subject)
                finally:
                    view.reads = None
                made[subject] = (reads, key, line)
        stats.rows_made += len(subjects) if redo is None else len(redo)
        stats.rows_reused += len(subjects) - (len(subjects) if redo is None else len(redo))
        moved = redo is None or len(made) != len(last) or any(
            subject not in last or last[subject][1] != made[subject][1] for subject in redo
        )  # fmt: skip
        if moved:
            order = sorted(made, key=lambda subject: made[subject][1])
        self.tables[name] = (self.triples, made, order)
        return head + b"".join([made[subject][2] for subject in order])

    def description_jsonld(self, triples: list[tuple], order: dict, make) -> bytes:
        """``make(triples)``: the dataset description's JSON-LD (framed by pyld, which costs),
        made from the triples with each VoID statistic a stand-in number, then the numbers put
        in; the last build's document is the start if only the statistics changed. A stand-in
        not found exactly once in the document: ``make`` of the triples themselves."""
        stand_ins, numbers = [], []
        for s, p, o in triples:
            if p in _STATISTICS and type(o) is Literal and _canonical_count(o):
                stand_in = _STAND_IN + len(numbers)
                stand_ins.append((s, p, Literal(stand_in)))
                numbers.append((str(stand_in).encode(), str(o).encode()))
            else:
                stand_ins.append((s, p, o))
        if not numbers:
            return make(triples)
        orders = tuple(
            order.get(str(term)) for t in stand_ins for term in t if type(term) is URIRef
        )
        key = (tuple(stand_ins), orders, context_text())
        if self.description is not None and self.description[0] == key:
            stats.description_reused += 1
            data = self.description[1]
        else:
            data = make(stand_ins)
            self.description = (key, data)
        for stand_in, number in numbers:
            if data.count(stand_in) != 1:
                return make(triples)
            data = data.replace(stand_in, number)
        return data

    def kept(self, key, view: GraphView, make):
        """``make()`` (which reads ``view``), or what it made in the last build if nothing it
        read has changed since (called after ``dataset_files``, between ``start_vocpub`` and
        ``end_vocpub``)."""
        found = self.made.get(key)
        if (
            found is not None
            and found[0] is self.before
            and self.changes is not None
            and found[1].unchanged_by(*self.changes)
        ):
            stats.vocpub_reused += 1
            self._next_made[key] = (self.triples, found[1], found[2])
            return found[2]
        view.reads = reads = Reads(set(), set())
        try:
            value = make()
        finally:
            view.reads = None
        self._next_made[key] = (self.triples, reads, value)
        return value

    def vocpub_turtle(self, triples: list[tuple], write) -> bytes:
        """The Turtle of a VocPub document: the last build's if its triples are the same, else
        ``write(triples)``; the memory then keeps this build's documents only."""
        key = frozenset(triples)
        found = self.vocpub.get(key)
        if found is None:
            stats.vocpub_made += 1
            found = write(triples)
        else:
            stats.vocpub_reused += 1
        self._next_vocpub[key] = found
        return found

    def start_vocpub(self) -> None:
        self._next_vocpub: dict = {}
        self._next_made: dict = {}

    def end_vocpub(self) -> None:
        self.vocpub, self.made = self._next_vocpub, self._next_made


def _rdfxml_pieces(data: bytes, count: int) -> tuple[bytes, list[bytes], bytes] | None:
    """(header, one element per subject, closing tag) of pyoxigraph's RDF/XML, or None if it
    is not cut as expected."""
    tail = b"</rdf:RDF>"
    opening = data.find(b"<rdf:RDF")
    start = data.find(b">\n", opening) + 2
    if opening < 0 or start < 2 or not data.endswith(tail):
        return None
    body = data[start : len(data) - len(tail)]
    starts = [match.start() for match in _ELEMENT.finditer(body)]
    if len(starts) != count or (starts and starts[0] != 0) or (not starts and body):
        return None
    ends = [*starts[1:], len(body)] if starts else []
    return data[:start], [body[a:b] for a, b in zip(starts, ends, strict=True)], tail
