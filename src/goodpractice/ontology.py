"""Where the files the package ships are: the hand-written schema (the ontology, the SHACL
shapes, the JSON-LD context and the JSON Schema) and the site's default MkDocs configuration
with its prose pages.

In the repository they are at the root (``ontology/``, ``mkdocs.yml``, ``docs/``); the wheel
and the sdist carry them inside the package, as ``goodpractice/resources/`` (pyproject.toml maps
the root folders there: one copy, never a second one kept by hand). An installed package reads
its own; an editable install, whose package folder has no ``resources/``, reads the checkout's.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parents[1]  # src/goodpractice → the repository root


def resources_dir() -> Path:
    """The folder holding ``ontology/``, ``mkdocs.yml`` and ``docs/``: the package's own, or
    the source checkout's."""
    packaged = PACKAGE / "resources"
    if (packaged / "ontology").is_dir():
        return packaged
    return CHECKOUT


RESOURCES = resources_dir()
ONTOLOGY_DIR = RESOURCES / "ontology"


def ontology_file(name: str) -> Path:
    """A file of the hand-written schema: ``ontology.ttl``, ``shapes.ttl``, ``context.jsonld``,
    ``jsonld.schema.json``."""
    return ONTOLOGY_DIR / name


def default_config() -> Path:
    """The site's default MkDocs configuration, which a publication's own mkdocs.yml is merged
    over."""
    return RESOURCES / "mkdocs.yml"


def default_docs() -> Path:
    """The default prose pages of the site (the data model's companions: how citations are
    typed, how to edit the content), to which a publication's own docs/ adds pages."""
    return RESOURCES / "docs"
