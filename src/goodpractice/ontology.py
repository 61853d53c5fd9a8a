"""Where the hand-written schema files are: the ontology, the SHACL shapes, the JSON-LD context
and the JSON Schema (``ontology/`` in a source checkout)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

ONTOLOGY_DIR = Path(__file__).resolve().parents[2] / "ontology"


def ontology_file(name: str) -> Path:
    """A file of the hand-written schema: ``ontology.ttl``, ``shapes.ttl``, ``context.jsonld``,
    ``jsonld.schema.json``."""
    path = ONTOLOGY_DIR / name
    if path.exists():
        return path
    return Path(str(resources.files("goodpractice") / "ontology" / name))  # installed wheel
