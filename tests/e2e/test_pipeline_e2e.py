"""The real pipeline, end to end, on the demo data: GX, Papermill, Pandoc, Typst, no mocks."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from pypdf import PdfReader

from sv_assessment.config import load_config
from sv_assessment.paths import PROJECT_ROOT
from sv_assessment.rendering.profiles import load_project
from tests.built_report import built_demo

ROOT = PROJECT_ROOT
pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def demo_build():
    return built_demo()


def independent_headline_count() -> int:
    """Serious violence in the assessment year, counted straight from the raw demo CSV."""
    config = load_config()
    raw = pd.read_csv(config.inputs["offences"].path, dtype=str, keep_default_na=False)
    yes = {"true", "yes", "y", "1", "t"}
    flag = {
        c: raw[c].str.lower().isin(yes)
        for c in ("knife_flag", "firearm_flag", "public_place_flag", "domestic_abuse_flag")
    }
    victim = pd.to_numeric(raw["victim_age"], errors="coerce")
    suspect = pd.to_numeric(raw["suspect_age"], errors="coerce")
    offence = raw["offence_group"].isin(["Homicide", "Attempted murder", "Violence with injury"])
    serious = (
        (offence | flag["knife_flag"] | flag["firearm_flag"])
        & flag["public_place_flag"]
        & ~flag["domestic_abuse_flag"]
        & ((victim < 25) | (suspect < 25))
        & raw["recorded_date"].str.startswith(str(config.assessment_year))
    )
    return int(serious.sum())


def pdf_text(path: Path) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(path).pages))


def test_both_files_and_the_run_record_are_published(demo_build):
    out = demo_build.published
    assert (out / "assessment.html").stat().st_size > 100_000
    assert (out / "assessment.pdf").stat().st_size > 50_000
    assert (out / "run.json").exists() and list((out / "tables").glob("*.csv"))
    assert not list(out.parent.glob(".staging-*"))


def test_pdf_holds_every_chapter_and_the_independent_headline(demo_build):
    text = pdf_text(demo_build.published / "assessment.pdf")
    for chapter in load_project()["book"]["chapters"][1:]:
        title = (ROOT / chapter).read_text()
        heading = re.search(r"# ([^\\\"]+?)\\n", title).group(1)
        assert heading in text, f"chapter title {heading!r} missing from the PDF"
    assert f"{independent_headline_count():,} serious violence offences" in text
    assert "SYNTHETIC DATA" in text


def test_pdf_holds_chart_images(demo_build):
    reader = PdfReader(demo_build.published / "assessment.pdf")
    images = sum(len(page.images) for page in reader.pages)
    assert images >= 5


def test_html_loads_nothing_from_the_web(demo_build):
    html = (demo_build.published / "assessment.html").read_text()
    assert not re.search(r"<script[^>]+src=[\"']?(https?:)?//", html)
    assert not re.search(r"<link[^>]+href=[\"']?(https?:)?//", html)
    assert "Plotly.newPlot" in html and "synthetic" in html.lower()


def test_missing_required_column_fails_naming_it(tmp_path: Path):
    config = load_config()
    broken = tmp_path / "offences.csv"
    frame = pd.read_csv(config.inputs["offences"].path, dtype=str, nrows=500)
    # Without its code or its name (from which the code could be derived) no district is known.
    frame.drop(columns=["district_code", "district_name"]).to_csv(broken, index=False)
    raw = yaml.safe_load(config.path.read_text())
    raw["inputs"]["offences"]["path"] = str(broken)
    raw["demo"]["generate_if_missing"] = False
    bad_config = tmp_path / "broken.yml"
    bad_config.write_text(yaml.safe_dump(raw))
    outputs = tmp_path / "outputs"
    (outputs / "broken" / "2024").mkdir(parents=True)
    (outputs / "broken" / "2024" / "assessment.html").write_text("last good report")
    before = broken.read_bytes()
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "pipeline.py"),
            "--config",
            str(bad_config),
            "--outputs",
            str(outputs),
            "--work",
            str(tmp_path / "work"),
            "--format",
            "html",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode != 0
    assert "district_code" in result.stderr and "offences.csv" in result.stderr
    assert "Traceback" not in result.stderr
    assert (outputs / "broken" / "2024" / "assessment.html").read_text() == "last good report"
    assert broken.read_bytes() == before
    shutil.rmtree(tmp_path / "work", ignore_errors=True)
