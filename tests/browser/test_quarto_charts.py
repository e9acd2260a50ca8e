"""Every chart as Quarto's HTML would carry it draws in Chromium with the plotly.js the project
ships: the form Quarto picks for HTML (tests/quarto_outputs.py), on a page that loads the local
plotly.js the way the filter's html dependency does, with nothing else."""

from __future__ import annotations

import pytest

from sv_assessment.rendering.project import plotly_js
from tests.browser.test_browser import DESKTOP, LoadedPage, browser  # noqa: F401 (fixture)
from tests.built_report import built_assessment
from tests.quarto_outputs import chart_cells, prepared_chapters, quarto_shows


@pytest.fixture(scope="module")
def page(browser, tmp_path_factory):  # noqa: F811 (the imported fixture)
    folder = tmp_path_factory.mktemp("quarto-html")
    charts = chart_cells(prepared_chapters(built_assessment().published, folder / "notebooks"))
    bodies = [output["data"][quarto_shows(output["data"], to_html=True)] for _, _, output in charts]
    (folder / "plotly.min.js").write_text(plotly_js(), encoding="utf-8")
    html = folder / "charts.html"
    html.write_text(
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Charts</title>'
        '<script src="plotly.min.js"></script></head><body><main>'
        + "\n".join(bodies)
        + "</main></body></html>",
        encoding="utf-8",
    )
    loaded = LoadedPage(browser, html, DESKTOP)
    yield loaded, len(charts)
    loaded.close()


def test_every_chart_draws_with_the_local_plotly_js(page):
    loaded, expected = page
    assert expected > 0
    drawn = loaded.page.evaluate(
        "Array.from(document.querySelectorAll('figure.chart .js-plotly-plot')).filter("
        "p => p.querySelectorAll('.main-svg').length > 0).length"
    )
    assert drawn == expected
    assert loaded.console_errors == [] and loaded.requests == []
