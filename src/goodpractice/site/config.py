"""The site's MkDocs configuration: the default shipped with the package (``mkdocs.yml`` and
the prose pages of ``docs/``), with the publication's own ``mkdocs.yml`` and ``docs/`` merged
over it.

The publication folder is the folder that holds the content folder (``--content``). Its
``mkdocs.yml`` is optional, and merged over the default by this rule:

- a mapping is merged key by key (``theme: {palette: {primary: teal}}`` changes only that);
  any other value (text, number, list) replaces the default's;
- ``plugins`` and ``markdown_extensions`` are merged by name: an entry for a name the default
  has replaces its settings there, others are added after the default's;
- ``extra_css`` and ``extra_javascript`` are added after the default's;
- ``nav``: its entries are added after the generated navigation (which goodpractice makes);
- ``docs_dir`` (default ``docs``): its pages join the default prose pages; a page of the same
  path replaces the default's; a page where a generated page goes is an error;
- ``theme.custom_dir``: its files are laid over the package's theme overrides;
- ``site_dir`` is ignored (``--site-dir`` says where the site goes).

Paths in it are relative to the publication folder. When the publication's mkdocs.yml is the
default file itself (in this repository, with an editable install), it is read once.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..content import display_path
from ..ontology import CHECKOUT, RESOURCES, default_config
from .pages import SiteError

BY_NAME = ("plugins", "markdown_extensions")
ADDED = ("extra_css", "extra_javascript")


@dataclass
class SiteConfig:
    config: dict  # the merged configuration, before goodpractice sets its folders and nav
    nav: list = field(default_factory=list)  # the publication's own entries, after the generated
    docs: list[Path] = field(default_factory=list)  # prose folders; a later one's page wins
    overrides: Path | None = None  # the publication's theme overrides (theme.custom_dir)


def site_config(publication: Path | None, default_file: Path | None = None) -> SiteConfig:
    """The configuration for a site of the publication in ``publication`` (None: the default
    alone). ``default_file`` replaces the packaged default mkdocs.yml."""
    default_file = Path(default_file or default_config())
    default = read_config(default_file)
    default_docs = default_file.parent / str(default.pop("docs_dir", "docs"))
    result = SiteConfig(default, docs=[default_docs] if default_docs.is_dir() else [])
    if publication is None:
        return result
    own_file = Path(publication) / "mkdocs.yml"
    own: dict = {}
    if own_file.is_file() and not same(own_file, default_file):
        own = read_config(own_file)
    own_docs = Path(publication) / str(own.pop("docs_dir", "docs"))
    if own_docs.is_dir() and not any(same(own_docs, d) for d in result.docs):
        result.docs.append(own_docs)
    nav = own.pop("nav", [])
    if not isinstance(nav, list):
        raise SiteError(f"{display_path(own_file)}: nav must be a list of pages")
    result.nav = nav
    own.pop("site_dir", None)
    theme = own.get("theme")
    if isinstance(theme, dict) and "custom_dir" in theme:
        theme = own["theme"] = dict(theme)
        result.overrides = Path(publication) / str(theme.pop("custom_dir"))
        if not result.overrides.is_dir():
            raise SiteError(
                f"{display_path(own_file)}: theme.custom_dir {display_path(result.overrides)}/ "
                "is not a folder"
            )
    result.config = merge(default, own)
    return result


def watched(publication: Path) -> list[Path]:
    """What the site is made from besides the content: the publication's mkdocs.yml and
    docs/ (watched even before they exist), and, in a source checkout, the default ones."""
    own_file = Path(publication) / "mkdocs.yml"
    paths = [Path(publication) / "docs", own_file]
    if own_file.is_file():
        try:
            own = read_config(own_file)
        except SiteError:
            own = {}
        docs_dir = own.get("docs_dir")
        if isinstance(docs_dir, str):
            paths[0] = Path(publication) / docs_dir
        theme = own.get("theme")
        if isinstance(theme, dict) and isinstance(theme.get("custom_dir"), str):
            paths.append(Path(publication) / theme["custom_dir"])
    if RESOURCES == CHECKOUT:  # an editable install: the defaults are being edited too
        paths += [CHECKOUT / "docs", default_config()]
    unique: list[Path] = []
    for path in paths:
        if not any(same(path, p) for p in unique):
            unique.append(path)
    return unique


def read_config(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SiteError(
            f"{display_path(path)}: cannot be read: {error.strerror or error}"
        ) from None
    except UnicodeDecodeError:
        raise SiteError(f"{display_path(path)}: is not UTF-8 text") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise SiteError(f"{display_path(path)}{where}: not valid YAML ({problem})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SiteError(f"{display_path(path)}: must be a mapping of MkDocs settings")
    return data


def merge(default: dict, own: dict, top: bool = True) -> dict:
    """``own`` over ``default``, by the rule in this module's description."""
    merged = dict(default)
    for key, value in own.items():
        old = merged.get(key)
        if top and key in BY_NAME and old is not None:
            merged[key] = merge_by_name(old, value)
        elif top and key in ADDED and isinstance(old, list) and isinstance(value, list):
            merged[key] = [*old, *(v for v in value if v not in old)]
        elif isinstance(old, dict) and isinstance(value, dict):
            merged[key] = merge(old, value, top=False)
        else:
            merged[key] = value
    return merged


def merge_by_name(default, own) -> list:
    """Plugins or Markdown extensions: each entry is a name, or a one-key mapping of a name to
    its settings (a mapping of several names is read as one entry each)."""
    entries = dict(named(default))
    entries.update(named(own))
    return [entry for _, entry in entries.items()]


def named(entries) -> list[tuple[str, object]]:
    if isinstance(entries, dict):
        entries = [{name: settings} for name, settings in entries.items()]
    found = []
    for entry in entries or []:
        if isinstance(entry, dict) and len(entry) == 1:
            found.append((str(next(iter(entry))), entry))
        else:
            found.append((str(entry), entry))
    return found


def same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def lay_out(folders: list[Path], into: Path) -> Path:
    """One folder with the files of ``folders``, a later folder's file replacing an earlier's
    of the same path."""
    into.mkdir(parents=True, exist_ok=True)
    for folder in folders:
        shutil.copytree(folder, into, dirs_exist_ok=True)
    return into
