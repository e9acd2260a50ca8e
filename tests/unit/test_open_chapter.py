"""A notebook opened in JupyterLab works on data staged by the code it runs, never on data an
older version of the staging code left behind."""

from __future__ import annotations

import json
from pathlib import Path

from sv_assessment import notebook
from sv_assessment.catalog import WorkFolder
from tests.conftest import write_config


def test_open_chapter_restages_data_left_by_older_staging_code(tmp_path: Path, monkeypatch):
    config_path = write_config(tmp_path, offences_per_year=300)
    work = tmp_path / "work"
    monkeypatch.setattr(
        notebook.WorkFolder,
        "for_assessment",
        classmethod(lambda cls, stem, year, root=None: WorkFolder(work)),
    )
    chapter = notebook.open_chapter(str(config_path))
    manifest_file = chapter.staged.manifest_file
    first = json.loads(manifest_file.read_text())["stage_key"]
    assert len(chapter.offences()) > 0

    # What an older version of the code left: the same files under another stage key.
    stale = {**json.loads(manifest_file.read_text()), "stage_key": "from older code"}
    manifest_file.write_text(json.dumps(stale))
    notebook.open_chapter(str(config_path))
    assert json.loads(manifest_file.read_text())["stage_key"] == first

    # Unchanged: reused, not staged again (the offences file is not rewritten).
    parquet = chapter.staged.path("offences")
    written = parquet.stat().st_mtime_ns
    notebook.open_chapter(str(config_path))
    assert parquet.stat().st_mtime_ns == written
