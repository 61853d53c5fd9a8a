"""The shape of the code, read from the source tree: the limits a newcomer can rely on.

- no Python module in src/ over 500 lines, no test module over 800;
- no import cycle among the goodpractice modules (every import counts, those inside functions
  and under TYPE_CHECKING too; relative imports resolved);
- at most 5 string literals in src/ that contain an HTML tag (docstrings aside): HTML lives in
  templates;
- no module imports another module's private name (``from x import _y``);
- ARCHITECTURE.md names only paths and functions that exist, and its Mermaid diagram draws
  exactly the imports between the stages.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = SRC / "goodpractice"
TESTS = ROOT / "tests"
ARCHITECTURE = ROOT / "ARCHITECTURE.md"

MAX_MODULE_LINES = 500
MAX_TEST_LINES = 800
MAX_HTML_LITERALS = 5
HTML_TAG = re.compile(
    r"<(/?)(a|p|div|span|ul|li|ol|table|tr|td|th|h[1-6]|section|article|nav|code|strong|em|"
    r"script|style|svg|g|path|text|line|circle|rect|br|dl|dt|dd|details|summary|figure|caption|"
    r"thead|tbody|label|input|form|button|link|meta|html|head|body|small|sup|sub)\b"
)


def lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


# --------------------------------------------------------------------------------------------
# Sizes


def test_no_module_in_src_is_over_500_lines():
    over = {relative(p): lines(p) for p in sorted(SRC.rglob("*.py")) if lines(p) > MAX_MODULE_LINES}
    assert over == {}


def test_no_test_module_is_over_800_lines():
    over = {relative(p): lines(p) for p in sorted(TESTS.rglob("*.py")) if lines(p) > MAX_TEST_LINES}
    assert over == {}


# --------------------------------------------------------------------------------------------
# Imports


def imports(name: str, path: Path, known: dict[str, Path]) -> list[tuple[str, list[str], int]]:
    """(module imported, names imported from it, line) for every import in the module, anywhere
    in it, relative imports resolved against ``name``'s package."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Import):
            found += [(alias.name, [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            names = [alias.name for alias in node.names]
            submodules = [n for n in names if f"{base}.{n}" in known]
            found += [(f"{base}.{n}", [], node.lineno) for n in submodules]
            rest = [n for n in names if n not in submodules]
            if rest or not submodules:
                found.append((base, rest, node.lineno))
    return found


def import_graph() -> dict[str, set[str]]:
    """Which goodpractice module imports which (an import of a.b.c that is not a module counts
    as an import of the nearest module above it)."""
    known = modules()
    edges: dict[str, set[str]] = {name: set() for name in known}
    for name, path in known.items():
        for target, _names, _line in imports(name, path, known):
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                edges[name].add(target)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(found)


def test_the_cycle_finder_finds_cycles():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert cycles(edges) == [["a", "b", "c"]]


def test_no_import_cycle_among_the_modules():
    graph = import_graph()
    described = [
        [f"{m} -> {', '.join(sorted(t for t in graph[m] if t in cycle))}" for m in cycle]
        for cycle in cycles(graph)
    ]
    assert described == []


# Private names of other libraries that we use knowingly, each with why.
KNOWN_PRIVATE = {
    # rdflib has no public N-Triples line writer; the published dataset.nt must keep its bytes.
    "rdflib.plugins.serializers.nt._nt_row",
}


def test_no_module_imports_another_modules_private_name():
    known = modules()
    private = [
        f"{relative(path)}:{line}: from {target} import {n}"
        for name, path in known.items()
        for target, names, line in imports(name, path, known)
        for n in names
        if n.startswith("_") and not n.startswith("__") and f"{target}.{n}" not in KNOWN_PRIVATE
    ]
    assert private == []


# --------------------------------------------------------------------------------------------
# HTML in Python


def string_literals(module: ast.Module) -> list[tuple[int, str]]:
    """(line, text) of every string literal that is not a docstring; an f-string is one literal,
    its constant parts joined."""
    docstrings = set()
    for node in ast.walk(module):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    inside_fstrings, found = set(), []
    for node in ast.walk(module):
        if isinstance(node, ast.JoinedStr) and id(node) not in inside_fstrings:
            parts = []
            for part in ast.walk(node):
                inside_fstrings.add(id(part))
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    parts.append(part.value)
            found.append((node.lineno, "".join(parts)))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in inside_fstrings
            and id(node) not in docstrings
        ):
            found.append((node.lineno, node.value))
    return found


def test_at_most_5_string_literals_in_src_hold_html():
    html = [
        f"{relative(path)}:{line}"
        for path in sorted(SRC.rglob("*.py"))
        for line, text in string_literals(tree(path))
        if HTML_TAG.search(text)
    ]
    assert len(html) <= MAX_HTML_LITERALS, f"{len(html)} literals with HTML: " + ", ".join(html)


# --------------------------------------------------------------------------------------------
# ARCHITECTURE.md

PATH_ENDINGS = (".py", ".html", ".yaml", ".ttl")
OUTPUT_FOLDERS = ("build/", "site/")  # what the tool writes beside content/, not in the source


def architecture() -> str:
    assert ARCHITECTURE.is_file(), "ARCHITECTURE.md is missing at the repository root"
    return ARCHITECTURE.read_text(encoding="utf-8")


def backticked(text: str) -> list[str]:
    """The inline code spans of ``text`` outside fenced blocks."""
    prose = re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)
    return re.findall(r"`([^`\n]+)`", prose)


def path_exists(token: str) -> bool:
    """A path exists relative to the repository root or to src/goodpractice/; ``<name>`` and
    ``*`` match any name; a bare file name exists if a file of that name is in the tree."""
    token, _, test = token.partition("::")  # a test id: the file, then the test in it
    if test:
        file = ROOT / token
        return file.is_file() and f"def {test.split('[')[0]}(" in file.read_text(encoding="utf-8")
    token = re.sub(r":\d+$", "", token)  # a line number
    pattern = re.sub(r"<[^>]*>|\{[^}]*\}", "*", token).rstrip("/")
    if "/" not in pattern:
        return any(ROOT.glob(f"**/{pattern}")) or any(ROOT.glob(pattern))
    for base in (ROOT, PACKAGE):
        if any(base.glob(pattern)):
            return True
    # a generated file named by where the tool writes it (build/dataset.ttl, site/index.html)
    return token.startswith(OUTPUT_FOLDERS) and not token.endswith(".py")


def looks_like_path(token: str) -> bool:
    if " " in token or "://" in token or token.startswith(("/", "-", ".")):
        return False
    return "/" in token or token.endswith(PATH_ENDINGS)


def defined_names() -> set[str]:
    names = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(tree(path)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
    return names


def python_name_exists(dotted: str) -> bool:
    """``goodpractice.a.b.name``: the longest importable module prefix, then attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(target, attribute):
                return False
            target = getattr(target, attribute)
        return True
    return False


def named_things(text: str) -> tuple[list[str], list[str], list[str]]:
    """Paths, dotted goodpractice names and bare ``function()`` names among the code spans."""
    top = {name.split(".")[1] for name in modules() if "." in name}
    paths, dotted, calls = [], [], []
    for token in backticked(text):
        token = token.strip()
        if looks_like_path(token):
            paths.append(token)
            continue
        name = token.removesuffix("()")
        if not re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*", name):
            continue
        if name.startswith("goodpractice."):
            dotted.append(name)
        elif "." in name and name.split(".")[0] in top:
            dotted.append("goodpractice." + name)
        elif "." not in name and token.endswith("()"):
            calls.append(name)
    return paths, dotted, calls


def test_architecture_names_only_paths_and_functions_that_exist():
    paths, dotted, calls = named_things(architecture())
    assert paths or dotted, "ARCHITECTURE.md names no path or function"
    defined = defined_names()
    missing = (
        [f"path {p}" for p in paths if not path_exists(p)]
        + [f"name {d}" for d in dotted if not python_name_exists(d)]
        + [f"function {c}()" for c in calls if c not in defined]
    )
    assert missing == []


STAGES = ("content", "graph", "check", "export", "site", "pipeline", "cli", "serve")
ARROW = re.compile(r"\s*(?:-{2,}|-\.+-|={2,})>\s*(?:\|[^|]*\|\s*)?")


def top_level(module: str) -> str | None:
    """The top-level module or subpackage of goodpractice a module belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def mermaid_edges(text: str) -> tuple[set[str], set[tuple[str, str]]]:
    """The nodes and ``A --> B`` edges (chains ``A --> B --> C`` too) of the mermaid blocks;
    a node is named by its id, whatever its label: ``check[check/: SHACL] --> graph``."""
    blocks = re.findall(r"^```mermaid\n(.*?)^```", text, flags=re.M | re.S)
    assert blocks, "ARCHITECTURE.md has no ```mermaid block"
    nodes, edges = set(), set()
    for line in "\n".join(blocks).splitlines():
        line = line.split("%%")[0].strip()
        if not line or re.match(
            r"(graph|flowchart)\s+(TB|TD|BT|RL|LR)\s*$|(subgraph|end|classDef)\b", line
        ):
            continue
        ids = [re.match(r"\s*([A-Za-z_]\w*)", part) for part in ARROW.split(line)]
        ids = [m[1] for m in ids if m]
        nodes.update(ids)
        edges.update(zip(ids, ids[1:], strict=False))
    return nodes, edges


def test_the_mermaid_diagram_draws_exactly_the_imports_between_its_packages():
    """The nodes of the diagram are goodpractice's top-level modules and subpackages (every
    stage among them); between the nodes drawn, ``A --> B`` is drawn exactly when some module of
    A imports some module of B."""
    nodes, drawn = mermaid_edges(architecture())
    present = {top_level(m) for m in modules()} - {None}
    assert sorted(nodes - present) == [], "drawn but not a module of goodpractice"
    assert sorted(set(STAGES) & present - nodes) == [], "stages missing from the diagram"
    real = {
        (top_level(a), top_level(b))
        for a, targets in import_graph().items()
        for b in targets
        if top_level(a) in nodes and top_level(b) in nodes and top_level(a) != top_level(b)
    }
    assert {"not drawn": sorted(real - drawn), "not real": sorted(drawn - real)} == {
        "not drawn": [],
        "not real": [],
    }


def test_the_diagram_reader_reads_chains_and_labels():
    text = (
        "```mermaid\nflowchart TD\n  cli[cli/] --> pipeline --> check\n"
        "  check -.-> |reads| graph\n  graph --> content\n```\n"
    )
    assert mermaid_edges(text) == (
        {"cli", "pipeline", "check", "graph", "content"},
        {("cli", "pipeline"), ("pipeline", "check"), ("check", "graph"), ("graph", "content")},
    )


@pytest.mark.parametrize(
    "token, expected",
    [
        ("src/goodpractice/cli.py", True),
        ("tests/cases/shapes/*.yaml", True),
        ("tests/test_shapes.py::test_each_case_alone_gives_exactly_its_results", True),
        ("tests/test_shapes.py::test_nonesuch", False),
        ("ontology/shapes.ttl", True),
        ("src/goodpractice/nowhere.py", False),
        ("site/index.html", True),
        ("site/nowhere.py", False),
    ],
)
def test_architecture_paths_are_checked_as_described(token, expected):
    assert path_exists(token) is expected
