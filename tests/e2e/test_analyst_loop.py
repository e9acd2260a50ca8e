"""The analyst's loop with Papermill, as in JupyterLab: change a parameter and get a right
answer or a clear refusal, the same on every run.

One small extract (three districts, 2020 to 2024) serves every test: assessed for 2023 with a
five-year window (2019 to 2023) its population does not cover 2019, so it is refused; with a
four-year window (2020 to 2023) it is covered, and its 2024 rows are out of scope, not a breach.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from sv_assessment.analysis import definitions
from sv_assessment.build import staging
from sv_assessment.catalog import StagedData
from sv_assessment.config import load_config
from sv_assessment.paths import NOTEBOOKS_DIR, PROJECT_ROOT
from tests.conftest import write_config

papermill = pytest.importorskip("papermill")

YEAR = 2023
DISTRICT = "Thanet"
DISTRICT_CODE = "E07000114"


@pytest.fixture(scope="module")
def extract(tmp_path_factory) -> Path:
    """The demo extract for three districts, 2020 to 2024, and its config (five years)."""
    folder = tmp_path_factory.mktemp("analyst")
    config_path = write_config(folder, offences_per_year=3000)
    staging.stage_inputs(load_config(config_path), folder / "staged-2024")
    return config_path


@pytest.fixture(scope="module")
def four_year_config(extract: Path) -> Path:
    raw = yaml.safe_load(extract.read_text())
    raw["assessment"]["years_covered"] = 4
    path = extract.with_name("four_years.yml")
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


@pytest.fixture(autouse=True)
def _kernels_use_this_checkout(monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(PROJECT_ROOT / "src"))


def run(notebook: str, out: Path, **parameters) -> Path:
    """Execute a chapter as the pipeline does; returns its tables folder."""
    tables = out / "tables"
    out.mkdir(parents=True, exist_ok=True)
    papermill.execute_notebook(
        str(NOTEBOOKS_DIR / f"{notebook}.ipynb"),
        str(out / f"{notebook}.ipynb"),
        parameters={**parameters, "tables_dir": str(tables)},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(PROJECT_ROOT),
    )
    return tables


def test_a_year_whose_contracts_fail_is_refused_the_same_way_every_time(extract, tmp_path):
    staged = tmp_path / "staged"
    refusals = []
    for attempt in (1, 2):
        with pytest.raises(papermill.PapermillExecutionError) as error:
            run(
                "09_methods",
                tmp_path / str(attempt),
                config_path=str(extract),
                assessment_year=YEAR,
                staged_dir=str(staged),
            )
        refusals.append((error.value.ename, error.value.evalue))
        assert not StagedData(staged).is_staged(), "staged data that failed is marked usable"
    assert refusals[0] == refusals[1]
    name, message = refusals[0]
    # Refused before any chapter code runs: the population check or the population contract
    # (as the pipeline reports it, a BuildError naming the step, when the notebook stages).
    assert name in {"InputError", "ContractBreach", "BuildError"}, name
    assert "population" in message and "2019" in message, message
    # 2024 rows are outside the 2023 window: out of scope, not a breach.
    assert "recorded_date" not in message


def _serious_violence(staged: StagedData, config_path: Path) -> pd.DataFrame:
    """Counted here from the staged rows, independently of the chapter's own filters."""
    config = load_config(config_path, YEAR)
    offences = staged.read("offences")
    offences = offences[definitions.serious_violence_mask(offences, config.serious_violence)]
    return offences.assign(year=offences["recorded_date"].dt.year)


def _column(table: pd.DataFrame, header: str) -> pd.Series:
    return table[next(c for c in table.columns if c.lower() == header.lower())]


def _counts(values: pd.Series) -> list[int]:
    return [int(str(v).replace(",", "")) for v in values]


def test_a_chapter_for_another_covered_year_matches_the_staged_data(four_year_config, tmp_path):
    staged = StagedData(tmp_path / "staged")
    tables = run(
        "05_districts",
        tmp_path / "area",
        config_path=str(four_year_config),
        assessment_year=YEAR,
        staged_dir=str(staged.directory),
    )
    summary = staged.input_summary()["offences"]
    raw = pd.read_csv(load_config(four_year_config).inputs["offences"].path)
    assert summary["rows_out_of_scope"] == int(raw["recorded_date"].str.startswith("2024").sum())
    assert summary["rows_out_of_scope"] > 0
    serious = _serious_violence(staged, four_year_config)
    assert serious["year"].between(2020, YEAR).all()
    expected = serious[serious["year"] == YEAR].groupby("district_name").size()

    rates = pd.read_csv(tables / "district_rates.csv", dtype=str)
    counts = _counts(_column(rates, f"Offences {YEAR}"))
    published = dict(zip(_column(rates, "District"), counts, strict=True))
    assert published == expected.to_dict()
    trends = pd.read_csv(tables / "district_trends.csv", dtype=str)
    assert sorted(set(_column(trends, "Year"))) == ["2020", "2021", "2022", "2023"]


def test_a_chapter_for_one_district_counts_that_district_alone(four_year_config, tmp_path):
    staged = StagedData(tmp_path / "staged")
    tables = run(
        "05_districts",
        tmp_path / "district",
        config_path=str(four_year_config),
        assessment_year=YEAR,
        staged_dir=str(staged.directory),
        district=DISTRICT,
    )
    serious = _serious_violence(staged, four_year_config)
    mine = serious[serious["district_code"] == DISTRICT_CODE]
    rates = pd.read_csv(tables / "district_rates.csv", dtype=str)
    assert list(_column(rates, "District")) == [DISTRICT]
    assert _counts(_column(rates, f"Offences {YEAR}")) == [int((mine["year"] == YEAR).sum())]
    trends = pd.read_csv(tables / "district_trends.csv", dtype=str)
    assert set(_column(trends, "District")) == {DISTRICT}
    by_year = mine.groupby("year").size()
    assert _counts(_column(trends, "Offences")) == [
        int(by_year.get(y, 0)) for y in range(2020, 2024)
    ]


PARTNER_CHAPTERS = sorted(p.stem for p in NOTEBOOKS_DIR.glob("0*.ipynb"))


def test_every_chapter_honours_the_district(four_year_config, tmp_path):
    """Each chapter runs for one district, and nothing it shows or publishes names another."""
    staged = tmp_path / "staged"
    others = {"Ashford", "Medway"}
    for chapter in PARTNER_CHAPTERS:
        tables = run(
            chapter,
            tmp_path / chapter,
            config_path=str(four_year_config),
            assessment_year=YEAR,
            staged_dir=str(staged),
            district=DISTRICT,
        )
        shown = (tmp_path / chapter / f"{chapter}.ipynb").read_text(encoding="utf-8")
        assert "Ashford" not in shown, f"{chapter} shows another district"  # Medway: partnership
        for csv in tables.glob("*.csv"):
            cells = set(pd.read_csv(csv, dtype=str).to_numpy().ravel().tolist())
            assert not cells & others, f"{chapter}: {csv.name} names {cells & others}"
