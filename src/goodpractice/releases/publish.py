"""What the history adds to the published graph, and the files of earlier releases.

- ``dcterms:modified`` on each resource: the date of the release in which its description last
  changed (changes not yet released: the publication's ``modified``);
- each earlier release, a ``dcat:Dataset`` the dataset ``dcat:hasVersion``, with its data at
  ``dataset/<version>.*`` as distributions (``dcat:byteSize``, ``spdx:checksum``);
- between releases, DCAT 3's ``dcat:previousVersion`` and PROV's ``prov:wasRevisionOf``;
- each release's change set (``gp:ChangeSet``, ``gp:changeSet`` from the release): the
  resources added, removed, deprecated and changed, and the contract's changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF

from ..export.changes import distribution_lines, parse_lines, release_files, release_lines
from ..graph import date_literal
from ..iris import Iris
from ..vocab import DCAT3, GP
from .diff import ChangeSet
from .history import History

XSD_DATE = "^^<http://www.w3.org/2001/XMLSchema#date>"


def literal(text: str, lang: str = "en") -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


@dataclass
class Published:
    """What the history publishes beyond the triples it adds to the graph: the files of the
    earlier releases, and their description (each a ``dcat:Dataset`` with its distributions,
    sizes and checksums), which is made by this code, not written in the content, so it is
    added to the published graph once the content has been checked."""

    files: dict[str, bytes] = field(default_factory=dict)
    description: list[tuple] = field(default_factory=list)
    # what it changed in the graph (a rebuild takes it out again: ``pipeline.incremental``)
    added: list[tuple] = field(default_factory=list)
    removed: list[tuple] = field(default_factory=list)


def publish_history(graph: Graph, history: History) -> Published:
    """Add the history's triples to ``graph`` (``dcterms:modified``, the change sets, the links
    between releases); return the earlier releases' files and description."""
    if not history.released:
        return Published()
    iris = Iris(history.base_iri)
    dataset = str(iris.dataset())
    title = str(graph.value(iris.dataset(), DCTERMS.title) or "The dataset")
    license_ = graph.value(iris.dataset(), DCTERMS.license)
    lines: list[str] = []
    described: list[str] = []  # the earlier releases: added after the check
    releases = history.base_iri + "dataset/"
    for subject, date in history.modified.items():
        if subject != dataset and not subject.startswith(releases):
            lines.append(f'<{subject}> <{DCTERMS.modified}> "{date}"{XSD_DATE} .\n')
    files: dict[str, bytes] = {}
    parsed: dict = {}  # each N-Triples line's triple, shared by the releases
    previous = None
    for record, changes in zip(history.records, history.change_sets, strict=False):
        release = str(iris.release(record.version))
        if record.version != history.version:
            path = f"dataset/{record.version}"
            data = release_lines(record.lines, dataset)
            made = dict(release_files(data, path, parsed))
            files.update(made)
            described += [
                f"<{dataset}> <{DCAT3.hasVersion}> <{release}> .\n",
                f"<{release}> <{RDF.type}> <{DCAT.Dataset}> .\n",
                f"<{release}> <{DCTERMS.isVersionOf}> <{dataset}> .\n",
                f"<{release}> <{DCAT3.version}> {literal(record.version, '')} .\n",
                f'<{release}> <{DCTERMS.issued}> "{record.date}"{XSD_DATE} .\n',
                f"<{release}> <{DCTERMS.title}> {literal(f'{title}, release {record.version}')} .\n",
                f"<{release}> <{DCTERMS.description}> "
                + literal(
                    f"The dataset as published in release {record.version}, an earlier release."
                )
                + " .\n",
            ]
            described += distribution_lines(release, history.base_iri, path, made,
                                        str(license_) if license_ else None)  # fmt: skip
        if previous is not None:
            lines += [
                f"<{release}> <{DCAT3.previousVersion}> <{previous}> .\n",
                f"<{release}> <{PROV.wasRevisionOf}> <{previous}> .\n",
            ]
        previous = release
        lines.append(f"<{release}> <{GP.changeSet}> <{history.change_set_iri(changes)}> .\n")
    for changes in history.change_sets:
        lines += change_set_lines(history, changes)
    if len(history.change_sets) > len(history.records):  # changes not yet released
        unreleased = history.change_sets[-1]
        lines.append(f"<{dataset}> <{GP.changeSet}> <{history.change_set_iri(unreleased)}> .\n")
    added = parse_lines(lines, parsed)
    graph.addN((*triple, graph) for triple in added)
    description = parse_lines(described, parsed)
    current = [r for r in history.records if r.version == history.version]
    removed = []
    if current and len(history.change_sets) == len(history.records):
        # Released and unchanged since: the dataset was last modified on its release date.
        modified = (iris.dataset(), DCTERMS.modified, date_literal(current[0].date))
        removed = list(graph.triples((iris.dataset(), DCTERMS.modified, None)))
        graph.set(modified)
        added.append(modified)
    return Published(files, description, added, removed)


def change_set_lines(history: History, changes: ChangeSet) -> list[str]:
    iris = Iris(history.base_iri)
    node = history.change_set_iri(changes)
    c = f"<{node}>"
    if changes.version:
        title = f"Changes in release {changes.version}"
    else:
        title = f"Changes since release {changes.previous}, not yet released"
    out = [
        f"{c} <{RDF.type}> <{GP.ChangeSet}> .\n",
        f"{c} <{DCTERMS.title}> {literal(title)} .\n",
        f'{c} <{DCTERMS.date}> "{changes.date}"{XSD_DATE} .\n',
    ]
    if changes.version:
        out.append(f"{c} <{GP.toRelease}> <{iris.release(changes.version)}> .\n")
    if changes.previous:
        out.append(f"{c} <{GP.fromRelease}> <{iris.release(changes.previous)}> .\n")
    for prop, subjects in ((GP.addedResource, changes.added),
                           # a resource with a document is never removed (validate reports it, at its record)
        (GP.removedResource, [s for s in changes.removed if "#" in s]),
                           (GP.deprecatedResource, changes.deprecated)):  # fmt: skip
        out += [f"{c} <{prop}> <{s}> .\n" for s in subjects]
    for n, (subject, properties) in enumerate(changes.changed.items(), start=1):
        change = f"<{node}#change-{n}>"
        out += [
            f"{c} <{GP.resourceChange}> {change} .\n",
            f"{change} <{RDF.type}> <{GP.ResourceChange}> .\n",
            f"{change} <{GP.changedResource}> <{subject}> .\n",
            f'{change} <{GP.ordinal}> "{n}"^^<http://www.w3.org/2001/XMLSchema#integer> .\n',
        ]
        for m, prop in enumerate(properties, start=1):
            p = f"<{node}#change-{n}-{m}>"
            out += [
                f"{change} <{GP.propertyChange}> {p} .\n",
                f"{p} <{RDF.type}> <{GP.PropertyChange}> .\n",
                f"{p} <{GP.changedProperty}> {prop.predicate} .\n",
                f'{p} <{GP.ordinal}> "{m}"^^<http://www.w3.org/2001/XMLSchema#integer> .\n',
            ]
            # each value as its N-Triples term: an IRI, or a literal with its language or type
            out += [f"{p} <{GP.oldValue}> {literal(value, '')} .\n" for value in prop.old]
            out += [f"{p} <{GP.newValue}> {literal(value, '')} .\n" for value in prop.new]
    for n, contract in enumerate(changes.contract, start=1):
        change = f"<{node}#contract-{n}>"
        out += [
            f"{c} <{GP.contractChange}> {change} .\n",
            f"{change} <{RDF.type}> <{GP.ContractChange}> .\n",
        ]
        if contract.breaking:
            out.append(f"{change} <{RDF.type}> <{GP.BreakingChange}> .\n")
        out += [
            f"{change} <{GP.contractPart}> {literal(contract.part, '')} .\n",
            f"{change} <{GP.contractTerm}> {literal(contract.name, '')} .\n",
            f"{change} <{GP.changeKind}> {literal(contract.kind, '')} .\n",
            f'{change} <{GP.ordinal}> "{n}"^^<http://www.w3.org/2001/XMLSchema#integer> .\n',
        ]
    return out
