"""Comparing two states of the content graph, as N-Triples lines: which resources were added,
removed, deprecated or changed (with the properties whose values changed, old and new), and
which keys and terms of the contract (context, ontology, JSON Schema) changed.

Lines are compared as text, and only the resources whose lines differ are looked at: records
are sorted N-Triples, so the lines of one subject are found by bisection. No RDF parsing:
comparing a record of 1,000 practices takes a fraction of a second. A resource is a subject IRI under the base (a citation, ``…/fn15
#citation-2``, is a resource of its own). The typed CiTO statements a citing unit carries repeat
what its citations say (``cito:Citation``); a change to them is listed on the citation alone.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field

from .. import vocab

CITO_NT = f"<{vocab.CITO}"  # a CiTO IRI as N-Triples writes it, less the local name
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
CITATION_CLASS = f"<{vocab.CITO.Citation}>"
DEPRECATED = (
    "<http://www.w3.org/2002/07/owl#deprecated>",
    '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>',
)
# What a deprecation adds: listed as the deprecation, not as changes of their own.
DEPRECATION_PREDICATES = {
    "<http://www.w3.org/2002/07/owl#deprecated>",
    "<http://purl.org/dc/terms/isReplacedBy>",
    "<http://www.w3.org/2004/02/skos/core#changeNote>",
}  # fmt: skip

Description = dict[str, set[str]]  # predicate → objects, as N-Triples terms


@dataclass
class PropertyChange:
    predicate: str  # IRI
    old: list[str]  # N-Triples terms
    new: list[str]


@dataclass
class ContractChange:
    part: str  # "context", "ontology", "schema"
    name: str
    kind: str  # "added", "removed", "redefined", "reworded"

    @property
    def breaking(self) -> bool:
        """Removing or redefining a context key, an ontology term or a part of the JSON Schema
        (a property's type, a required key, …) breaks consumers' code; adding or rewording
        does not."""
        return self.kind in ("removed", "redefined")


@dataclass
class ChangeSet:
    version: str  # the release it leads to ("" : changes not yet released)
    previous: str | None  # the release it starts from
    date: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    deprecated: list[str] = field(default_factory=list)
    changed: dict[str, list[PropertyChange]] = field(default_factory=dict)
    contract: list[ContractChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.deprecated or self.changed or self.contract)

    @property
    def touched(self) -> list[str]:
        """Every resource whose published description this change set changes."""
        return [*self.added, *self.deprecated, *self.changed]


def descriptions(lines, base_iri: str) -> dict[str, Description]:
    """Each resource's description: its predicates and their values, from N-Triples lines."""
    prefix = "<" + base_iri
    found: dict[str, Description] = defaultdict(lambda: defaultdict(set))
    citations = set()
    for line in lines:
        if not line.startswith(prefix):
            continue
        subject_end = line.index("> ") + 1
        predicate_end = line.index(" ", subject_end + 1)
        subject = line[1 : subject_end - 1]
        predicate = line[subject_end + 1 : predicate_end]
        value = line[predicate_end + 1 :].rstrip().removesuffix(".").rstrip()
        found[subject][predicate].add(value)
        if predicate == RDF_TYPE and value == CITATION_CLASS:
            citations.add(subject)
    for subject, description in found.items():
        if subject not in citations:
            for predicate in [p for p in description if p.startswith(CITO_NT)]:
                del description[predicate]
    return found


def subject_of(line: str) -> str:
    return line[1 : line.index(">")] if line.startswith("<") else ""


def subjects(lines, base_iri: str) -> set[str]:
    """The resources (subjects under the base IRI) of N-Triples lines."""
    prefix = "<" + base_iri
    return {line[1 : line.index(">")] for line in lines if line.startswith(prefix)}


def lines_of(lines: list[str], subject: str) -> list[str]:
    """The lines of one subject in sorted N-Triples lines: they are contiguous."""
    start = f"<{subject}> "
    first = bisect_left(lines, start)
    last = first
    while last < len(lines) and lines[last].startswith(start):
        last += 1
    return lines[first:last]


def compare_lines(old: list[str] | None, new: list[str], base_iri: str,
                  version: str, previous: str | None, date: str) -> ChangeSet:  # fmt: skip
    """``compare`` of two sorted N-Triples states, looking only at the resources whose lines
    differ."""
    old = old or []
    touched = subjects(set(old).symmetric_difference(new), base_iri)
    before = descriptions((line for s in touched for line in lines_of(old, s)), base_iri)
    after = descriptions((line for s in touched for line in lines_of(new, s)), base_iri)
    return compare(dict(before), dict(after), version, previous, date)


def is_deprecated(description: Description | None) -> bool:
    return bool(description) and DEPRECATED[1] in description.get(DEPRECATED[0], ())


def compare(old: dict[str, Description] | None, new: dict[str, Description],
            version: str, previous: str | None, date: str) -> ChangeSet:  # fmt: skip
    """What changed from ``old`` (None: nothing released before) to ``new``."""
    changes = ChangeSet(version, previous, date)
    old = old or {}
    for subject in sorted(new.keys() - old.keys()):
        changes.added.append(subject)
    for subject in sorted(old.keys() - new.keys()):
        changes.removed.append(subject)
    for subject in sorted(new.keys() & old.keys()):
        before, after = old[subject], new[subject]
        if before == after:
            continue
        if is_deprecated(after) and not is_deprecated(before):
            changes.deprecated.append(subject)
            continue
        properties = [
            PropertyChange(p, sorted(before.get(p, ())), sorted(after.get(p, ())))
            for p in sorted(before.keys() | after.keys())
            if before.get(p, set()) != after.get(p, set())
        ]
        if properties:
            changes.changed[subject] = properties
    return changes


def compare_contract(old: dict, new: dict) -> list[ContractChange]:
    """The keys and terms that were added, removed, redefined or reworded (see
    ``records.contract_terms``); removing or redefining one breaks consumers' code."""
    found = []
    for part in ("context", "ontology", "schema"):
        before, after = old.get(part, {}), new.get(part, {})
        for name in sorted(before.keys() | after.keys()):
            if name not in after:
                found.append(ContractChange(part, name, "removed"))
            elif name not in before:
                found.append(ContractChange(part, name, "added"))
            elif before[name][0] != after[name][0]:
                found.append(ContractChange(part, name, "redefined"))
            elif before[name][1] != after[name][1]:
                found.append(ContractChange(part, name, "reworded"))
    return found
