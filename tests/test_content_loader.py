"""The content loader reads YAML with libyaml for speed; the pure-Python loader, whose messages
maintainers are shown, must read every content file to the same values and lines."""

from __future__ import annotations

import pytest
import yaml

from goodpractice.content import files

from .conftest import CONTENT

FILES = sorted(
    p for p in CONTENT.rglob("*") if p.suffix in (".yaml", ".md") and "source" not in p.parts
)


def front(path) -> str:
    text = path.read_text(encoding="utf-8")
    return text.split("\n---\n", 1)[0].removeprefix("---\n") if path.suffix == ".md" else text


def lines(value):
    """The values with the lines the loader recorded for every mapping, key and item."""
    if isinstance(value, files.Mapping):
        return ("map", value.line, {k: (value.key_lines[k], lines(v)) for k, v in value.items()})
    if isinstance(value, files.Sequence):
        return ("seq", value.line, value.item_lines, [lines(v) for v in value])
    return value


def test_libyaml_is_used():
    assert files.FastLineLoader.__mro__[1] is yaml.CSafeLoader


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(CONTENT)))
def test_both_loaders_read_the_same(path):
    text = front(path)
    fast = files.load_with(files.FastLineLoader, text, 0)
    pure = files.load_with(files.LineLoader, text, 0)
    assert lines(fast) == lines(pure)
    assert fast  # a real mapping, not an empty document
