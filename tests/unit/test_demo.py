"""The synthetic demo generator: schema, determinism and the realism it promises."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sv_assessment.demo import partner as demo
from sv_assessment.schema import (
    AE_FIELDS,
    AGE_BANDS,
    OFFENCE_FIELDS,
    OFFENCE_GROUPS,
    POPULATION_FIELDS,
)

DISTRICTS = [
    ("E07000110", "Maidstone", 175800),
    ("E07000111", "Sevenoaks", 120500),
    ("E06000035", "Medway", 279800),
]
SEED = 20240101


@pytest.fixture(scope="module")
def offences() -> pd.DataFrame:
    return demo.generate_offences(DISTRICTS, 2023, 2024, 2000, SEED)


@pytest.fixture(scope="module")
def covid_years() -> pd.DataFrame:
    return demo.generate_offences(DISTRICTS, 2019, 2021, 4000, SEED)


def _dtypes(frame: pd.DataFrame) -> list[tuple[str, str]]:
    return [(name, str(dtype)) for name, dtype in frame.dtypes.items()]


def test_offence_columns_and_dtypes(offences: pd.DataFrame) -> None:
    assert _dtypes(offences) == [(f.name, f.dtype) for f in OFFENCE_FIELDS]
    assert 3800 < len(offences) < 4200


def test_population_and_ae_schema() -> None:
    pop = demo.generate_population(DISTRICTS, 2023, 2024)
    ae = demo.generate_ae_attendances(DISTRICTS, 2023, 2024, SEED)
    # The demo's population is for everyone: no sex column (the optional field).
    assert _dtypes(pop) == [(f.name, f.dtype) for f in POPULATION_FIELDS if f.name != "sex"]
    assert _dtypes(ae) == [(f.name, f.dtype) for f in AE_FIELDS]
    assert set(ae["age_band"]) <= set(AGE_BANDS)
    assert 0.05 < (ae["mechanism"] == "Sharp object").mean() < 0.15
    assert (ae["sex"] == "Male").mean() > 0.6


def test_same_seed_same_frame_other_seed_differs(offences: pd.DataFrame) -> None:
    again = demo.generate_offences(DISTRICTS, 2023, 2024, 2000, SEED)
    pd.testing.assert_frame_equal(offences, again)
    other = demo.generate_offences(DISTRICTS, 2023, 2024, 2000, SEED + 1)
    assert not offences.equals(other)


def test_written_files_are_byte_identical(tmp_path: Path) -> None:
    first = demo.write_demo_inputs(tmp_path / "a", DISTRICTS, 2023, 2024, 1000, SEED)
    second = demo.write_demo_inputs(tmp_path / "b", DISTRICTS, 2023, 2024, 1000, SEED)
    assert set(first) == {"offences", "population", "ae_attendances", "readme"}
    for key, path in first.items():
        assert path.read_bytes() == second[key].read_bytes()
    assert "SYNTHETIC" in first["readme"].read_text()
    text = first["offences"].read_text().splitlines()
    assert text[0] == ",".join(f.name for f in OFFENCE_FIELDS)
    row = pd.read_csv(first["offences"], dtype=str, keep_default_na=False)
    assert set(row["knife_flag"]) == {"true", "false"}
    assert row["recorded_date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    timed = row["occurred_at"][row["occurred_at"] != ""]
    assert timed.str.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}").all()
    assert (row["occurred_at"] == "").any() and (row["suspect_age"] == "").any()


def test_ids_unique(offences: pd.DataFrame) -> None:
    assert offences["offence_id"].is_unique
    assert offences["offence_id"].str.fullmatch(r"SV-\d{4}-\d{6,}").all()


def test_dates_ordered_and_within_years(offences: pd.DataFrame) -> None:
    occurred = offences["occurred_at"].dropna()
    recorded = offences.loc[occurred.index, "recorded_date"]
    assert (recorded >= occurred.dt.normalize()).all()
    for col in ("recorded_date", "occurred_at"):
        years = offences[col].dropna().dt.year
        assert years.between(2023, 2024).all()


def test_2020_dip(covid_years: pd.DataFrame) -> None:
    per_year = covid_years["recorded_date"].dt.year.value_counts()
    assert per_year[2020] < 0.92 * per_year[2019]
    assert per_year[2020] < 0.92 * per_year[2021]
    months_2020 = covid_years[covid_years["recorded_date"].dt.year == 2020]
    by_month = months_2020["recorded_date"].dt.month.value_counts()
    assert by_month[[4, 5]].mean() < by_month[[7, 8]].mean() * 0.85


def test_flags_and_mix(offences: pd.DataFrame) -> None:
    assert 0.02 < offences["knife_flag"].mean() < 0.12
    vwi = offences[offences["offence_group"] == "Violence with injury"]
    assert 0.03 < vwi["knife_flag"].mean() < 0.10
    assert offences["firearm_flag"].mean() < 0.01
    assert 0.25 < offences["domestic_abuse_flag"].mean() < 0.35
    assert 0.38 < offences["public_place_flag"].mean() < 0.52
    share = offences["offence_group"].value_counts(normalize=True)
    assert 0.50 < share["Violence without injury"] < 0.60
    assert 0.33 < share["Violence with injury"] < 0.43
    assert set(share.index) <= set(OFFENCE_GROUPS)
    attempted = offences.loc[offences["offence_code"] == "2", "offence_group"]
    assert attempted.eq("Attempted murder").all()


@pytest.mark.parametrize(
    ("column", "rate"),
    [
        ("occurred_at", 0.03),
        ("lsoa_code", 0.02),
        ("victim_age", 0.08),
        ("suspect_age", 0.35),
        ("suspect_sex", 0.30),
    ],
)
def test_missing_rates(offences: pd.DataFrame, column: str, rate: float) -> None:
    assert abs(offences[column].isna().mean() - rate) < 0.02 + rate * 0.25


def test_victim_sex_unknown_or_missing(offences: pd.DataFrame) -> None:
    unknown = offences["victim_sex"].isna() | (offences["victim_sex"] == "Unknown")
    assert 0.02 < unknown.mean() < 0.07


def test_population_bands_sum_to_totals() -> None:
    pop = demo.generate_population(DISTRICTS, 2023, 2024)
    assert len(pop) == len(DISTRICTS) * 2 * len(AGE_BANDS)
    sums = pop.groupby(["district_code", "year"])["population"].sum()
    expected = {code: total for code, _, total in DISTRICTS}
    for (code, _), total in sums.items():
        assert total == expected[code]


def test_lsoa_concentration(offences: pd.DataFrame) -> None:
    lsoas = demo.district_lsoas(DISTRICTS, SEED)
    assert lsoas["lsoa_code"].str.fullmatch(r"E01\d{6}").all()
    assert lsoas["lsoa_code"].is_unique
    assert len(lsoas) == sum(round(pop / 1600) for _, _, pop in DISTRICTS)
    counts = offences["lsoa_code"].value_counts().reindex(lsoas["lsoa_code"], fill_value=0)
    top = counts.sort_values(ascending=False).iloc[: len(counts) // 10]
    assert top.sum() / counts.sum() > 0.25
    assert set(offences["lsoa_code"].dropna()) <= set(lsoas["lsoa_code"])


def test_night_time_economy_and_hours(offences: pd.DataFrame) -> None:
    rate = {name: offences["district_name"].eq(name).sum() / pop for _, name, pop in DISTRICTS}
    assert rate["Medway"] > rate["Sevenoaks"] * 1.3
    hours = offences["occurred_at"].dropna().dt.hour
    assert (hours.between(18, 23)).mean() > (hours.between(4, 9)).mean() * 2
