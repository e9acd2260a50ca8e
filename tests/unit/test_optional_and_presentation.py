"""Optional inputs degrade to a plain "not provided" note; commentary and headers read well."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml

from sv_assessment.analysis import definitions, disclosure
from sv_assessment.analysis.disclosure import DisclosurePolicy
from sv_assessment.chapters import health, labels, runtime
from sv_assessment.config import AssessmentConfig
from sv_assessment.paths import NOTEBOOKS_DIR
from tests.conftest import make_config, make_offences, make_population

NOTEBOOKS = NOTEBOOKS_DIR
COUNTS = {
    ("E0000001", 2023): 40,
    ("E0000001", 2024): 50,
    ("E0000002", 2023): 30,
    ("E0000002", 2024): 35,
    ("E0000003", 2023): 20,
    ("E0000003", 2024): 22,
}


def test_health_functions_without_input_return_the_note(config: AssessmentConfig) -> None:
    offences = definitions.with_calendar(make_offences(COUNTS))
    assert health.yearly_comparison(None, offences, config) is None
    assert health.monthly_series(None, offences, config) is None
    assert health.mechanism_table(None, config) is None
    note = health.not_provided_note(config)
    assert "not provided" in note


def _ae(n: int = 400) -> pd.DataFrame:
    dates = pd.date_range("2023-01-01", periods=n, freq="43h")
    return pd.DataFrame(
        {
            "attendance_date": dates,
            "age_band": ["18-24"] * n,
            "sex": ["Male"] * n,
            "mechanism": [
                "Sharp object" if i % 10 == 0 else "Body part (hit, kick)" for i in range(n)
            ],
            "district_code": ["E0000001"] * n,
        }
    )


def test_health_yearly_comparison_counts(config: AssessmentConfig) -> None:
    offences = definitions.with_calendar(make_offences(COUNTS))
    ae = _ae()
    table = health.yearly_comparison(ae, offences, config).set_index("year")
    years = ae["attendance_date"].dt.year
    assert table.loc[2024, "ae_assault_attendances"] == int((years == 2024).sum())
    sharp = (ae["mechanism"] == "Sharp object") & (years == 2024)  # every patient is 18-24
    assert table.loc[2024, "ae_sharp_object_under_25"] == int(sharp.sum())
    # Like with like: police injury violence with a victim under 25 (any place).
    young = (offences["victim_age"] < 25).fillna(False)
    injury = offences["offence_group"].isin(
        ["Homicide", "Attempted murder", "Violence with injury"]
    )
    expected = int((young & injury & (offences["year"] == 2024)).sum())
    assert table.loc[2024, "police_injury_violence_victim_under_25"] == expected


def _stage(tmp: Path, config_path: Path, with_ae: bool) -> Path:
    staged = tmp / "staged"
    staged.mkdir()
    make_offences(COUNTS).to_parquet(staged / "offences.parquet")
    make_population([2023, 2024]).to_parquet(staged / "population.parquet")
    inputs = {
        "offences": {"provided": True},
        "population": {"provided": True},
        "ae_attendances": {"provided": with_ae},
    }
    if with_ae:
        _ae().to_parquet(staged / "ae_attendances.parquet")
    (staged / "inputs.json").write_text(json.dumps(inputs))
    (staged / "contracts.json").write_text("[]")
    return staged


def _run_notebook(
    name: str, tmp: Path, with_ae: bool, monkeypatch: pytest.MonkeyPatch
) -> list[dict]:
    """Execute a chapter notebook's code in this process, without Papermill or a kernel."""
    config = make_config(tmp, with_ae=True)
    config_path = tmp / "test.yml"
    config_path.write_text(yaml.safe_dump(config.as_dict()))
    shown: list[dict] = []
    monkeypatch.setattr(runtime, "_display", lambda bundle, metadata=None: shown.append(bundle))
    namespace = {
        "config_path": str(config_path),
        "assessment_year": None,
        "staged_dir": str(_stage(tmp, config_path, with_ae)),
        "tables_dir": str(tmp / "tables"),
        "static_images": False,
        "district": None,
    }
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code" and "parameters" not in cell.metadata.get("tags", []):
            exec(compile(cell.source, f"{name}.ipynb", "exec"), namespace)
    return shown


def test_health_notebook_says_not_provided(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shown = _run_notebook("07_health", tmp_path, with_ae=False, monkeypatch=monkeypatch)
    text = [b.get("text/markdown", "") for b in shown]
    assert any("not provided" in t for t in text)
    assert not (tmp_path / "tables" / "health_yearly.csv").exists()


def test_health_notebook_with_input_publishes_suppressed_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run_notebook("07_health", tmp_path, with_ae=True, monkeypatch=monkeypatch)
    monthly = pd.read_csv(tmp_path / "tables" / "health_monthly.csv", dtype=str)
    values = pd.to_numeric(monthly["A&E assault under 25"].str.replace(",", ""), errors="coerce")
    assert not values.between(1, 4).any()
    assert (monthly["A&E assault under 25"] == "[c]").any() or values.min() >= 5


def test_notebooks_are_thin_and_clean() -> None:
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, path.name
        for name in ("config_path", "assessment_year", "staged_dir", "tables_dir", "static_images"):
            assert f"{name} = " in tagged[0].source, (path.name, name)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, path.name
                assert "def " not in cell.source and "import pandas" not in cell.source


def test_commentary_is_framed_as_the_analysts(tmp_path: Path) -> None:
    assert runtime.read_commentary("01_summary", tmp_path) == ""
    (tmp_path / "01_summary.md").write_text("Violence rose in the town centre.\n")
    text = runtime.read_commentary("01_summary", tmp_path)
    assert "Analyst's commentary" in text and "town centre" in text


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ("offences_2024", "Offences 2024"),
        ("rate", "Rate per 1,000"),
        ("rate_lower", "95% CI lower"),
        ("rate_2024", "Rate per 1,000, 2024"),
        ("sharp_object_percent", "Sharp object share (%)"),
        ("lsoa_code", "LSOA"),
        ("Female", "Female"),
        ("rows_set_aside", "Rows set aside"),
    ],
)
def test_plain_headers(name: str, header: str) -> None:
    assert labels.plain_header(name) == header


def test_publishable_hides_rates_built_on_hidden_counts(
    config: AssessmentConfig, tmp_path: Path
) -> None:
    ctx = runtime.Chapter(config, tmp_path, tmp_path / "tables", False)
    frame = pd.DataFrame(
        {
            "district": ["A", "B", "C"],
            "offences": [3, 0, 120],
            "rate": [0.03, 0.0, 1.2],
            "label": ["x", "y", "z"],
            "note": ["n/a", 1.5, 2.0],
        }
    )
    out = ctx.protect(frame, ["offences"], rate_columns=["rate", "note"])
    cells = disclosure.published_cells(out, thousands=False)
    assert [cells.loc[0, c] for c in ("offences", "rate", "note")] == ["[c]"] * 3
    assert cells.loc[1, "offences"] == 0 and cells.loc[1, "rate"] == 0.0
    # The area's total is known, so the 3 would be the total less 120 and 0: 120 goes too.
    assert cells.loc[2, "offences"] == "[c]" and cells.loc[2, "note"] == "[c]"
    assert cells["label"].tolist() == ["x", "y", "z"]


def test_empty_table_says_none(
    config: AssessmentConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[dict] = []
    monkeypatch.setattr(runtime, "_display", lambda bundle, metadata=None: shown.append(bundle))
    ctx = runtime.Chapter(config, tmp_path, tmp_path / "tables", False)
    ctx.table(
        pd.DataFrame(columns=["input", "reason", "rows"]),
        "empty",
        "Rows set aside",
        count_columns=["rows"],
    )
    assert shown[0]["text/markdown"] == "**Rows set aside:** none."
    assert (tmp_path / "tables" / "empty.csv").read_text().strip() == "Input,Reason,Rows"


def test_health_headline_shows_small_counts_as_suppressed(config: AssessmentConfig) -> None:
    offences = definitions.with_calendar(make_offences(COUNTS))
    table = health.yearly_comparison(_ae(40), offences, config)
    table.loc[table.index[-1], "police_knife_enabled_victim_under_25"] = 3
    protected = health.protected_yearly(table, disclosure.gate_for(DisclosurePolicy(5)))
    text = health.headline(protected, config)
    assert "[c] of them knife-enabled" in text
