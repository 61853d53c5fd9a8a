"""The whole history, from every release record: the change set of each release (against the
one before), the changes not yet released (the content against the last record), the date each
resource last changed, and the rules a release keeps (IRIs never vanish; a context key or an
ontology term is removed or redefined only by a release that raises MAJOR).

The history is read from the records alone, so ``dcterms:modified`` and the pages are the same
whoever builds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, URIRef

from ..content import Content, Location, Problem, display_path
from ..iris import Iris
from .diff import ChangeSet, compare_contract, compare_lines, subjects
from .records import (
    Record,
    contract_files,
    contract_terms,
    describe_missing,
    read_records,
    recorded_lines,
    version_key,
)


@dataclass
class History:
    base_iri: str
    version: str  # the version the content is published as (publication.yaml)
    records: list[Record]
    change_sets: list[ChangeSet]  # one per record, then the unreleased changes, if any
    modified: dict[str, str] = field(default_factory=dict)  # resource IRI → date
    problems: list[Problem] = field(default_factory=list)

    @property
    def released(self) -> bool:
        return bool(self.records)

    def change_set_iri(self, change_set: ChangeSet) -> str:
        iris = Iris(self.base_iri)
        if change_set.version:
            return f"{iris.release(change_set.version)}/changes"
        return f"{iris.dataset()}/changes-since-{change_set.previous}"


def change_set_locations(history: History, content: Content) -> dict:
    """Where each change set is written, for messages: its release's record (the changes not
    yet released: the publication's version)."""
    found = {}
    for changes in history.change_sets:
        record = next((r for r in history.records if r.version == changes.version), None)
        where = (
            Location(record.folder / "release.yaml", 1)
            if record is not None
            else content.publication.field_location("version")
        )
        found[URIRef(history.change_set_iri(changes))] = where
    return found


def load_history(content: Content, graph: Graph) -> History:
    """The history of the content in ``graph`` (built from ``content``) and the problems it
    shows: released IRIs missing from the content, contract changes without a MAJOR release
    (a replacement that does not exist is the shapes' to find). Raises records.RecordError if a record cannot be read."""
    pub = content.publication
    base = pub.base_iri
    records = read_records(content.root, base)
    history = History(base, pub.version, records, [])
    if not records:
        return history
    last = records[-1]
    core = pub.version.split("+")[0].split("-")[0]  # a pre-release counts as its version
    if (version_key(core) or (0, 0, 0)) < last.key:
        history.problems.append(
            Problem(
                pub.field_location("version"),
                f"version {pub.version} is below the last release, {last.version} "
                f"({display_path(last.folder)}): set it with goodpractice release",
            )
        )
    current = recorded_lines(graph, base)
    before, previous = None, None
    for record in records:
        changes = compare_lines(
            before, record.lines, base, record.version, previous and previous.version, record.date
        )
        if previous is not None:
            changes.contract = compare_contract(
                contract_terms(previous.contract), contract_terms(record.contract)
            )
            check_major(history, previous, record, changes)
        history.change_sets.append(changes)
        for subject in changes.touched:
            history.modified[subject] = record.date
        for subject in changes.removed:
            history.modified.pop(subject, None)
        before, previous = record.lines, record
    unreleased = compare_lines(before, current, base, "", previous.version, pub.modified)
    unreleased.contract = compare_contract(
        contract_terms(previous.contract), contract_terms(contract_files())
    )
    if unreleased:
        history.change_sets.append(unreleased)
        for subject in unreleased.touched:
            history.modified[subject] = pub.modified
    check_never_vanish(history, records, current)
    return history


def check_major(history: History, previous: Record, record: Record, changes: ChangeSet) -> None:
    breaking = [c for c in changes.contract if c.breaking]
    if breaking and record.key[0] == previous.key[0]:
        names = ", ".join(f"{c.part} {c.name} ({c.kind})" for c in breaking[:5])
        history.problems.append(
            Problem(
                Location(record.folder / "release.yaml", 1),
                f"release {record.version} removes or redefines what consumers rely on "
                f"({names}) without raising MAJOR over {previous.version}",
            )
        )


def check_never_vanish(history: History, records: list[Record], current: list[str]) -> None:
    """A resource with a document of its own (an IRI without '#') in any record must still be
    in the content; a retired one stays, marked deprecated. Only the lines a record has and the
    content has not are looked at."""
    present = subjects(current, history.base_iri)
    lines = set(current)
    reported: set[str] = set()
    for record in reversed(records):
        gone = subjects((line for line in record.lines if line not in lines), history.base_iri)
        missing = sorted(iri for iri in gone - present - reported if "#" not in iri)
        reported.update(missing)
        history.problems += describe_missing(record, missing)
