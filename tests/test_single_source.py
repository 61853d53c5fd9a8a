"""Each fact several stages share is stated in one module and used from there: the CiTO namespace
and table, every media type, the IRI patterns, the sort rule. A second copy fails here, with
the module that holds it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from goodpractice.vocab import CITATION_TYPES, FORMATS

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "goodpractice"
# Server configurations are text the site writes; a media type there is a copy too.
SERVER_TEMPLATES = PACKAGE / "site" / "templates" / "server"


def python_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def string_literals(path: Path) -> list[str]:
    """The string constants of a module, docstrings left out (they explain, they define nothing)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def holders(text: str) -> set[str]:
    """The modules (and server templates) whose strings contain ``text``."""
    found = {
        path.relative_to(PACKAGE).as_posix()
        for path in python_files()
        if any(text in literal for literal in string_literals(path))
    }
    for path in sorted(SERVER_TEMPLATES.glob("*")):
        lines = [
            line
            for line in path.read_text(encoding="utf-8").splitlines()
            if not line.lstrip().startswith("#")
        ]
        if any(text in line for line in lines):
            found.add(path.relative_to(PACKAGE).as_posix())
    return found


FACTS = [
    ("the CiTO namespace", "http://purl.org/spar/cito/", "vocab.py"),
    # The table: each type's label (and colour) is stated once. Code that picks a type names it
    # by its key, as the importer does from a citation's wording; that is a use, not a copy.
    *[(f"the label of {t.name}", t.label, "vocab.py") for t in CITATION_TYPES],
    *[
        (f"the colour of {t.name}", t.colour, "vocab.py")
        for t in CITATION_TYPES
        if t.colour != CITATION_TYPES[-1].colour  # the neutral colour, shared by the rest
    ],
    *[
        (f"the media type of .{f.extension}", f.media_type, "vocab.py")
        for f in FORMATS
        if "/" in f.media_type
    ],
    ("the IRI of a citation", "#citation-", "iris.py"),
    ("the key of a paragraph", "#paragraph-", "iris.py"),
    ("the key of a heading", "#heading", "iris.py"),
    ("the versioned context path", "context/", "iris.py"),
]


@pytest.mark.parametrize("what, text, owner", FACTS, ids=[fact[0] for fact in FACTS])
def test_a_shared_fact_is_stated_in_one_module(what, text, owner):
    assert holders(text) == {owner}, f"{what} ({text!r}) is stated outside {owner}"


def defined_functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}


def test_the_sort_rule_is_defined_once():
    where = {
        path.relative_to(PACKAGE).as_posix()
        for path in python_files()
        if defined_functions(path) & {"order_key", "natural", "order_tuple"}
        and path.name != "index.py"  # export's index calls the rule with its own lookups
    }
    assert where == {"graph/read.py"}


def imported_names(folder_or_file: Path) -> set[str]:
    """``module.name`` for every ``from module import name`` under a package or in a module,
    relative imports resolved to goodpractice's module names."""
    files = sorted(folder_or_file.rglob("*.py")) if folder_or_file.is_dir() else [folder_or_file]
    names = set()
    for path in files:
        package = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if path.name != "__init__.py":
            package = package[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = list(package[: len(package) - node.level + 1]) if node.level else []
                module = ".".join([*base, *(node.module.split(".") if node.module else [])])
                names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


# (view, what it must use from the one place that states it)
USES = [
    ("site", "goodpractice.vocab.citation_type"),
    ("site", "goodpractice.graph.read.ReadModel"),
    ("site", "goodpractice.vocab.RESOURCE_FORMATS"),
    ("export", "goodpractice.graph.order_key"),
    ("export", "goodpractice.graph.read.citation_of"),  # a citation as read_citations reads it
    ("export", "goodpractice.vocab.IANA_MEDIA_TYPES"),
    ("check/fidelity.py", "goodpractice.graph.graph_order_key"),
    ("check/fidelity.py", "goodpractice.iris.paragraph_iri"),
    ("serve", "goodpractice.vocab.FORMAT"),
    ("serve", "goodpractice.vocab.RESOURCE_FORMATS"),
]


@pytest.mark.parametrize("view, name", USES, ids=[f"{v} uses {n}" for v, n in USES])
def test_views_use_the_shared_facts_from_where_they_are_stated(view, name):
    # A package re-exports its modules' names: goodpractice.graph.x is goodpractice.graph.read.x.
    package, _, attribute = name.rpartition(".")
    imported = {n for n in imported_names(PACKAGE / view) if n.rpartition(".")[2] == attribute}
    assert any(n == name or n.startswith(package + ".") for n in imported), imported
