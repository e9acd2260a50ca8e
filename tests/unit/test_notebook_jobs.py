"""A chapter's result is stored in the cache only when it is whole and was made from the staged
snapshot its key names (issue 12): a chapter whose staged data was rewritten while it ran (by
another build, say) is not stored, and a failing chapter's executed notebook is kept."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

from sv_assessment.build import cache, notebooks
from sv_assessment.build.notebooks import NotebookJob
from sv_assessment.errors import BuildError


@pytest.fixture(autouse=True)
def own_environment(monkeypatch):
    """A job sets these for its kernel; put them back after each test."""
    for name in ("SV_ASSESSMENT_KERNEL_LOG", "SV_ASSESSMENT_READS"):
        monkeypatch.setenv(name, "")  # recorded, so the value a job sets is undone


def chapter(folder: Path, code: str) -> Path:
    notebook = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell("staged_dir = ''\ntables_dir = ''")
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [parameters, nbformat.v4.new_code_cell(code)]
    notebook.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "P"}
    path = folder / "chapter.ipynb"
    nbformat.write(notebook, path)
    return path


def job_for(tmp_path: Path, code: str) -> tuple[NotebookJob, dict]:
    staged = tmp_path / "work" / "staged"
    staged.mkdir(parents=True)
    (staged / "offences.parquet").write_bytes(b"the snapshot the key was made from")
    entry = tmp_path / "work" / "cache" / "chapter" / ("k" * 32)
    failed = tmp_path / "work" / "failed" / "chapter.ipynb"
    job = NotebookJob("chapter", chapter(tmp_path, code), "k" * 64, entry, None, 0.0, failed)
    return job, {"staged_dir": str(staged)}


def test_a_chapter_whose_staged_data_changed_while_it_ran_is_not_stored(tmp_path):
    job, parameters = job_for(
        tmp_path,
        "import pathlib\n"
        "pathlib.Path(staged_dir, 'offences.parquet').write_bytes(b'another build staged this')",
    )
    snapshot = cache.snapshot(Path(parameters["staged_dir"]))
    with pytest.raises(BuildError, match="staged data changed while chapter ran"):
        notebooks._run_job(job, parameters, snapshot)
    assert not job.entry.exists()
    assert not list(job.entry.parent.glob(".tmp-*"))  # nothing half-made left either


def test_a_failing_chapter_is_kept_where_the_message_says_and_nothing_is_stored(tmp_path):
    job, parameters = job_for(tmp_path, "raise ValueError('the analysis broke')")
    snapshot = cache.snapshot(Path(parameters["staged_dir"]))
    with pytest.raises(BuildError, match="ValueError: the analysis broke") as caught:
        notebooks._run_job(job, parameters, snapshot)
    assert f"kept at {job.failed_copy}" in str(caught.value)
    assert "the analysis broke" in job.failed_copy.read_text()
    assert not job.entry.exists()


def test_a_chapter_from_an_unchanged_snapshot_is_stored_whole(tmp_path):
    job, parameters = job_for(tmp_path, "print('a chapter')")
    snapshot = cache.snapshot(Path(parameters["staged_dir"]))
    notebooks._run_job(job, parameters, snapshot)
    assert cache.entry_complete(job.entry) and (job.entry / "notebook.ipynb").is_file()
    assert os.environ.get("SV_ASSESSMENT_KERNEL_LOG") == str(job.kernel_log)
