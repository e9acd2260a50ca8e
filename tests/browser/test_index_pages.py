"""The fan-out index pages in headless Chromium: no WCAG 2.2 A/AA violation (axe-core), nothing
fetched from outside the file, the national funnel plot drawn, reflow at 320 px. The pages are
made from a small ingested archive and stand-in outcomes, without building any assessment."""

from __future__ import annotations

from pathlib import Path

import pytest

from sv_assessment.config import load_config
from sv_assessment.fanout import index_page, national_page
from sv_assessment.fanout.cluster import JobOutcome
from sv_assessment.fanout.editions import plan_editions
from sv_assessment.fanout.national import NationalRequest
from sv_assessment.ingest import national
from sv_assessment.ingest.ons_population import read_mid_year_estimates
from tests.browser.test_browser import CHROMIUM, CHROMIUM_ARGS, run_axe, summarise
from tests.conftest import write_config
from tests.national_archive import write_archive, write_population

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("index-pages")
    config = load_config(write_config(base, editions={"groups": {"East": ["Thanet", "Ashford"]}}))
    editions = plan_editions(config)
    outcomes = [JobOutcome(e.name, False, error="BuildFailed: stand-in") for e in editions]
    rows = [
        index_page.edition_row(e, o, config, base) for e, o in zip(editions, outcomes, strict=True)
    ]
    editions_html = base / "editions.html"
    index_page.write_atomic(editions_html, index_page.editions_page(config, rows))

    areas = read_mid_year_estimates(write_population(base))
    out = base / "archive-parquet"
    coverage = national.ingest_archive(write_archive(base, 1.0), areas, out)
    table = national_page.area_table(out, areas, coverage, 2024, ("Violence and sexual offences",))
    request = NationalRequest(base, base, synthetic=True)
    national_html = base / "national.html"
    text = national_page.national_page(table, coverage, 2024, {}, {}, base, request)
    index_page.write_atomic(national_html, text)
    return {"editions": editions_html, "national": national_html}


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (make system-deps installs it)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.mark.parametrize("name", ["editions", "national"])
@pytest.mark.parametrize("width", [1280, 320])
def test_index_page_is_accessible_offline_and_reflows(browser, pages, name, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    outside: list[str] = []
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(("file://", "data:", "blob:", "about:"))
            else (outside.append(route.request.url), route.abort())
        ),
    )
    page.goto(pages[name].as_uri(), wait_until="load")
    if name == "national":
        page.wait_for_selector(".js-plotly-plot .main-svg")
    result = run_axe(page)
    assert result["violations"] == [], summarise(result, f"{name} index, {width} px")
    assert outside == []
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width + 1, f"{name} index scrolls sideways at {width} px ({scroll} px)"
    context.close()
