"""Every chart read as a board member would see it: drawn in Chromium at the PDF's size, in the
published page on a desktop and on a 320 px phone, with no text box over another (title, source
line, legend, labels, axis titles, ticks) and none cut off at the edge of the chart.

Also: the finding title and source are in the figure itself (JupyterLab shows the figure, not
the page's HTML), the source is printed once on the page, a funnel plot's y axis does not start
at 0, district small multiples share one scale, and the knife chart keeps the monthly count and
the 12-month total on separate scales.
"""

from __future__ import annotations

import json

import plotly
import pytest

from sv_assessment.chapters.charts import IMAGE_WIDTH
from tests.browser.test_browser import CHROMIUM_ARGS, DESKTOP, PHONE, LoadedPage, browser  # noqa: F401
from tests.built_report import PLOTLY_MIME, BuiltAssessment, built_demo

pytestmark = pytest.mark.browser

PLOTLY_JS = plotly.__file__.replace("__init__.py", "package_data/plotly.min.js")

# Each text element of a drawn Plotly chart, as boxes relative to the chart's own SVG.
TEXT_BOXES = """
(chart) => {
  const root = chart.querySelector('.main-svg').getBoundingClientRect();
  const pick = (selector, kind) => [...chart.querySelectorAll(selector)].map(el => {
    const r = el.getBoundingClientRect();
    return {kind, text: el.textContent, x0: r.left - root.left, y0: r.top - root.top,
            x1: r.right - root.left, y1: r.bottom - root.top};
  }).filter(b => b.text.trim() && b.x1 > b.x0);
  return {width: root.width, height: root.height, boxes: [
    ...pick('.annotation-text-g text, g.annotation text', 'annotation'),
    ...pick('.legend .legendtext', 'legend'),
    ...pick('text[class*="xtitle"], text[class*="ytitle"]', 'axis title'),
    ...pick('.textpoint text', 'label'),
    ...pick('[class*="xtick"] text, [class*="ytick"] text', 'tick'),
    ...pick('.colorbar text', 'colour bar'),
  ]};
}
"""


def overlaps(boxes: list[dict]) -> list[str]:
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if a["kind"] == b["kind"] == "tick":
                continue  # Plotly spaces its own ticks
            across = a["x0"] + 1 < b["x1"] and b["x0"] + 1 < a["x1"]
            if across and a["y0"] + 1 < b["y1"] and b["y0"] + 1 < a["y1"]:
                found.append(f"{a['kind']} {a['text'][:40]!r} over {b['text'][:40]!r}")
    return found


def cut_off(drawn: dict) -> list[str]:
    return [
        f"{b['kind']} {b['text'][:40]!r}"
        for b in drawn["boxes"]
        if b["x0"] < -1
        or b["y0"] < -1
        or b["x1"] > drawn["width"] + 1
        or b["y1"] > drawn["height"] + 1
    ]


@pytest.fixture(scope="module")
def demo() -> BuiltAssessment:
    return BuiltAssessment(built_demo().published)


@pytest.fixture(scope="module")
def figures(demo) -> list[tuple[str, dict]]:
    """Every chart of the published demo, as the Plotly JSON JupyterLab would show."""
    found = []
    for path in sorted((demo.published / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                if PLOTLY_MIME in output.get("data", {}):
                    found.append((path.stem, output["data"][PLOTLY_MIME]))
    assert found
    return found


def _texts(figure: dict) -> list[str]:
    return [a.get("text", "") for a in figure["layout"].get("annotations", [])]


def test_each_figure_carries_its_finding_title_and_source(figures):
    for name, figure in figures:
        names = [a.get("name") for a in figure["layout"].get("annotations", [])]
        assert "title" in names and "source" in names, name
        assert any(t.startswith("Source: ") for t in _texts(figure)), name


def test_every_chart_at_the_pdf_size_has_no_overlapping_or_cut_off_text(browser, figures):  # noqa: F811
    page = browser.new_page(viewport={"width": 1000, "height": 1600})
    page.set_content("<html><body style='margin:0'><div id='chart'></div></body></html>")
    page.add_script_tag(path=PLOTLY_JS)
    problems = []
    for name, figure in figures:
        layout = {**figure["layout"], "width": IMAGE_WIDTH}
        page.evaluate(
            "([data, layout]) => Plotly.newPlot('chart', data, layout, {staticPlot: true})",
            [figure["data"], layout],
        )
        drawn = page.evaluate(TEXT_BOXES, page.query_selector("#chart"))
        problems += [f"{name}: {p}" for p in overlaps(drawn["boxes"]) + cut_off(drawn)]
    page.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_chart_on_the_page_has_no_overlapping_or_cut_off_text(browser, demo, viewport):  # noqa: F811
    loaded = LoadedPage(browser, demo.html, viewport)
    try:
        charts = loaded.page.query_selector_all(".js-plotly-plot")
        problems = []
        for chart in charts:
            drawn = loaded.page.evaluate(TEXT_BOXES, chart)
            label = chart.get_attribute("id")
            problems += [f"{label}: {p}" for p in overlaps(drawn["boxes"]) + cut_off(drawn)]
        assert charts and not problems, "\n".join(problems)
        if viewport == PHONE:  # the weekday x hour heat map keeps most of a phone's width
            heat = loaded.page.evaluate(
                "Array.from(document.querySelectorAll('.js-plotly-plot')).filter(p => "
                "p.querySelector('g.hm')).map(p => p.querySelector('.nsewdrag')"
                ".getBoundingClientRect().width)"
            )
            assert heat and min(heat) >= 130, heat
        # The source is in the chart; the page does not print it a second time.
        html = demo.html.read_text(encoding="utf-8")
        assert 'class="chart-source"' not in html
    finally:
        loaded.close()


def _axes(figure: dict, prefix: str) -> dict[str, dict]:
    return {k: v for k, v in figure["layout"].items() if k.startswith(prefix)}


def test_funnel_y_axis_fits_the_rates_and_small_multiples_share_one_scale(figures):
    funnels = [
        f for name, f in figures if any(t.get("name") == "Area-wide rate" for t in f["data"])
    ]
    assert funnels
    for funnel in funnels:
        low, _high = funnel["layout"]["yaxis"]["range"]
        assert low > 0, "a funnel plot's y axis starts at 0"
    trends = [f for name, f in figures if len(_axes(f, "yaxis")) >= 6]
    assert trends, "no district small multiples"
    for figure in trends:
        axes = _axes(figure, "yaxis")
        ranges = {tuple(a.get("range", ())) for a in axes.values()}
        matched = {a.get("matches") for k, a in axes.items() if k != "yaxis"}
        assert len(ranges) == 1 and matched == {"y"}, ranges


def test_knife_chart_keeps_monthly_counts_and_the_rolling_total_on_separate_scales(figures):
    knife = [f for name, f in figures if name.endswith("knife_crime")]
    rolling = [
        f for f in knife if any("Rolling 12-month total" in t for t in _texts(f)) and f["data"]
    ]
    assert rolling
    for figure in rolling:
        assert {t.get("yaxis", "y") for t in figure["data"]} == {"y", "y2"}
