"""The content loader's direct conversion of libyaml's nodes (``files._convert``) and its scalar
resolver (``files.FastLineLoader.resolve``) against PyYAML's own construction: the same values,
the same lines, the same messages, on every content file, every edit of the content error cases
and the awkward documents of tests/cases/yaml_documents.yaml."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
import yaml

from goodpractice.content import files
from goodpractice.content.problems import ContentError

from .conftest import CONTENT, ROOT
from .synthetic import write_corpus

CASES = ROOT / "tests" / "cases"
DOCUMENTS = yaml.safe_load((CASES / "yaml_documents.yaml").read_text(encoding="utf-8"))
CONTENT_FILES = sorted(
    p for p in CONTENT.rglob("*") if p.suffix in (".yaml", ".md") and "source" not in p.parts
)


def lines(value):
    """The values with the lines the loader recorded for every mapping, key and item."""
    if isinstance(value, files.Mapping):
        return ("map", value.line, {k: (value.key_lines[k], lines(v)) for k, v in value.items()})
    if isinstance(value, files.Sequence):
        return ("seq", value.line, value.item_lines, [lines(v) for v in value])
    return (type(value).__name__, repr(value))


def constructed(text: str, offset: int = 0):
    """PyYAML's own construction of FastLineLoader's nodes (what ran before the conversion)."""
    loader = files.FastLineLoader(text)
    loader.line_offset = offset
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def outcome(read, text: str, offset: int = 0):
    try:
        return "value", lines(read(text, offset))
    except yaml.YAMLError as error:
        return "error", type(error).__name__, str(error)
    except TypeError as error:
        return "type error", str(error)


def parsed(text: str, offset: int = 0):
    try:
        return "value", lines(files.parse_yaml(text, Path("x.yaml"), offset))
    except ContentError as error:
        return "problems", [str(problem) for problem in error.problems]
    except TypeError as error:  # a key that is a mapping or a list: PyYAML's own failure
        return "type error", str(error)


def pure(text: str, offset: int):
    return files.load_with(files.LineLoader, text, offset)


def reference(text: str, offset: int = 0):
    """``parse_yaml`` as the pure-Python loader alone would answer."""
    old = files.FastLineLoader
    files.FastLineLoader = files.LineLoader
    try:
        return parsed(text, offset)
    finally:
        files.FastLineLoader = old


def fast(text: str, offset: int):
    return files.load_with(files.FastLineLoader, text, offset)


def front(path: Path) -> str:
    """A YAML file's text, a Markdown file's front matter ("" if it has none)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".md":
        return text
    if not text.startswith("---\n"):
        return ""
    return text[4:].split("\n---\n", 1)[0]


def edited_texts() -> list[tuple[str, str]]:
    """Each edit of the content error cases applied to its (YAML or Markdown) file."""
    cases = yaml.safe_load((CASES / "content_errors.yaml").read_text(encoding="utf-8"))
    texts = []
    for case in cases:
        for step in case["steps"]:
            edit = step.get("edit")
            if not edit or not edit["file"].endswith((".yaml", ".md")):
                continue
            path = ROOT / edit["file"]
            if not path.is_file() or edit["old"] not in path.read_text(encoding="utf-8"):
                continue
            text = path.read_text(encoding="utf-8").replace(edit["old"], edit["new"], 1)
            texts.append((f"{case['name']}: {edit['file']}", text))
    return texts


@pytest.mark.parametrize("text", DOCUMENTS, ids=range(len(DOCUMENTS)))
def test_awkward_documents(text):
    for offset in (0, 1):
        assert outcome(fast, text, offset) == outcome(constructed, text, offset)
        assert parsed(text, offset) == reference(text, offset)


def test_content_files_and_the_direct_path_ran():
    before = files.fast_paths["nodes"]
    for path in CONTENT_FILES:
        text = front(path)
        assert outcome(fast, text) == outcome(constructed, text) == outcome(pure, text)
    # each file with a document (one Markdown file has no front matter) went the direct way
    assert files.fast_paths["nodes"] - before == sum(1 for p in CONTENT_FILES if front(p)) > 20


def test_content_error_edits():
    texts = edited_texts()
    assert len(texts) > 10
    for _name, text in texts:
        # a Markdown file's front matter is parsed from its second line
        assert parsed(text) == reference(text)
        if not text.startswith("---\n"):
            assert outcome(fast, text) == outcome(constructed, text)


def test_duplicate_key_message():
    text = "title: A\nnumber: 1\ntitle: B\n"
    assert parsed(text, 1) == (
        "problems",
        ["x.yaml:4: invalid YAML: duplicate key 'title'"],
    )
    assert parsed(text, 1) == reference(text, 1)


def test_synthetic_corpus(tmp_path):
    folder = write_corpus(tmp_path / "content", memoranda=2)
    paths = sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".md"))
    assert len(paths) > 40
    for path in paths:
        text = front(path)
        assert outcome(fast, text) == outcome(constructed, text) == outcome(pure, text)


def test_resolver_matches_pyyaml():
    """Every scalar of the content and the documents resolves to PyYAML's tag."""
    resolver = yaml.resolver.Resolver()
    scalars = ["", "~", "null", "yes", "No", "0x1F", "1:30", ".inf", "-.5", "2018-09-26", "=", "<<"]
    for path in CONTENT_FILES:
        scalars += [e.value for e in yaml.parse(front(path)) if isinstance(e, yaml.ScalarEvent)]
    for text in DOCUMENTS:
        with contextlib.suppress(yaml.YAMLError):
            scalars += [e.value for e in yaml.parse(text) if isinstance(e, yaml.ScalarEvent)]
    loader = files.FastLineLoader("")
    try:
        for value in scalars:
            for implicit in ((True, False), (False, True), (False, False)):
                expected = resolver.resolve(yaml.ScalarNode, value, implicit)
                assert loader.resolve(yaml.ScalarNode, value, implicit) == expected, value
    finally:
        loader.dispose()
