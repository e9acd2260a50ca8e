"""The Quarto project the report is rendered from: chapters, front matter, joined notebook."""

from __future__ import annotations

from pathlib import Path

import nbformat

from sv_assessment.rendering import profiles, project
from tests.conftest import make_config


def test_written_project_lists_every_chapter_and_ends_with_the_accessibility_statement(
    tmp_path: Path,
):
    config = make_config(tmp_path)
    notebooks = tmp_path / "executed"
    listed = profiles.load_project()["book"]["chapters"]
    for chapter in listed:
        if chapter.endswith(".ipynb"):
            path = notebooks / Path(chapter).relative_to("notebooks")
            path.parent.mkdir(parents=True, exist_ok=True)
            nb = nbformat.v4.new_notebook()
            nb.cells = [
                nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_markdown_cell(f"# {path.stem}"),
            ]
            nbformat.write(nb, path)
    written = project.write_project(tmp_path / "project", config, notebooks)
    assert written["book"]["chapters"][-1] == project.ACCESSIBILITY_CHAPTER
    index = (tmp_path / "project" / "index.md").read_text()
    assert "Testshire" in index and "synthetic data" in index
    joined = project.join_notebooks(tmp_path / "project", written)
    sources = [c.source for c in joined.cells]
    assert "x = 1" not in sources  # parameter cells are dropped
    assert len({c.id for c in joined.cells}) == len(joined.cells)
    assert sources[-1].startswith("# Accessibility statement")


def test_metadata_names_the_area_year_and_threshold(tmp_path: Path):
    import datetime as dt

    meta = project.report_metadata(make_config(tmp_path, minimum_count=10), dt.date(2025, 3, 1))
    assert meta["subtitle"] == "Testshire, 2024"
    assert meta["minimum-count-less-one"] == "9" and meta["date"] == "1 March 2025"
