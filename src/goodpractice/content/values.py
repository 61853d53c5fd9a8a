"""The forms a field's value must have for the graph and the exports to be made from it: dates,
versions, IRIs."""

from __future__ import annotations

import datetime as dt
import re

import pyoxigraph

# Semantic Versioning 2.0.0, MAJOR.MINOR.PATCH with an optional pre-release (no build metadata):
# the version names a file of the release (context/<version>.jsonld) and a path of its IRI.
_IDENTIFIER = r"(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
SEMVER = re.compile(
    rf"(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)(?:-{_IDENTIFIER}(?:\.{_IDENTIFIER})*)?"
)
BASE_IRI = re.compile(r"^https?://[^\s#?]+/$")


def parse_date(value: str) -> tuple[str, str] | None:
    """(lexical form, XSD type name) of a date, year-month or year; None if it is none of them."""
    for pattern, kind in (
        (r"\d{4}-\d{2}-\d{2}", "date"),
        (r"\d{4}-\d{2}", "gYearMonth"),
        (r"\d{4}", "gYear"),
    ):
        if re.fullmatch(pattern, value):
            if kind == "date":
                try:
                    dt.date.fromisoformat(value)
                except ValueError:
                    return None
            return value, kind
    return None


def iri_error(value: str) -> str | None:
    """Why ``value`` is not an absolute IRI (as the RDF writers judge it), or None if it is one."""
    try:
        pyoxigraph.NamedNode(value)
    except ValueError as error:
        return str(error)
    return None


def is_base_iri(value: str) -> bool:
    return bool(BASE_IRI.match(value)) and iri_error(value) is None
