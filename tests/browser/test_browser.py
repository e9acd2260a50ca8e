"""The published HTML in a real browser: headless Debian Chromium driven by Playwright, with
axe-core for WCAG 2.2 A/AA, plus keyboard, reflow, offline and chart checks.

Screenshots, axe's full result and a summary go to test-outputs/ (gitignored).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from sv_assessment.rendering.project import REMOTE_ASSET
from tests.built_report import ROOT, TEST_OUTPUTS, built_assessment

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 320, "height": 640}


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")
    if not executable:
        pytest.skip("Chromium is not installed (make system-deps installs it)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def built():
    return built_assessment()


class LoadedPage:
    """A page opened on the assessment, recording console errors and any network request."""

    def __init__(self, browser, html: Path, viewport: dict) -> None:
        self.console_errors: list[str] = []
        self.requests: list[str] = []
        self.context = browser.new_context(viewport=viewport)
        self.page = self.context.new_page()
        self.page.on(
            "console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None
        )
        self.page.on("pageerror", lambda e: self.console_errors.append(f"uncaught: {e}"))
        self.page.route("**/*", self._route)
        self.page.goto(html.as_uri(), wait_until="load")
        self.page.wait_for_function(
            "document.querySelectorAll('.js-plotly-plot .main-svg').length >= "
            "document.querySelectorAll('.chart-canvas').length"
        )

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("file://", "data:", "blob:", "about:")):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def desktop(browser, built):
    loaded = LoadedPage(browser, built.html, DESKTOP)
    yield loaded
    loaded.close()


@pytest.fixture(scope="module")
def phone(browser, built):
    loaded = LoadedPage(browser, built.html, PHONE)
    yield loaded
    loaded.close()


def run_axe(page) -> dict:
    if not AXE.exists():
        pytest.fail(f"axe-core is missing: run `npm install` in {ROOT} ({AXE} not found)")
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: "
        "['violations', 'incomplete']})",
        AXE_TAGS,
    )


def summarise(result: dict, label: str) -> str:
    lines = [
        f"axe-core {result['testEngine']['version']} ({label}, {', '.join(AXE_TAGS)}): "
        f"{len(result['violations'])} violations, {len(result['passes'])} rules passed, "
        f"{len(result['incomplete'])} need review, {len(result['inapplicable'])} inapplicable"
    ]
    for violation in result["violations"]:
        targets = [" ".join(n["target"]) for n in violation["nodes"][:3]]
        lines.append(
            f"  VIOLATION {violation['id']} ({violation['impact']}): {violation['help']}; "
            f"{len(violation['nodes'])} nodes, e.g. {targets}"
        )
    for item in result["incomplete"]:
        lines.append(f"  needs review: {item['id']} ({len(item['nodes'])} nodes): {item['help']}")
    return "\n".join(lines)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_axe_finds_no_wcag_22_a_or_aa_violations(viewport, request):
    loaded = request.getfixturevalue(viewport)
    result = run_axe(loaded.page)
    summary = summarise(result, viewport)
    print("\n" + summary)
    TEST_OUTPUTS.mkdir(exist_ok=True)
    name = "axe.json" if viewport == "desktop" else f"axe-{viewport}.json"
    (TEST_OUTPUTS / name).write_text(json.dumps(result, indent=1))
    (TEST_OUTPUTS / name.replace(".json", ".txt")).write_text(summary + "\n")
    assert result["violations"] == [], summary


def test_no_console_errors(desktop, phone):
    assert desktop.console_errors == [] and phone.console_errors == []


def test_nothing_is_fetched_from_outside_the_file(desktop, phone, built):
    assert desktop.requests == [] and phone.requests == []
    # Nothing the page could fetch later either (plotly.js mentions MathJax but loads none).
    text = built.html.read_text(encoding="utf-8")
    assert not REMOTE_ASSET.search(text)
    assert not re.search(r"<script[^>]*\bsrc=|<link[^>]*\bhref=|@import|@font-face", text)
    assert text.count("plotly.js v") >= 1 and text.count("<script>/**") <= 1


def test_every_chart_drew(desktop, built):
    expected = built.figure_count()
    assert expected > 0, "the notebooks displayed no charts"
    page = desktop.page
    assert page.locator(".js-plotly-plot").count() == expected
    assert page.locator("figure.chart").count() == expected
    drawn = page.evaluate(
        "Array.from(document.querySelectorAll('.js-plotly-plot')).map(p => "
        "p.querySelectorAll('.main-svg').length > 0 && p.getBoundingClientRect().height > 100)"
    )
    assert all(drawn), drawn


def test_every_chart_has_a_text_alternative_and_its_data_table(desktop):
    figures = desktop.page.evaluate(
        """Array.from(document.querySelectorAll('figure.chart')).map(f => ({
            id: f.id,
            caption: (f.querySelector('figcaption') || {}).textContent || '',
            alt: (f.querySelector('[role=img]') || {getAttribute: () => ''})
                .getAttribute('aria-label') || '',
            table: !!f.querySelector('details > summary') &&
                   !!f.querySelector('details table caption') &&
                   f.querySelectorAll('details table th').length > 0,
        }))"""
    )
    for figure in figures:
        assert figure["caption"].strip(), figure
        assert len(figure["alt"].strip()) > 20, figure
        assert figure["table"], figure


def test_document_structure(desktop, built):
    page = desktop.page
    assert page.evaluate("document.documentElement.lang") == "en-GB"
    assert page.title().strip()
    levels = page.evaluate(
        "Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6')).map(h => +h.tagName[1])"
    )
    assert levels.count(1) == 1 and levels[0] == 1, levels
    skips = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
    assert not skips, f"heading levels skip: {skips}"
    assert page.locator("nav#contents a[href^='#']").count() >= 5
    assert page.locator("a.skip-link[href='#main']").count() == 1
    tables = page.evaluate(
        "Array.from(document.querySelectorAll('table')).map(t => "
        "[!!t.querySelector('caption'), t.querySelectorAll('th').length])"
    )
    assert tables and all(caption and headers for caption, headers in tables), tables
    statement = page.locator("#accessibility-statement").inner_text()
    assert "WCAG" in statement and "2.2" in statement and "another format" in statement.lower()


def test_says_synthetic_data_when_it_is(desktop):
    banner = desktop.page.locator(".synthetic-banner")
    assert banner.count() == 1 and "synthetic" in banner.inner_text().lower()
    assert "synthetic" in desktop.page.locator(".report-footer").inner_text().lower()


def test_reflows_at_320_px_without_horizontal_scrolling(phone):
    page = phone.page
    width = page.evaluate("innerWidth")
    assert width == PHONE["width"]
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width
    chart_widths = page.evaluate(
        "Array.from(document.querySelectorAll('.js-plotly-plot')).map(p => "
        "Math.round(p.getBoundingClientRect().right))"
    )
    assert chart_widths and max(chart_widths) <= width, chart_widths


def test_keyboard_reaches_the_contents_and_every_charts_data(browser, built):
    loaded = LoadedPage(browser, built.html, DESKTOP)
    page = loaded.page
    try:
        page.keyboard.press("Tab")
        first = page.evaluate("document.activeElement.className")
        assert "skip-link" in first, f"the first Tab stop is {first!r}, not the skip link"
        summaries = page.locator("figure.chart details > summary").count()
        reached_contents = 0
        reached_summaries: set[int] = set()
        seen = 0
        for _ in range(2000):
            page.keyboard.press("Tab")
            seen += 1
            where = page.evaluate(
                """(() => { const e = document.activeElement;
                    return {body: e === document.body,
                            toc: !!e.closest('nav#contents') && e.tagName === 'A',
                            summary: e.tagName === 'SUMMARY' && !!e.closest('figure.chart')
                              ? Array.from(document.querySelectorAll('figure.chart summary'))
                                  .indexOf(e) : -1}; })()"""
            )
            if where["body"]:
                break
            reached_contents += where["toc"]
            if where["summary"] >= 0:
                reached_summaries.add(where["summary"])
                if len(reached_summaries) == summaries:
                    break
        assert reached_contents > 0, "Tab never reached the table of contents"
        assert len(reached_summaries) == summaries, (
            f"Tab reached {len(reached_summaries)} of {summaries} chart data tables "
            f"in {seen} presses"
        )
        # Enter opens a chart's data table.
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.parentElement.open") is True
    finally:
        loaded.close()


def test_skip_link_moves_focus_to_the_main_content(browser, built):
    loaded = LoadedPage(browser, built.html, DESKTOP)
    try:
        loaded.page.keyboard.press("Tab")
        loaded.page.keyboard.press("Enter")
        assert loaded.page.evaluate("document.activeElement.id") == "main"
    finally:
        loaded.close()


def test_screenshots(desktop, phone):
    TEST_OUTPUTS.mkdir(exist_ok=True)
    for name, loaded in (("desktop", desktop), ("phone", phone)):
        loaded.page.evaluate("window.scrollTo(0, 0)")
        path = TEST_OUTPUTS / f"first-page-{name}.png"
        loaded.page.screenshot(path=str(path))
        assert path.stat().st_size > 5_000
