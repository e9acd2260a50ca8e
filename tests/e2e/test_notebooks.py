"""Notebooks are committed clean and thin, each with one parameters cell that runs the demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sv_assessment.build import chapter_notebooks
from sv_assessment.paths import PROJECT_ROOT

ROOT = PROJECT_ROOT
# JupyterLab's autosaved copies (.ipynb_checkpoints/*-checkpoint.ipynb) hold outputs by design.
NOTEBOOKS = sorted(
    p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
)
PARAMETERS = [
    "config_path",
    "assessment_year",
    "staged_dir",
    "tables_dir",
    "static_images",
    "district",
]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path: Path):
    notebook = json.loads(path.read_text())
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{path.name} has outputs: run `make notebooks-clean`"
            assert cell["execution_count"] is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_exactly_one_parameters_cell_with_demo_defaults(path: Path):
    notebook = json.loads(path.read_text())
    tagged = [c for c in notebook["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1
    namespace: dict = {}
    exec("".join(tagged[0]["source"]), namespace)
    for name in PARAMETERS:
        assert name in namespace, f"{path.name} lacks parameter {name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_hold_no_paths_or_file_io(path: Path):
    source = "".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"])
    for forbidden in ("../", "read_csv", "open(", "to_csv"):
        assert forbidden not in source, f"{path.name}: {forbidden!r} belongs in the package"


def test_every_chapter_in_the_quarto_project_exists():
    for name in chapter_notebooks():
        assert (ROOT / "notebooks" / f"{name}.ipynb").exists()


@pytest.mark.e2e
def test_a_notebook_runs_top_to_bottom_with_its_defaults(tmp_path: Path):
    """What an analyst does in JupyterLab: open a chapter and Run All, no parameters given."""
    import papermill

    executed = tmp_path / "02_data_quality.ipynb"
    papermill.execute_notebook(
        str(ROOT / "notebooks" / "02_data_quality.ipynb"),
        str(executed),
        kernel_name="python3",
        progress_bar=False,
        cwd=str(ROOT / "notebooks"),
    )
    outputs = [o for c in json.loads(executed.read_text())["cells"] for o in c.get("outputs", [])]
    assert any("text/html" in o.get("data", {}) for o in outputs)
    assert not any(o.get("output_type") == "error" for o in outputs)
