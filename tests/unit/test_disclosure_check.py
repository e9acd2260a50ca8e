"""The disclosure checker attacks published files: each way of giving a count away is caught,
naming the file, table and cell, and a clean folder passes."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from sv_assessment.analysis.disclosure import DisclosurePolicy, protect_table
from sv_assessment.build.disclosure_check import (
    DisclosureBreach,
    assert_no_breach,
    check_published,
)
from sv_assessment.chapters.publishing import table_metadata

POLICY = DisclosurePolicy(5)


def publish(folder: Path, name: str, frame: pd.DataFrame, metadata: dict | None) -> None:
    tables = folder / "tables"
    tables.mkdir(parents=True, exist_ok=True)
    frame.to_csv(tables / f"{name}.csv", index=False)
    if metadata is not None:
        (tables / f"{name}.csv-metadata.json").write_text(json.dumps(metadata))


def gated(folder: Path, name: str, frame: pd.DataFrame, counts: list[str], **options) -> None:
    protected = protect_table(frame, counts, POLICY, **options)
    published, metadata = table_metadata(protected, name, name, POLICY)
    publish(folder, name, published, metadata)


def districts(counts: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"district": [f"D{i}" for i in range(len(counts))], "offences": counts})


def test_clean_gated_folder_passes(tmp_path: Path) -> None:
    gated(tmp_path, "by_district", districts([3, 20, 30, 41]), ["offences"])
    assert check_published(tmp_path, POLICY) == []
    assert_no_breach(tmp_path, POLICY)


def test_small_count_shown_in_a_table(tmp_path: Path) -> None:
    metadata = {"sv:countColumns": ["offences"], "sv:rowKeys": ["district"]}
    publish(tmp_path, "by_district", districts([2, 20, 30]), metadata)
    breaches = check_published(tmp_path, POLICY)
    assert [str(b) for b in breaches] == [
        "tables/by_district.csv: by_district, district=D0, offences: shows a count of 2"
    ]
    with pytest.raises(DisclosureBreach, match="by_district"):
        assert_no_breach(tmp_path, POLICY)


def test_table_without_gate_metadata(tmp_path: Path) -> None:
    publish(tmp_path, "raw", districts([20, 30]), None)
    assert "without disclosure metadata" in str(check_published(tmp_path, POLICY)[0])


def test_five_hidden_cells_adding_to_a_published_total_of_five(tmp_path: Path) -> None:
    frame = pd.DataFrame({"group": list("abcdef"), "n": ["[c]"] * 5 + ["20"]})
    relation = {"parts": [[r, "n"] for r in range(6)], "total": 25}
    metadata = {"sv:countColumns": ["n"], "sv:rowKeys": ["group"], "sv:relations": [relation]}
    publish(tmp_path, "groups", frame, metadata)
    breaches = check_published(tmp_path, POLICY)
    assert len(breaches) == 5 and all("subtraction" in b.finding for b in breaches)


def test_hidden_in_one_table_shown_in_another(tmp_path: Path) -> None:
    keys = {"sv:countColumns": ["offences"], "sv:rowKeys": ["district"], "sv:measure": "sv"}
    publish(
        tmp_path, "a", pd.DataFrame({"district": ["D0", "D1"], "offences": ["[c]", "[c]"]}), keys
    )
    publish(tmp_path, "b", pd.DataFrame({"district": ["D0"], "offences": ["12"]}), keys)
    found = check_published(tmp_path, POLICY)
    assert any("shown in another table" in b.finding and b.table == "a" for b in found)


def test_rate_beside_a_hidden_count(tmp_path: Path) -> None:
    frame = pd.DataFrame({"district": ["D0"], "offences": ["[c]"], "rate": ["0.03"]})
    metadata = {
        "sv:countColumns": ["offences"],
        "sv:derivedColumns": ["rate"],
        "sv:rowKeys": ["district"],
    }
    publish(tmp_path, "rates", frame, metadata)
    assert "beside a hidden count" in check_published(tmp_path, POLICY)[0].finding


def test_chart_json_and_sentences_in_the_page(tmp_path: Path) -> None:
    gated(tmp_path, "heat", districts([20, 30, 41]), ["offences"])
    figure = go.Figure(go.Heatmap(z=[[2, 30], [41, 20]]))
    div = figure.to_html(full_html=False, include_plotlyjs=False, div_id="chart-heat")
    page = (
        f"<html><body><p>Alpha: 2 offences in 2024 against 15 in 2023.</p>"
        f'<figure id="figure-heat">{div}</figure></body></html>'
    )
    (tmp_path / "assessment.html").write_text(page)
    found = {(b.file, b.table) for b in check_published(tmp_path, POLICY)}
    assert ("assessment.html", "chart heat") in found
    assert ("assessment.html", "text") in found


def test_run_record_and_quality_pages(tmp_path: Path) -> None:
    (tmp_path / "run.json").write_text(json.dumps({"inputs": {"ae": {"rows_set_aside": 3}}}))
    found = check_published(tmp_path, POLICY)
    assert [b.cell for b in found] == ["inputs.ae.rows_set_aside"]


def test_row_totals_another_table_gives_without_declaring_them(tmp_path: Path) -> None:
    # An age-by-sex table gated on its own, beside a rates table whose "people" are the row
    # sums: the hidden 1 is the band's people minus the cells shown.
    bands = ["0-9", "10-17", "18-24", "25-34"]
    by_sex = pd.DataFrame(
        {"band": bands, "Female": [42, 446, 626, 863], "Male": [51, 777, 982, 1321]}
    )
    by_sex["Not recorded"] = [1, 29, 31, 46]
    gated(tmp_path, "age_sex", by_sex, ["Female", "Male", "Not recorded"])
    people = pd.DataFrame({"band": bands, "people": by_sex.iloc[:, 1:].sum(axis=1)})
    gated(tmp_path, "rates", people, ["people"])
    breaches = [str(b) for b in check_published(tmp_path, POLICY)]
    assert any("age_sex" in b and "worked out by subtraction" in b for b in breaches), breaches
    # Gated with the row sums known, the same tables pass.
    gated(tmp_path, "age_sex", by_sex, ["Female", "Male", "Not recorded"], row_sums_known=True)
    assert check_published(tmp_path, POLICY) == []


def test_a_column_that_matches_the_row_sums_only_by_chance_is_not_taken_as_their_total(
    tmp_path: Path,
) -> None:
    # Only males in the bands shown in full, so the pyramid's "Male" equals the age-by-sex
    # row sums there; on the other rows 30 + 40 + [c] cannot be 40. The checker once took the
    # column for the row totals anyway and stopped the build ("inconsistent"), as a Thanet
    # edition did: a guess the published figures contradict is no total a reader has.
    bands = ["0-9", "10-17", "18-24", "25-34"]
    by_sex = pd.DataFrame(
        {
            "band": bands,
            "Female": [0, 0, 30, 20],
            "Male": [0, 17, 40, 25],
            "Not recorded": [0, 0, 2, 3],
        }
    )
    gated(tmp_path, "age_sex", by_sex, ["Female", "Male", "Not recorded"], grand_total_known=False)
    pyramid = by_sex[["band", "Male", "Female"]]
    gated(tmp_path, "pyramid", pyramid, ["Male", "Female"], grand_total_known=False)
    assert check_published(tmp_path, POLICY) == []
