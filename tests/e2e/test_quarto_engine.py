"""`--engine quarto` renders the same Quarto project with Quarto itself, where it is installed.

Quarto is not on PyPI, Debian or npm (the `quarto-cli` PyPI package downloads it from GitHub at
install time), so on machines limited to those registries this test is skipped, saying why.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sv_assessment.build import BuildOptions, build

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        shutil.which("quarto") is None,
        reason="Quarto is not installed (it cannot come from PyPI, Debian or npm); "
        "install it, e.g. with conda from environment.yml, to run this test",
    ),
]


def test_quarto_renders_the_project(tmp_path: Path, small_config_path: Path):
    result = build(
        BuildOptions(
            config_path=small_config_path,
            outputs_dir=tmp_path / "outputs",
            work_dir=tmp_path / "work",
            engine="quarto",
        )
    )
    assert (result.published / "assessment.pdf").exists()
    assert (result.published / "site" / "index.html").exists()
