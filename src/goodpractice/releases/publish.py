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

from rdflib import Graph
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF

from ..export.changes import distribution_lines, release_files, release_lines
from ..iris import Iris
from ..vocab import DCAT3, GP
from .diff import ChangeSet
from .history import History

XSD_DATE = "^^<http://www.w3.org/2001/XMLSchema#date>"
XSD_BOOLEAN = "^^<http://www.w3.org/2001/XMLSchema#boolean>"


def literal(text: str, lang: str = "en") -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def publish_history(graph: Graph, history: History) -> dict[str, bytes]:
    """Add the history's triples to ``graph``; return the files of the earlier releases."""
    if not history.released:
        return {}
    iris = Iris(history.base_iri)
    dataset = str(iris.dataset())
    title = str(graph.value(iris.dataset(), DCTERMS.title) or "The dataset")
    license_ = graph.value(iris.dataset(), DCTERMS.license)
    lines: list[str] = []
    releases = history.base_iri + "dataset/"
    for subject, date in history.modified.items():
        if subject != dataset and not subject.startswith(releases):
            lines.append(f"<{subject}> <{DCTERMS.modified}> \"{date}\"{XSD_DATE} .\n")
    files: dict[str, bytes] = {}
    previous = None
    for record, changes in zip(history.records, history.change_sets, strict=False):
        release = str(iris.release(record.version))
        if record.version != history.version:
            path = f"dataset/{record.version}"
            data = release_lines(record.lines, dataset, record.version, record.date)
            made = dict(release_files(data, path))
            files.update(made)
            lines += [
                f"<{dataset}> <{DCAT3.hasVersion}> <{release}> .\n",
                f"<{release}> <{RDF.type}> <{DCAT.Dataset}> .\n",
                f"<{release}> <{DCTERMS.isVersionOf}> <{dataset}> .\n",
                f"<{release}> <{DCAT3.version}> {literal(record.version, '')} .\n",
                f"<{release}> <{DCTERMS.issued}> \"{record.date}\"{XSD_DATE} .\n",
                f"<{release}> <{DCTERMS.title}> {literal(f'{title}, release {record.version}')} .\n",
                f"<{release}> <{DCTERMS.description}> "
                + literal(f"The dataset as published in release {record.version}, an earlier release.")
                + " .\n",
            ]
            lines += distribution_lines(release, history.base_iri, path, made,
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
    graph.parse(data="".join(lines), format="nt")
    return files


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
        f"{c} <{DCTERMS.date}> \"{changes.date}\"{XSD_DATE} .\n",
    ]
    if changes.version:
        out.append(f"{c} <{GP.toRelease}> <{iris.release(changes.version)}> .\n")
    if changes.previous:
        out.append(f"{c} <{GP.fromRelease}> <{iris.release(changes.previous)}> .\n")
    for prop, subjects in ((GP.addedResource, changes.added),
                           (GP.removedResource, changes.removed),
                           (GP.deprecatedResource, changes.deprecated)):  # fmt: skip
        out += [f"{c} <{prop}> <{s}> .\n" for s in subjects]
    for n, (subject, properties) in enumerate(changes.changed.items(), start=1):
        change = f"<{node}#change-{n}>"
        out += [
            f"{c} <{GP.resourceChange}> {change} .\n",
            f"{change} <{RDF.type}> <{GP.ResourceChange}> .\n",
            f"{change} <{GP.changedResource}> <{subject}> .\n",
            f"{change} <{GP.ordinal}> \"{n}\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n",
        ]
        for m, prop in enumerate(properties, start=1):
            p = f"<{node}#change-{n}-{m}>"
            out += [
                f"{change} <{GP.propertyChange}> {p} .\n",
                f"{p} <{RDF.type}> <{GP.PropertyChange}> .\n",
                f"{p} <{GP.changedProperty}> {prop.predicate} .\n",
                f"{p} <{GP.ordinal}> \"{m}\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n",
            ]
            out += [f"{p} <{GP.oldValue}> {value} .\n" for value in prop.old]
            out += [f"{p} <{GP.newValue}> {value} .\n" for value in prop.new]
    for n, contract in enumerate(changes.contract, start=1):
        change = f"<{node}#contract-{n}>"
        out += [
            f"{c} <{GP.contractChange}> {change} .\n",
            f"{change} <{RDF.type}> <{GP.ContractChange}> .\n",
            f"{change} <{GP.contractPart}> {literal(contract.part, '')} .\n",
            f"{change} <{GP.contractTerm}> {literal(contract.name, '')} .\n",
            f"{change} <{GP.changeKind}> {literal(contract.kind, '')} .\n",
            f"{change} <{GP.breaking}> \"{'true' if contract.breaking else 'false'}\"{XSD_BOOLEAN} .\n",
            f"{change} <{GP.ordinal}> \"{n}\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n",
        ]
    return out
