"""One built assessment shared by the browser and PDF checks (built once per test session).

By default the small three-district assessment is built into a temporary folder. Set
``SV_ASSESSMENT_OUTPUTS`` to a published folder (e.g. ``outputs/kent_medway/2024`` after ``make assessment``)
to run the same checks on that assessment instead of building one.
"""

from __future__ import annotations

import csv
import functools
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

from sv_assessment.build import BuildOptions, build, chapter_notebooks
from tests.conftest import write_config

ROOT = Path(__file__).resolve().parents[1]
TEST_OUTPUTS = ROOT / "test-outputs"
PLOTLY_MIME = "application/vnd.plotly.v1+json"


@dataclass(frozen=True)
class BuiltAssessment:
    published: Path

    @property
    def html(self) -> Path:
        return self.published / "assessment.html"

    @property
    def pdf(self) -> Path:
        return self.published / "assessment.pdf"

    def run_record(self) -> dict:
        return json.loads((self.published / "run.json").read_text(encoding="utf-8"))

    def chapter_outputs(self) -> list[dict]:
        """Every display output of the executed chapters, in report order."""
        outputs = []
        for name in chapter_notebooks():
            notebook = nbformat.read(self.published / "notebooks" / f"{name}.ipynb", as_version=4)
            for cell in notebook.cells:
                if cell.cell_type == "code":
                    outputs += [o for o in cell.outputs if "data" in o]
        return outputs

    def figure_count(self) -> int:
        """Charts the notebooks displayed (each one a Plotly figure bundle)."""
        return sum(PLOTLY_MIME in o["data"] for o in self.chapter_outputs())

    def static_image_count(self) -> int:
        """Charts in the executed chapters: the assembly draws each as a PNG in the PDF."""
        return sum(PLOTLY_MIME in o["data"] for o in self.chapter_outputs())


@functools.cache
def built_assessment() -> BuiltAssessment:
    existing = os.environ.get("SV_ASSESSMENT_OUTPUTS")
    if existing:
        return BuiltAssessment(Path(existing).resolve())
    base = Path(tempfile.mkdtemp(prefix="sv-built-"))
    config = write_config(base)
    result = build(
        BuildOptions(config_path=config, outputs_dir=base / "outputs", work_dir=base / "work")
    )
    return BuiltAssessment(result.published)


@functools.cache
def built_demo():
    """The demo assessment (Kent & Medway, fixed seed), built once per test session and shared
    by the end-to-end checks and the backtest of its published tables."""
    base = Path(tempfile.mkdtemp(prefix="sv-demo-"))
    return build(BuildOptions(outputs_dir=base / "outputs", work_dir=base / "work"))


@functools.cache
def built_without_optional_inputs():
    """The small assessment with every optional input missing (A&E, deprivation, boundaries,
    last year's tables and the four partner-data inputs), each still named in the config: built
    once per session, HTML only, to check each section says what to provide."""
    import shutil

    from sv_assessment.build import staging
    from sv_assessment.config import load_config

    base = Path(tempfile.mkdtemp(prefix="sv-no-optional-"))
    path = write_config(base, offences_per_year=1500)
    config = load_config(path)
    staging.ensure_demo_inputs(config)  # the required inputs, then no optional one
    for spec in config.inputs.values():
        if spec.optional and spec.path.is_dir():
            shutil.rmtree(spec.path)
        elif spec.optional:
            spec.path.unlink(missing_ok=True)
    raw = yaml.safe_load(path.read_text())
    raw["demo"]["generate_if_missing"] = False
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return build(
        BuildOptions(
            config_path=path,
            outputs_dir=base / "outputs",
            work_dir=base / "work",
            formats=("html",),
        )
    )


def table_rows(published: Path, name: str) -> list[dict]:
    """A published table as a reader's spreadsheet gets it: one dict a row, text as written."""
    with (published / "tables" / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def page_words(published: Path) -> str:
    """The web page's text as a reader reads it (no scripts, no markup, spaces collapsed)."""
    html = (published / "assessment.html").read_text(encoding="utf-8")
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'").split())
