"""Rebuilds that redo only what an edit changes (``goodpractice serve``), with the same result,
byte for byte, as a clean build of the same content.

A ``Rebuilder`` keeps what the last good build was made from and made: the content files it
read (path, time, size), the published graph's triples, and the names of its files. The first
build, and any build after a change the rebuilder cannot follow (the publication file, a release
record, the site's configuration or prose pages), is a full build. Otherwise a rebuild:

    load     the content and its graph, as a full build does
    compare  the published graph with the last one: the triples that changed, their nodes
    check    the shapes, fidelity and release rules (only violations stop it)
    exports  the files of the resources whose documents hold a changed node, and the files of
             the whole dataset; every other resource's files are kept as they are
    stage    build/ copied beside itself as hard links: a file whose bytes differ is rewritten
             (a new file, never written through a link), one no longer made is removed
    site     the site, staged the same way, then both swapped into place as a full build does

So the last good build/ and site/ survive any failure, as with a full build.
"""

from __future__ import annotations

import functools
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, VOID

from ..check import CheckMemory
from ..content.reuse import ReadBefore
from ..export import forget_index
from ..export.files import dataset_wide_files, resource_files
from ..export.index import PARTS, index_for
from ..export.memory import ExportMemory
from ..graph.build import graph_parts, new_graph
from ..iris import resource_path
from ..site.pages import Documents
from ..staging import MARKER, MARKER_TEXT, Staged, folder_identity, stage_over
from ..vocab import GP
from .model import Located

# Content files a rebuild follows; a change anywhere else in the content folder is a full build.
FOLLOWED = ("memoranda", "catalogue", "source")


@dataclass
class Last:
    """What the last good build was made from and made, as it left them."""

    content: dict[str, tuple[int, int]]  # content_state() when it started
    triples: set[tuple]  # the published graph
    exports: set[str]  # the files of build/
    folders: tuple  # build/ and site/ as it left them (device, inode): nobody replaced them
    site: object | None  # what an update of the site needs (site.incremental.SiteMemory)
    resources: set[URIRef]  # the resources with files of their own
    checked: set[tuple]  # the triples the check saw (the published ones less the description)
    changed: set[str] = field(default_factory=set)  # content files changed since (a rebuild's)

    @classmethod
    def of(cls, built, content: dict, out_dir: Path, site_dir: Path | None) -> Last:
        return cls(content, built.triples, set(built.files), identities(out_dir, site_dir),
                   built.site_memory, built.resources, built.checked)  # fmt: skip


def identities(*folders: Path | None) -> tuple:
    return tuple(folder_identity(folder) if folder is not None else None for folder in folders)


def can_follow(last: Last | None, content: dict, out_dir: Path, site_dir: Path | None) -> bool:
    """Whether a rebuild can start from ``last``: the output folders are still the ones it
    left, and only content files it follows changed since."""
    if last is None or identities(out_dir, site_dir) != last.folders:
        return False
    return followed(changed_files(last.content, content))


# The files of a resource: ``rabat-washington/gp10`` + each (``export.files.resource_files``)
RESOURCE_FILE_SUFFIXES = (".embedded.jsonld", ".jsonld", ".ttl", ".nt")


def stage_exports(
    model, out_dir: Path, last: Last, memory: ExportMemory | None = None,
    now: set | None = None, resources: set | None = None, diff: set | None = None,
) -> tuple[Staged, set]:  # fmt: skip
    """build/'s new contents, staged over the last build's: the files of the whole dataset,
    and those of each resource whose document a change can alter; the others stay as they
    are. With the resources whose pages the change can alter. ``memory``: the pieces of the
    whole dataset's files kept from the last build (``export.memory``); ``now`` and
    ``resources``: the published triples and the resources with files, if the caller has
    them; ``diff``: ``last.triples ^ now``, if the caller made it."""
    index = index_for(model.graph)
    now = set(index.all) if now is None else now
    diff = last.triples ^ now if diff is None else diff
    changed = changed_nodes(last.triples, now, diff)
    if memory is not None:  # the memory's last triples are usually these: the diff made once
        memory.known_diff(last.triples, now, diff)
    if resources is None:
        resources = set(index.resources(index.base))
    impact = Impact(index, changed, resources)
    exported = impact.documents()
    # the files of the resources not made again (compared as paths: strings, hashed in C)
    paths = {resource_path(str(node), index.base) for node in resources - exported}
    kept = {name for name in last.exports if file_owner(name) in paths}
    pairs = chain(
        dataset_wide_files(model.graph, memory, now),
        (pair for node in sorted(exported) for pair in resource_files(index, node)),
        model.release_files.items(),  # earlier releases' data, at dataset/<version>.*
        [(MARKER, MARKER_TEXT)],
    )
    staged = stage_over(out_dir, pairs, kept=kept)
    return staged, impact.pages(exported)


def file_owner(name: str) -> str:
    """The resource path a file of a resource is named after ('' for any other file)."""
    if name.endswith(".jsonld") and not name.endswith(".embedded.jsonld"):  # the most common
        return name[: -len(".jsonld")]
    for suffix in RESOURCE_FILE_SUFFIXES:
        if name.endswith(suffix):
            return name.removesuffix(suffix)
    return ""


def content_state(content_dir: Path) -> dict[str, tuple[int, int]]:
    """Every file under the content folder: relative path → (modification time, size).
    (os.scandir: one system call per file, no Path object; it runs on every look for changes.)"""
    state: dict[str, tuple[int, int]] = {}
    folders = [(os.fspath(content_dir), "")]
    while folders:
        folder, prefix = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:  # removed while we looked: the next look sees the change
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):  # as os.walk: not followed
                    folders.append((entry.path, f"{prefix}{entry.name}/"))
                elif entry.is_file():
                    stat = entry.stat()
                    state[f"{prefix}{entry.name}"] = (stat.st_mtime_ns, stat.st_size)
            except OSError:
                continue
    return state


def changed_files(before: dict, after: dict) -> set[str]:
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


def followed(names: Iterable[str]) -> bool:
    """Whether a rebuild can follow a change to these content files."""
    return all(name.split("/", 1)[0] in FOLLOWED for name in names)


# --------------------------------------------------------------------------------------------
# The content and its graph, read again only where they changed


class TripleList:
    """What a graph part adds, in order, once each: a stand-in for the graph it adds to."""

    def __init__(self):
        self.triples: dict[tuple, None] = {}

    def add(self, triple: tuple) -> None:
        self.triples[triple] = None


class Reuse:
    """What a rebuild reuses of the last one: the memoranda read (``load_content``), and the
    content's graph, which it changes part by part (``graph_parts``) instead of building it
    anew. The graph the build then adds to (the releases' history, their description) is put
    back as the content made it (``restore``) before the next rebuild changes it again."""

    def __init__(self):
        self.memoranda = ReadBefore()  # and what the rules found in each alone
        self.graph: Graph | None = None
        self.parts: dict[str, tuple[object, dict]] = {}  # key → (source, its triples)
        self.counts: Counter = Counter()  # triple → how many parts add it
        self.published: Graph | None = None  # the published graph, for the site
        self.published_triples: set[tuple] = set()
        self.diffs_used = 0  # the published graph changed from a known diff: a test tells
        self.rebuilt: set[str] = set()
        # memoranda made again since the last good build (one that failed made them too)
        self.unchecked: set[str] = set()
        self.check_memory = CheckMemory()  # the focused check's pyoxigraph copy, kept
        # what the build added to the content's graph, and took out of it (``restore``)
        self.added: list[tuple] = []
        self.removed: list[tuple] = []
        self.exports = ExportMemory()  # the pieces of the whole dataset's files (export.memory)
        self.located = Located()  # where each memorandum's resources are defined (model)
        self.documents = Documents()  # the documents the published triples name (site)

    def build_graph(self, content) -> Graph:
        try:
            return self._build_graph(content)
        except BaseException:
            self.__init__()  # a graph half changed is no start for the next rebuild
            raise

    def _build_graph(self, content) -> Graph:
        if self.graph is not None:
            forget_index(self.graph)  # built for the last graph, which may keep its size
        self.rebuilt: set[str] = set()  # the parts made again
        parts = {}
        for part in graph_parts(content):
            kept = self.parts.get(part.key)
            if kept is None or kept[0] != part.source:
                self.rebuilt.add(part.key)
                if part.key.startswith("memorandum "):
                    self.unchecked.add(part.key.removeprefix("memorandum "))
                made = TripleList()
                part.add(made)
                kept = (part.source, made.triples)
            parts[part.key] = kept
        if self.graph is None:
            self.graph = new_graph()
        change: Counter = Counter()
        for key in self.parts.keys() | parts.keys():
            old, new = self.parts.get(key), parts.get(key)
            if old is new:
                continue
            change.subtract(iter(old[1]) if old else ())  # the triples, not as a mapping
            change.update(iter(new[1]) if new else ())
        removed, added = [], []
        for triple, delta in change.items():
            before = self.counts[triple]
            after = before + delta
            if after <= 0:
                del self.counts[triple]
                if before > 0:
                    removed.append(triple)
            else:
                self.counts[triple] = after
                if before == 0:
                    added.append(triple)
        for triple in removed:
            self.graph.remove(triple)
        self.graph.addN((*triple, self.graph) for triple in added)
        self.parts = parts
        return self.graph

    def changed_memoranda(self, content, changed_files: set[str]) -> set[str]:
        """The keys of the memoranda whose graph part was made again, or whose source text is
        one of ``changed_files`` (relative to the content folder)."""
        keys = set(self.unchecked)
        root = Path(content.root).resolve()  # once, not once a memorandum
        for memo in content.memoranda:
            try:
                source = Path(memo.source).resolve().relative_to(root).as_posix()
            except ValueError:
                keys.add(memo.key)  # outside the content folder: not followed, so checked
                continue
            if source in changed_files:
                keys.add(memo.key)
        return keys

    def published_graph(self, triples: set[tuple], last: set | None = None,
                        diff: set | None = None) -> Graph:  # fmt: skip
        """The published graph (what the site reads): the last one, changed to hold
        ``triples``; ``diff``: ``last ^ triples``, if the caller has it (then, if the graph
        holds ``last``, only the triples of ``diff`` are looked at)."""
        if self.published is None:
            self.published, self.published_triples = new_graph(), set()
        graph, before = self.published, self.published_triples
        if diff is not None and last is not None and before is last:
            removed = [triple for triple in diff if triple not in triples]
            added = [triple for triple in diff if triple in triples]
            self.diffs_used += 1
        else:
            removed, added = before - triples, triples - before
        for triple in removed:
            graph.remove(triple)
        graph.addN((*triple, graph) for triple in added)
        self.published_triples = triples
        return graph

    def content_triples(self) -> set[tuple]:
        """The triples of the graph now: the content's, as changed by the build so far."""
        triples = set(self.counts)
        triples.difference_update(self.removed)
        triples.update(self.added)
        return triples

    def changed_by_build(self, added, removed) -> None:
        """The build added ``added`` to the content's graph and took ``removed`` out of it."""
        self.added += added
        self.removed += removed

    def restore(self) -> None:
        """The graph as the content made it: what the build added to it taken out again, and
        what it took out put back."""
        added, removed, self.added, self.removed = self.added, self.removed, [], []
        if self.graph is None:
            return
        counts = self.counts
        for triple in added:
            if triple not in counts:
                self.graph.remove(triple)
        self.graph.addN((*triple, self.graph) for triple in removed if triple in counts)


# --------------------------------------------------------------------------------------------
# What changed in the graph


def focus_nodes(before: set[tuple], after: set[tuple], graph: Graph) -> set:
    """The nodes whose shapes an edit can change the findings of (``check.check_focus``): the
    nodes of every triple added or removed, and the nodes linking to one of them (a shape
    reads the rdf:type of the values it checks). ``graph`` holds ``after``: the links are
    looked up in its index, not found by a pass over every triple."""
    nodes = set()
    for s, _p, o in before ^ after:
        nodes.add(s)
        if not isinstance(o, Literal):
            nodes.add(o)
    linking = {s for node in nodes for s in graph.subjects(None, node)}
    return nodes | linking


def resource_of(node) -> URIRef | None:
    """The resource a node belongs to: a hash IRI's document is the IRI before the '#'."""
    if not isinstance(node, URIRef):
        return None
    if "#" not in node:
        return node
    return document_iri(str(node).split("#", 1)[0])


@functools.lru_cache(maxsize=65536)
def document_iri(text: str) -> URIRef:
    # rdflib checks every IRI it makes; a document's is made once
    return URIRef(text)


def changed_nodes(before: set[tuple], after: set[tuple], diff: set | None = None) -> set[URIRef]:
    """The resources named (as subject or object) by a triple one graph has and the other not;
    not the classes and properties of the ontology (a node's type names its class: that
    changes no page or document of the class's other members)."""
    nodes = set()
    for s, p, o in before ^ after if diff is None else diff:
        for node in (s, o) if p != RDF.type else (s,):
            resource = resource_of(node)
            if resource is not None and not resource.startswith(ONTOLOGY):
                nodes.add(resource)
    return nodes


ONTOLOGY = str(GP)


class Impact:
    """What a change of the published graph reaches: the resources whose documents it alters
    (``documents``) and those whose pages it can alter (``pages``), from one pass over the
    triples and the resources' part hierarchy walked upwards from what changed."""

    def __init__(self, index, changed: set[URIRef], resources: set[URIRef]):
        self.index, self.changed, self.resources = index, changed, resources
        # The dataset changes with its statistics and files, which only its own page shows:
        # what it links to (every memorandum) is not near
        sources = changed - {index.dataset}
        linking, targets = set(), set()
        self.parents: dict = {}  # a part → the nodes it is a part of
        triples = index.triples
        for s, p, o in index.all:
            kind = type(o)  # a literal by its exact class first: isinstance of a term is slow
            if kind is not URIRef and (kind is Literal or not isinstance(o, URIRef)):
                continue
            if o in changed or ("#" in o and resource_of(o) in changed):
                linking.add(s)  # links to a node of a changed resource
            if s in sources or ("#" in s and resource_of(s) in sources):
                targets.add(o)  # linked from one
            if p in PARTS and o in triples:
                self.parents.setdefault(o, []).append(s)
        # the resources whose members a document holds link to a changed node, and, for pages,
        # those linked from one too (a page names what it links to, and lists what cites it)
        self.dirty = set(changed) | {resource_of(s) for s in linking} - {None}
        self.near = self.dirty | {resource_of(o) for o in targets}

    def holders(self, nodes: set) -> set[URIRef]:
        """The resources one of whose members (``ResourceIndex.members``: its parts,
        recursively, and their hash nodes) belongs to one of ``nodes``: walked upwards."""
        hash_nodes = self.index.hash_nodes
        stack = [*nodes, *(h for node in nodes for h in hash_nodes.get(node, ()))]
        seen = set()
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            stack += self.parents.get(node, ())
            if "#" in node and node in self.index.triples:  # its document holds it
                stack.append(resource_of(node))
        return seen & self.resources

    def documents(self) -> set[URIRef]:
        """The resources whose documents the change alters: a document holds its members'
        triples and orders the nodes they link to, so a resource is affected if one of its
        members changed or links to a node that changed."""
        if self.index.has_blank_nodes:  # a blank node lives in every document linking to it
            return set(self.resources)
        return self.holders(self.dirty)

    def pages(self, documents: set[URIRef]) -> set:
        """The resources whose pages the change can alter: those whose documents it alters,
        those whose members link to a changed node or are linked from one, every page of a
        memorandum one of whose members changed (a page shows its neighbours in the
        document), the changed nodes themselves (the dataset and its releases have pages, not
        documents), and the dataset's page (it gives the size of each file of the dataset)."""
        index = self.index
        pages = set(documents) | self.near | {index.dataset}
        if index.has_blank_nodes:  # members reached through a blank node: each resource's
            pages |= {r for r in self.resources
                      if any(resource_of(m) in self.near for m in index.members(r))}  # fmt: skip
        else:
            pages |= self.holders(self.near)
        for memo in index.objects(index.dataset, VOID.rootResource):
            if memo in pages:
                pages.update(resource_of(m) for m in index.members(memo))
        return pages
