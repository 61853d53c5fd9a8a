"""Reading a YAML mapping's fields strictly: a typo in a key is an error, not a silently ignored
field, and every problem names the line of the field."""

from __future__ import annotations

from pathlib import Path

from .files import Mapping, Sequence
from .markup import KEY
from .problems import Location, Problem


class Fields:
    """Typed access to one YAML mapping, collecting problems with their lines."""

    def __init__(self, data, path: Path, problems: list[Problem], what: str, line: int = 1):
        self.path = path
        self.problems = problems
        self.what = what
        if not isinstance(data, Mapping):
            self.data = Mapping()
            self.data.line, self.data.key_lines = getattr(data, "line", line), {}
            problems.append(Problem(self.loc(), f"{what} must be a mapping of fields"))
        else:
            self.data = data
        self.used: set[str] = set()

    def loc(self, key: str | None = None) -> Location:
        line = self.data.key_lines.get(key, self.data.line) if key else self.data.line
        return Location(self.path, line)

    def error(self, message: str, key: str | None = None) -> None:
        self.problems.append(Problem(self.loc(key), message))

    def text(self, key: str, required: bool = True, default=None):
        self.used.add(key)
        value = self.data.get(key)
        if value is None:
            if required:
                self.error(f"{self.what} has no '{key}'", key)
            return default
        if isinstance(value, (dict, list, bool)):
            self.error(f"'{key}' must be text, not {type(value).__name__}", key)
            return default
        return str(value)

    def key(self, name: str = "id") -> str | None:
        """An id: part of IRIs and of the paths of files written, so plain segments only."""
        value = self.text(name)
        if value is not None and not KEY.fullmatch(value):
            self.error(
                f"id '{value}' must be lower-case letters, digits and hyphens, in segments "
                "separated by '/' (it becomes part of IRIs and file paths)",
                name,
            )
            return None
        return value

    def integer(self, key: str) -> int | None:
        self.used.add(key)
        value = self.data.get(key)
        if value is None:
            self.error(f"{self.what} has no '{key}'", key)
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            self.error(f"'{key}' must be a whole number from 1, not {value!r}", key)
            return None
        return value

    def texts(self, key: str) -> list[str]:
        self.used.add(key)
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or any(isinstance(v, (dict, list)) for v in value):
            self.error(f"'{key}' must be a list of texts", key)
            return []
        return [str(v) for v in value]

    def items(self, key: str) -> list[tuple[object, int]]:
        self.used.add(key)
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, Sequence):
            self.error(f"'{key}' must be a list", key)
            return []
        return list(zip(value, value.item_lines, strict=True))

    def finish(self) -> None:
        for key in self.data:
            if key not in self.used:
                self.error(f"unknown field '{key}' in {self.what}", key)
