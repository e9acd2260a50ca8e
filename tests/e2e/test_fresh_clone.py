"""The analyst's git loop: a fresh clone after `make setup` is clean and `git status` is quick;
running, saving (as JupyterLab does, checkpoints included) and `make notebooks-clean` leave it
clean; the code version is cheap and says '+dirty' only when code differs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from sv_assessment import provenance
from sv_assessment.paths import PROJECT_ROOT as ROOT

VENV = Path(sys.prefix)  # the virtualenv running the tests

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(clone: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=clone, capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A fresh clone of the committed code, with the git part of `make setup` run in it (the
    virtualenv is the one already built; the clone's own would be the same packages)."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    clone = tmp_path_factory.mktemp("fresh") / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    time.sleep(1.1)  # `make setup` takes minutes after a clone; files are no longer racy
    subprocess.run(
        ["make", "--no-print-directory", "-s", "git-filter", f"VENV={VENV}"],
        cwd=clone,
        check=True,
    )
    return clone


def test_a_fresh_clone_after_setup_is_clean_and_git_status_is_quick(clone: Path):
    assert "--keep-id" in _git(clone, "config", "filter.nbstripout.clean")
    start = time.perf_counter()
    status = _git(clone, "status", "--porcelain")
    seconds = time.perf_counter() - start
    assert status == ""
    assert seconds < 1.0, f"git status took {seconds:.1f} s"


def _save_as_jupyterlab(path: Path) -> None:
    """What JupyterLab writes on save after Run All: outputs, counts, language_info,
    and an autosaved copy under .ipynb_checkpoints/."""
    notebook = nbformat.read(path, as_version=4)
    for count, cell in enumerate((c for c in notebook.cells if c.cell_type == "code"), 1):
        cell.execution_count = count
        cell.outputs = [
            nbformat.v4.new_output(
                "display_data",
                data={"text/plain": "chart", "application/vnd.plotly.v1+json": {"data": []}},
            ),
            nbformat.v4.new_output("stream", name="stdout", text="ran\n"),
        ]
    notebook.metadata["language_info"] = {
        "codemirror_mode": {"name": "ipython", "version": 3},
        "file_extension": ".py",
        "mimetype": "text/x-python",
        "name": "python",
        "nbconvert_exporter": "python",
        "pygments_lexer": "ipython3",
        "version": "3.11.2",
    }
    notebook.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    nbformat.write(notebook, path)
    checkpoints = path.parent / ".ipynb_checkpoints"
    checkpoints.mkdir(exist_ok=True)
    shutil.copy(path, checkpoints / f"{path.stem}-checkpoint.ipynb")


def test_saving_from_jupyterlab_then_notebooks_clean_leaves_the_tree_clean(clone: Path):
    notebooks = sorted(p for p in (clone / "notebooks").rglob("*.ipynb"))
    committed = {p: p.read_bytes() for p in notebooks}
    for path in notebooks:
        _save_as_jupyterlab(path)
    # The filter keeps outputs out of what would be committed (git status still lists the
    # notebooks, as their size changed: git trusts a size change without running filters).
    assert _git(clone, "diff", "--stat") == ""
    subprocess.run(
        ["make", "--no-print-directory", "-s", "notebooks-clean", f"VENV={VENV}"],
        cwd=clone,
        check=True,
    )
    for path in notebooks:
        assert path.read_bytes() == committed[path], f"{path.name} not back to committed form"
    # Checkpoints stay (JupyterLab's own), ignored by git and by the notebook tests.
    assert list((clone / "notebooks").glob(".ipynb_checkpoints/*-checkpoint.ipynb"))
    assert _git(clone, "status", "--porcelain") == ""
    notebook_tests = ["tests/e2e/test_notebooks.py", "-k", "not runs_top_to_bottom"]
    tests = subprocess.run(
        [str(VENV / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        + notebook_tests,
        cwd=clone,
        capture_output=True,
        text=True,
    )
    assert tests.returncode == 0, tests.stdout[-2000:]


def test_code_version_is_cheap_filter_free_and_dirty_only_for_code(clone: Path):
    commit = _git(clone, "rev-parse", "--short", "HEAD").strip()
    start = time.perf_counter()
    assert provenance.code_version(clone) == commit
    assert time.perf_counter() - start < 1.0
    notebook = clone / "notebooks" / "09_methods.ipynb"
    original = notebook.read_bytes()
    _save_as_jupyterlab(notebook)  # outputs are not code
    assert provenance.code_version(clone) == commit
    source = json.loads(notebook.read_text())
    source["cells"][-1]["source"] = ["chapter.markdown('changed')\n"]
    notebook.write_text(json.dumps(source))
    assert provenance.code_version(clone) == commit + "+dirty"
    notebook.write_bytes(original)
    module = clone / "src" / "sv_assessment" / "config.py"
    module.write_text(module.read_text() + "\n# edited\n")
    assert provenance.code_version(clone) == commit + "+dirty"
    _git(clone, "checkout", "--", "src")
    assert provenance.code_version(clone) == commit
