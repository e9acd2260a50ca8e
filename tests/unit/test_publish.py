"""Atomic publication: the published folder is always a whole build, old or new."""

from __future__ import annotations

import json
from pathlib import Path

from sv_assessment.build import publish


def test_publish_swaps_the_staging_folder_in_and_removes_the_old(tmp_path: Path):
    final = tmp_path / "2024"
    final.mkdir()
    (final / "assessment.html").write_text("old")
    staging = publish.new_staging_dir(tmp_path, 2024)
    (staging / "assessment.html").write_text("new")
    publish.publish(staging, final)
    assert (final / "assessment.html").read_text() == "new"
    assert not (final / publish.OWNER_FILE).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024"]


def test_an_interrupted_swap_is_put_back_before_the_next_build(tmp_path: Path):
    previous = tmp_path / f"{publish.PREVIOUS_PREFIX}2024-abcd1234"
    previous.mkdir()
    (previous / "assessment.html").write_text("last good")
    publish.prepare(tmp_path, tmp_path / "2024")
    assert (tmp_path / "2024" / "assessment.html").read_text() == "last good"


def test_only_staging_folders_of_dead_builds_are_removed(tmp_path: Path):
    mine = publish.new_staging_dir(tmp_path, 2024)  # this process: alive
    dead = tmp_path / f"{publish.STAGING_PREFIX}2024-dead0000"
    dead.mkdir()
    (dead / publish.OWNER_FILE).write_text(
        json.dumps({"pid": 2**22 + 12345, "host": __import__("socket").gethostname()})
    )
    orphan = tmp_path / f"{publish.STAGING_PREFIX}2024-noowner"
    orphan.mkdir()
    removed = publish.clean_stale(tmp_path)
    assert set(removed) == {dead, orphan}
    assert mine.exists()
