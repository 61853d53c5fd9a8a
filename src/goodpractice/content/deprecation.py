"""The deprecation fields a practice, footnote, glossary term or catalogue entry may carry:
``deprecated: true`` (the resource is retired but stays published: IRIs never vanish),
``replaced_by:`` (the key of what replaces it: the path of its IRI under the base, e.g.
``rabat-washington/glossary/prevention``) and ``change_note:`` (why)."""

from __future__ import annotations

from .fields import Fields
from .model import Deprecation


def read_deprecation(f: Fields) -> Deprecation | None:
    """The deprecation of the mapping ``f`` reads, if it declares one (every field is marked
    used, so that a typo in another field is still reported)."""
    f.used.update(("deprecated", "replaced_by", "change_note"))
    flag = f.data.get("deprecated")
    replaced_by = f.data.get("replaced_by")
    note = f.data.get("change_note")
    if flag in (None, False) and replaced_by is None and note is None:
        return None  # not retired
    if flag is not True:
        f.error(
            "'deprecated' must be true when 'replaced_by' or 'change_note' is given "
            f"(found {flag!r}); a resource that is not retired has neither",
            "deprecated" if flag is not None else "replaced_by" if replaced_by else "change_note",
        )
        return None
    for key, value in (("replaced_by", replaced_by), ("change_note", note)):
        if value is not None and not isinstance(value, str):
            f.error(f"'{key}' must be text, not {type(value).__name__}", key)
            return None
    if note is None or not note.strip():
        f.error(
            "a deprecated resource needs a 'change_note' saying why it is retired", "deprecated"
        )
        return None
    return Deprecation(replaced_by, " ".join(note.split()), f.loc("deprecated"))
