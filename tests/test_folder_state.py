"""``folder_state`` (content/load.py), which a rebuild reads for each memorandum folder to tell
whether to read it again, reads the folders with ``os.scandir``: it must give exactly what
``pathlib`` gives (``folder_state_slow``), and change with any file added, removed or edited."""

from __future__ import annotations

import os

from goodpractice.content.load import folder_state, folder_state_slow

from .conftest import CONTENT


def test_the_real_memoranda():
    folders = [p for p in (CONTENT / "memoranda").iterdir() if p.is_dir()]
    assert folders
    for folder in folders:
        state = folder_state(folder)
        assert len(state) > 10
        assert state == folder_state_slow(folder)


def test_links_hidden_files_and_changes(tmp_path):
    folder = tmp_path / "memo"
    (folder / "practices" / "deep").mkdir(parents=True)
    (folder / "memorandum.yaml").write_text("id: memo\n", encoding="utf-8")
    (folder / "practices" / "gp01.md").write_text("text\n", encoding="utf-8")
    (folder / "practices" / "deep" / ".hidden").write_text("x", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "not-read.md").write_text("x", encoding="utf-8")
    os.symlink(outside, folder / "link-to-folder")
    os.symlink(tmp_path / "nowhere", folder / "broken-link")
    os.symlink(folder / "memorandum.yaml", folder / "link-to-file")
    first = folder_state(folder)
    assert first == folder_state_slow(folder)
    paths = [path for path, _time, _size in first]
    assert str(folder / "practices" / "deep" / ".hidden") in paths
    assert str(folder / "link-to-file") in paths
    assert not any("not-read" in path or "broken-link" in path for path in paths)

    (folder / "practices" / "gp01.md").write_text("longer text\n", encoding="utf-8")
    edited = folder_state(folder)
    assert edited != first and edited == folder_state_slow(folder)
    (folder / "practices" / "gp02.md").write_text("new\n", encoding="utf-8")
    added = folder_state(folder)
    assert added != edited and added == folder_state_slow(folder)
    (folder / "practices" / "gp02.md").unlink()
    assert len(folder_state(folder)) == len(edited)
    assert folder_state(tmp_path / "missing") == folder_state_slow(tmp_path / "missing") == ()
