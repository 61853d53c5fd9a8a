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

from rdflib import URIRef

from ..graph.store import collection_paused
from ..iris import CONTEXT_IRI
from .direct import NeedsPyld, direct_writer, value_sort_key
from .index import GraphView, ResourceIndex, graph_view
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


stats = MemoryStats()

_ELEMENT = re.compile(rb"^\t<(?!/)", re.MULTILINE)  # a subject's element in RDF/XML
_GRAPH_HEAD = b'{\n  "@context": ' + dumps(CONTEXT_IRI).rstrip(b"\n") + b',\n  "@graph": [\n'
_GRAPH_TAIL = b"\n  ]\n}\n"
_NODE_SEPARATOR = b",\n"


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
        # a table → (the triples it was made from, its bytes, what it read: ``index.Reads``)
        self.tables: dict = {}
        self.before: set | None = None  # the triples of the build before this one
        self.changes: tuple[set, set] | None = None  # since then: (subjects, predicates)

    def forget(self) -> None:
        self.__init__()

    def dataset_files(self, index: ResourceIndex, now: set | None = None) -> dict[str, bytes]:
        """dataset.ttl, .nt, .rdf and .jsonld of the index's graph (``now``: its triples as a
        set, if the caller has them), from the pieces kept and those of the changed subjects;
        the memory then holds this build's pieces. A ``None`` value: not made here."""
        now = set(index.all) if now is None else now
        last = self.triples
        diff = None if last is None else last ^ now
        changed = None if diff is None else {triple[0] for triple in diff}
        self.before = last
        self.changes = None if diff is None else (changed, {triple[1] for triple in diff})
        try:
            with collection_paused():  # many small objects and no cycle: no collection
                files = self._files(index, changed)
        except BaseException:
            self.forget()  # half replaced: no start for the next build
            raise
        self.triples = now
        return files

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

    def end_vocpub(self) -> None:
        self.vocpub = self._next_vocpub


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
