"""The house style: accessible tables, captions, and charts that carry their source."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from sv_assessment.chapters import charts

DATA = pd.DataFrame({"District": ["Alpha", "Beta <b>"], "Offences": ["12", "[c]"]})


def test_html_table_has_caption_header_cells_and_escapes_text():
    table = charts.data_table_html(DATA, "Offences by district")
    assert "<caption>Offences by district</caption>" in table
    assert table.count('scope="col"') == 2 and table.count('scope="row"') == 2
    assert "Beta &lt;b&gt;" in table and "<b>" not in table
    assert 'role="region" tabindex="0"' in table  # a wide table scrolls on its own on a phone


def test_markdown_table_keeps_every_cell_and_the_caption():
    text = charts.markdown_table(DATA.assign(Note=["a|b", None]), "Caption")
    lines = text.splitlines()
    assert lines[0] == "| District | Offences | Note |"
    assert "a\\|b" in lines[2] and lines[-1] == ": Caption"
    assert len(lines) == 2 + len(DATA) + 2


def test_house_style_sets_axis_titles_and_the_source_line():
    fig = charts.house_style(go.Figure(go.Bar(x=["a"], y=[1])), "", "Year", "Offences", "Src")
    assert fig.layout.xaxis.title.text == "Year" and fig.layout.yaxis.title.text == "Offences"
    assert any("Src" in str(a.text) for a in fig.layout.annotations)
