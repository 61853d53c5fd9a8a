"""The store every graph of the build is held in: rdflib's plain in-memory indexes, without the
named-graph bookkeeping of its default ``Memory`` store.

rdflib's default store is context-aware: each triple added records its contexts and fires an
event, and each lookup tests the triple's contexts again, which costs more than the lookup
itself. The build's graphs are plain graphs (one context each), so ``TripleStore`` keeps only the
three indexes (subject → predicate → objects, predicate → object → subjects, object → subject →
predicates, each innermost level a dict whose keys are the terms) and a count of the triples.
It answers every pattern with the same triples as ``Memory`` (``tests/test_graph_store.py``).
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rdflib.plugins.stores.memory import SimpleMemory

stats: Counter = Counter()  # "bulk": triples added through ``addN`` (a test sees the fast path)


class TripleStore(SimpleMemory):
    """``SimpleMemory`` (its prefixes, its SPARQL by rdflib) with its indexes kept tidy: a
    triple's length counted, not recounted; an emptied level removed; a full iteration taken
    from a snapshot, so that a caller may change the graph while it reads it, as with
    ``Memory``."""

    # It holds one graph, and answers for it whatever context it is asked for; pySHACL wraps
    # the graph it validates in an rdflib Dataset over its store, which needs these two flags.
    context_aware = True
    graph_aware = True

    def __init__(self, configuration=None, identifier=None):
        super().__init__(configuration, identifier)
        self.spo: dict = {}
        self.pos: dict = {}
        self.osp: dict = {}
        self.count = 0

    def add(self, triple, context, quoted=False) -> None:
        self.addN(((*triple, context),), bulk=False)

    def addN(self, quads, bulk=True) -> None:  # noqa: N802 (rdflib's name)
        spo, pos, osp = self.spo, self.pos, self.osp
        added = 0
        for s, p, o, _context in quads:
            by_predicate = spo.get(s)
            if by_predicate is None:
                by_predicate = spo[s] = {}
            objects = by_predicate.get(p)
            if objects is None:
                objects = by_predicate[p] = {}
            elif o in objects:
                continue
            objects[o] = 1
            by_object = pos.get(p)
            if by_object is None:
                by_object = pos[p] = {}
            subjects = by_object.get(o)
            if subjects is None:
                by_object[o] = {s: 1}
            else:
                subjects[s] = 1
            by_subject = osp.get(o)
            if by_subject is None:
                osp[o] = {s: {p: 1}}
            else:
                predicates = by_subject.get(s)
                if predicates is None:
                    by_subject[s] = {p: 1}
                else:
                    predicates[p] = 1
            added += 1
        self.count += added
        if bulk:
            stats["bulk"] += added

    def remove(self, triple_pattern, context=None) -> None:
        for (s, p, o), _contexts in list(self.triples(triple_pattern)):
            _drop(self.spo, s, p, o)
            _drop(self.pos, p, o, s)
            _drop(self.osp, o, s, p)
            self.count -= 1

    def triples(self, triple_pattern, context=None):
        none = iter(())
        if triple_pattern != (None, None, None):
            for triple in match(self.spo, self.pos, lambda: self.osp, *triple_pattern):
                yield triple, none
            return
        snapshot = [
            (subj, pred, obj)
            for subj, by_predicate in self.spo.items()
            for pred, objects in by_predicate.items()
            for obj in objects
        ]
        for triple in snapshot:
            yield triple, none

    def __len__(self, context=None) -> int:
        return self.count


def _drop(index: dict, a, b, c) -> None:
    """``index[a][b][c]`` removed, with any level it leaves empty."""
    middle = index[a]
    inner = middle[b]
    del inner[c]
    if not inner:
        del middle[b]
        if not middle:
            del index[a]


@contextmanager
def collection_paused():
    """Python's cyclic garbage collector paused: building a graph makes hundreds of thousands
    of objects (terms, tuples, index entries) and no cycle, and each collection the allocations
    set off would walk all of them again (half the time of a build at 10,000 practices)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def match(spo: dict, pos: dict, osp: Callable[[], dict], s, p, o) -> Iterator[tuple]:
    """The triples a pattern with at least one term bound matches, from three nested indexes:
    subject → predicate → objects, predicate → object → subjects and (``osp()``, asked only
    when needed) object → subject → predicates. Each level is copied before it is walked, so
    the graph may change while the triples are read."""
    if s is not None:
        by_predicate = spo.get(s)
        if by_predicate is None:
            return
        if p is not None:
            objects = by_predicate.get(p, ())
            if o is None:
                for obj in list(objects):
                    yield s, p, obj
            elif o in objects:
                yield s, p, o
            return
        for pred, objects in list(by_predicate.items()):
            if o is None:
                for obj in list(objects):
                    yield s, pred, obj
            elif o in objects:
                yield s, pred, o
    elif p is not None:
        by_object = pos.get(p)
        if by_object is None:
            return
        if o is not None:
            for subj in list(by_object.get(o, ())):
                yield subj, p, o
        else:
            for obj, subjects in list(by_object.items()):
                for subj in list(subjects):
                    yield subj, p, obj
    elif o is not None:
        for subj, predicates in list(osp().get(o, {}).items()):
            for pred in list(predicates):
                yield subj, pred, o
