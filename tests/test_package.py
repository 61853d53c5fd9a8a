"""The package as a user gets it: the sdist and the wheel built with ``python -m build``, the
wheel installed in a fresh virtual environment, and every command run from a publication
folder that ``goodpractice new`` laid out in an empty folder, with no source checkout.

.ci/run builds the sdist and the wheel first and names their folder in GOODPRACTICE_DIST;
without it (the README's test command alone) this module builds them itself. Also here:
``goodpractice new``'s refusals, and the rule by which a publication's mkdocs.yml is merged
over the packaged default."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
import yaml

from goodpractice.cli import main
from goodpractice.site.config import merge, site_config

from .conftest import free_port
from .needs import unavailable

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_FILES = ["context.jsonld", "jsonld.schema.json", "ontology.ttl", "shapes.ttl"]


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """The folder with the sdist and the wheel."""
    given = os.environ.get("GOODPRACTICE_DIST")
    if given:
        return Path(given)
    try:
        import build  # noqa: F401
    except ImportError:
        unavailable("needs the build package: python3 -m pip install -e '.[test]'")
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def one(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    assert len(found) == 1, found
    return found[0]


def test_the_sdist_and_the_wheel_carry_the_schema_and_the_site_defaults(dist):
    with tarfile.open(one(dist, "goodpractice-*.tar.gz")) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    for name in SCHEMA_FILES:
        assert f"ontology/{name}" in names
    assert {"mkdocs.yml", "docs/citations.md", "docs/editing.md", "pyproject.toml"} <= names
    packaged = "goodpractice/resources/"
    with zipfile.ZipFile(one(dist, "goodpractice-*.whl")) as wheel:
        inside = set(wheel.namelist())
        # The same bytes as the repository's: one copy, mapped in by the build.
        schema = {name: wheel.read(f"{packaged}ontology/{name}") for name in SCHEMA_FILES}
    assert schema == {name: (ROOT / "ontology" / name).read_bytes() for name in SCHEMA_FILES}
    assert {packaged + "mkdocs.yml", packaged + "docs/editing.md",
            "goodpractice/site/overrides/main.html", "goodpractice/site/assets/goodpractice.css",
            "goodpractice/scaffold/files/publication.yaml"} <= inside  # fmt: skip


@pytest.fixture(scope="module")
def venv(dist, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel installed: the dependencies come from the
    system's site-packages, the package itself only from the wheel."""
    env = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run(
        [sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(env)],
        check=True,
    )
    python = env / "bin" / "python"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-index",
         "--no-deps", "--force-reinstall", "--quiet", str(one(dist, "goodpractice-*.whl"))],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return env


def run(venv: Path, cwd: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(venv / "bin" / "goodpractice"), *args],
        cwd=cwd, env=environment(venv), capture_output=True, text=True, timeout=120, **kwargs,
    )  # fmt: skip


def environment(venv: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    return env


def get(url: str, accept: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_for(condition, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def test_the_installed_wheel_makes_validates_builds_and_serves_a_new_publication(venv, tmp_path):
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c",
         "import goodpractice, goodpractice.ontology as o; print(goodpractice.__file__); "
         "print(o.ontology_file('shapes.ttl')); print(o.default_config())"],
        cwd=tmp_path, env=environment(venv), capture_output=True, text=True, check=True,
    ).stdout.splitlines()  # fmt: skip
    for path in where:  # the package, its schema and its site defaults: all from the wheel
        assert Path(path).resolve().is_relative_to(venv.resolve()), path
        assert Path(path).is_file()

    empty = tmp_path / "empty"
    empty.mkdir()
    made = run(venv, empty, "new", "demo")
    assert made.returncode == 0, made.stderr
    lines = made.stdout.splitlines()
    assert lines[2:6] == [
        "Next, in demo/:",
        "  goodpractice validate   check the content (no memorandum yet: one warning)",
        "  goodpractice build      write the data to build/ and the site to site/",
        "  goodpractice serve      browse the site at http://127.0.0.1:8000/, rebuilt on every edit",
    ]
    demo = empty / "demo"
    publication = yaml.safe_load((demo / "content" / "publication.yaml").read_text("utf-8"))
    assert publication["base_iri"] == "https://example.org/demo/"
    assert publication["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert publication["issued"] == publication["modified"]
    assert sorted(p.name for p in (demo / "content" / "memoranda").iterdir()) == ["README.md"]

    validated = run(venv, demo, "validate")
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert validated.stdout.splitlines() == [
        "content/publication.yaml:4: dataset: void:rootResource: warning: The dataset has no "
        "memorandum yet (void:rootResource): add one under content/memoranda/.",
        "goodpractice: the data conforms (0 violations, 1 warning).",
    ]
    built = run(venv, demo, "build")
    assert built.returncode == 0, built.stdout + built.stderr
    assert (demo / "build" / "shapes.ttl").read_bytes() == (
        ROOT / "ontology" / "shapes.ttl"
    ).read_bytes()
    home = (demo / "site" / "index.html").read_text(encoding="utf-8")
    assert "<title>Good Practices as Linked Data</title>" in home  # the publication's mkdocs.yml
    assert (demo / "site" / "editing" / "index.html").is_file()  # the packaged prose pages

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(tmp_path / "serve.log", "w+", encoding="utf-8")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [str(venv / "bin" / "goodpractice"), "serve", "--no-build", "--port", str(port),
         "--interval", "0.2"],
        cwd=demo, env=environment(venv), stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        assert wait_for(lambda: get(url + "/")[0] == 200), log_of(log)
        status, turtle = get(url + "/org/gctf", "text/turtle")
        assert status == 200
        assert b'"Global Counterterrorism Forum"@en' in turtle
        # serve watches the publication's own docs/ and mkdocs.yml: a page and its nav entry
        # added there are built into the site.
        generation = int(get(url + "/__goodpractice/generation")[1])
        (demo / "docs").mkdir()
        (demo / "docs" / "about.md").write_text("# About this edition\n", encoding="utf-8")
        with (demo / "mkdocs.yml").open("a", encoding="utf-8") as f:
            f.write("nav:\n  - About this edition: about.md\n")
        assert wait_for(lambda: int(get(url + "/__goodpractice/generation")[1]) > generation)
        status, page = get(url + "/about/")
        assert status == 200 and b"About this edition" in page, log_of(log)
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def log_of(log) -> str:
    log.seek(0)
    return log.read()


# --------------------------------------------------------------------------------------------
# goodpractice new: what it refuses, writing nothing


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["new", "taken"], "goodpractice: taken/ already exists and is not empty; nothing was "
         "written. Name a new folder, or an empty one."),
        (["new", "fresh", "--base-iri", "https://example.org/no-slash"],
         "goodpractice: --base-iri must be an http(s) IRI ending in '/', not "
         "'https://example.org/no-slash'."),
        (["new", "fresh", "--license", "CC BY 4.0"],
         "goodpractice: --license must be the licence's IRI (http or https), not 'CC BY 4.0'."),
        (["new", "fresh", "--publisher", "---"],
         "goodpractice: --publisher '---': the name needs letters or digits (its key is made "
         "from them)."),
    ],
)  # fmt: skip
def test_new_refuses_with_one_line_and_exit_2_writing_nothing(
    runner, tmp_path, monkeypatch, args, message
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine", encoding="utf-8")
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [message]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]
    assert [p.name for p in (tmp_path / "taken").iterdir()] == ["notes.txt"]


def test_new_fills_an_empty_folder_from_its_options(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "edition").mkdir()
    result = runner.invoke(main, [
        "new", "edition", "--title", "Hague – Marrakech as Linked Data", "--publisher", "GCTF",
        "--base-iri", "https://data.example.net/hm/", "--license",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "placeholder" not in result.stdout
    content = tmp_path / "edition" / "content"
    publication = yaml.safe_load((content / "publication.yaml").read_text("utf-8"))
    assert publication == {
        "base_iri": "https://data.example.net/hm/",
        "title": "Hague – Marrakech as Linked Data",
        "description": "Good-practice memoranda published as linked data: every practice, "
        "footnote and citation with a stable IRI, the official text kept verbatim.",
        "version": "0.1.0",
        "issued": dt.date.today(),
        "modified": dt.date.today(),
        "publisher": "org/gctf",  # the GCTF is in the catalogue already
        "rights": "The text of each memorandum is its publisher's, reproduced verbatim for "
        "reference. The encoding (the data, its model and the catalogue) is released under "
        "the licence https://creativecommons.org/publicdomain/zero/1.0/.",
        "license": "https://creativecommons.org/publicdomain/zero/1.0/",
    }
    organisations = yaml.safe_load(
        (content / "catalogue" / "organisations.yaml").read_text("utf-8")
    )
    # The GCTF as the repository's catalogue has it.
    real = yaml.safe_load(
        (ROOT / "content" / "catalogue" / "organisations.yaml").read_text("utf-8")
    )
    assert organisations == [e for e in real if e["id"] == "org/gctf"]
    assert yaml.safe_load((content / "catalogue" / "documents.yaml").read_text("utf-8")) == []


# --------------------------------------------------------------------------------------------
# The publication's mkdocs.yml over the packaged default


def test_a_publications_mkdocs_yml_is_merged_over_the_default():
    default = {
        "site_name": "Default",
        "theme": {"name": "material", "palette": {"primary": "indigo", "accent": "indigo"},
                  "features": ["navigation.top"]},
        "plugins": [{"search": {"lang": "en"}}],
        "markdown_extensions": ["attr_list", {"toc": {"permalink": True}}],
        "extra_css": ["a.css"],
    }  # fmt: skip
    own = {
        "site_name": "Mine",
        "theme": {"palette": {"primary": "teal"}, "features": ["toc.follow"]},
        "plugins": ["search", "tags"],
        "markdown_extensions": [{"toc": {"permalink": "#"}}, "footnotes"],
        "extra_css": ["a.css", "b.css"],
    }
    assert merge(default, own) == {
        "site_name": "Mine",
        "theme": {"name": "material", "palette": {"primary": "teal", "accent": "indigo"},
                  "features": ["toc.follow"]},
        "plugins": ["search", "tags"],
        "markdown_extensions": ["attr_list", {"toc": {"permalink": "#"}}, "footnotes"],
        "extra_css": ["a.css", "b.css"],
    }  # fmt: skip
    assert merge(default, default) == default  # the repository's own mkdocs.yml is the default


def test_the_repository_is_a_publication_whose_mkdocs_yml_is_the_default():
    """This repository's mkdocs.yml and docs/ are the packaged default: read once, merged with
    nothing, so the site of the real memorandum is what the default gives."""
    alone = site_config(None)
    here = site_config(ROOT)
    assert here.config == alone.config and here.nav == [] and here.overrides is None
    assert here.docs == alone.docs == [ROOT / "docs"]
    raw = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    raw.pop("docs_dir")
    assert here.config == raw
