"""`--engine quarto` renders both projects (partner data and data.police.uk files) with Quarto
itself and passes what the built-in engine's tests assert: both files present, every chart drawn
in the HTML with no console error and no network request, PDF images with alt text, PDF/UA tags,
the title block and the synthetic banner.

Quarto is not on PyPI, Debian or npm (the `quarto-cli` PyPI package downloads it from GitHub at
install time), so on machines limited to those registries this test is skipped, saying why; the
rules it depends on are checked without Quarto in tests/unit/test_quarto_project.py and
tests/e2e/test_quarto_output_selection.py.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from sv_assessment.build import BuildOptions, build
from sv_assessment.config import load_config
from sv_assessment.demo import police_uk as street_files
from tests.conftest import write_config

pytestmark = pytest.mark.skipif(
    shutil.which("quarto") is None,
    reason="Quarto is not installed (it cannot come from PyPI, Debian or npm); install Quarto "
    ">= 1.9, e.g. with conda from environment.yml, to run this test",
)
PLOTLY_MIME = "application/vnd.plotly.v1+json"


def _open_data_config(root: Path) -> Path:
    districts = [("E07000105", "Ashford", 132700), ("E07000116", "Tunbridge Wells", 115300)]
    data = root / "data" / "police_uk" / "kent"
    months = street_files.months_between("2023-09", "2024-04")
    street_files.write_street_files(
        data, districts, "kent", "Kent Police", months, seed=11, crimes_per_1000_per_month=3.0
    )
    config = {
        "source": "police_uk",
        "assessment": {
            "area_name": "Test area",
            "partnership": "Test partnership",
            "assessment_year": 2024,
            "years_covered": 2,
            "synthetic_data": True,
        },
        "police_uk": {"force": "kent", "force_name": "Kent Police"},
        "disclosure": {"minimum_count": 5},
        "inputs": {"crimes": {"path": str(data), "kind": "police_uk_street"}},
        "districts": [{"code": c, "name": n, "population": p} for c, n, p in districts],
    }
    path = root / "open_data.yml"
    path.write_text(yaml.safe_dump(config))
    return path


@pytest.fixture(scope="module", params=["partner", "police_uk"])
def quarto_build(request, tmp_path_factory):
    root = tmp_path_factory.mktemp(f"quarto-{request.param}")
    config_path = write_config(root) if request.param == "partner" else _open_data_config(root)
    result = build(
        BuildOptions(
            config_path=config_path,
            outputs_dir=root / "outputs",
            work_dir=root / "work",
            engine="quarto",
        )
    )
    return result.published, load_config(config_path)


def chart_count(published: Path) -> int:
    return sum(
        PLOTLY_MIME in output.get("data", {})
        for path in published.glob("notebooks/**/*.ipynb")
        for cell in nbformat.read(path, as_version=4).cells
        for output in cell.get("outputs", [])
    )


def test_both_files_are_published(quarto_build):
    published, _ = quarto_build
    assert (published / "site" / "index.html").is_file()
    assert (published / "assessment.pdf").is_file()


@contextlib.contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    from tests.browser.test_browser import CHROMIUM, CHROMIUM_ARGS

    executable = CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def test_every_chart_draws_offline_without_errors(quarto_build):
    from tests.browser.test_browser import DESKTOP, LoadedPage

    published, _ = quarto_build
    pages = sorted((published / "site").rglob("*.html"))
    drawn = 0
    with chromium() as browser:
        for page in pages:
            loaded = LoadedPage(browser, page, DESKTOP)
            try:
                assert loaded.console_errors == [], (page.name, loaded.console_errors)
                assert loaded.requests == [], (page.name, loaded.requests)
                drawn += loaded.page.evaluate(
                    "Array.from(document.querySelectorAll('figure.chart .js-plotly-plot')).filter("
                    "p => p.querySelectorAll('.main-svg').length > 0).length"
                )
            finally:
                loaded.close()
    assert drawn == chart_count(published) > 0


def test_title_block_and_synthetic_banner(quarto_build):
    published, config = quarto_build
    index = (published / "site" / "index.html").read_text(encoding="utf-8")
    for text in ("Serious Violence Duty strategic needs assessment", config.partnership):
        assert text in index, text
    assert f"{config.area_name}, {config.assessment_year}" in index
    assert 'class="synthetic-banner"' in index
    assert f"Counts from 1 to {config.minimum_count - 1} are shown as [c]" in index


def resolve(obj):
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def test_pdf_has_every_chart_with_alt_text_tags_and_title_block(quarto_build):
    published, config = quarto_build
    reader = PdfReader(published / "assessment.pdf")
    charts = chart_count(published)
    assert sum(len(page.images) for page in reader.pages) == charts > 0
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and bool(resolve(root["/MarkInfo"]).get("/Marked"))
    assert "pdfuaid:part" in resolve(root["/Metadata"]).get_data().decode("utf-8", "replace")
    figures = []

    def walk(node, depth=0):
        node = resolve(node)
        if depth > 60 or not hasattr(node, "get"):
            return
        if node.get("/S") == "/Figure":
            figures.append(node)
        kids = resolve(node.get("/K"))
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            walk(kid, depth + 1)

    walk(root["/StructTreeRoot"])
    assert len(figures) >= charts and all(str(f.get("/Alt", "")).strip() for f in figures)
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert "SYNTHETIC DATA" in text and config.partnership in text
    assert f"{config.area_name}, {config.assessment_year}" in text
    assert "Accessibility statement" in text and "rendered by Quarto" in text
    assert reader.metadata.author == config.partnership
