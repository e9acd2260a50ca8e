"""The 'who' chapter: victims and suspects by age and sex with rates, suspects' ages against
victims', and repeats from pseudonymised ids (counted, never published)."""

from __future__ import annotations

import pandas as pd

from sv_assessment.analysis import people
from sv_assessment.analysis.disclosure import DisclosurePolicy, protect_table
from sv_assessment.chapters import who
from tests.conftest import make_offences
from tests.unit.test_context_chapter import COUNTS, _run, _text


def _with_ids(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    n = len(frame)
    # Every fifth offence's victim is person R1 (a repeat victim); R1 is also a suspect once.
    frame["victim_id"] = pd.array(
        ["R1" if i % 5 == 0 else f"V{i}" for i in range(n)], dtype="string"
    )
    frame["suspect_id"] = pd.array(["R1" if i == 1 else f"S{i}" for i in range(n)], dtype="string")
    return frame


def test_repeats_and_overlap_are_counted():
    frame = _with_ids(make_offences(COUNTS))
    victims = people.repeats(frame["victim_id"], "victim")
    assert victims.repeat_people == 1
    assert victims.offences_of_repeat_people == len(range(0, len(frame), 5))
    assert people.repeats(frame["suspect_id"], "suspect").repeat_people == 0
    assert people.victim_suspect_overlap(frame) == 1


def test_age_bands_and_sex_counts_keep_every_offence():
    frame = make_offences(COUNTS)
    counts = people.age_sex_counts(frame, "victim")
    assert int(counts[["Female", "Male", people.NOT_RECORDED]].to_numpy().sum()) == len(frame)
    bands = people.age_band(pd.Series([0, 9, 10, 17, 18, 24, 25, 65, None], dtype="Int64"))
    assert list(bands.astype(str)) == [
        "0-9",
        "0-9",
        "10-17",
        "10-17",
        "18-24",
        "18-24",
        "25-34",
        "65+",
        "Not recorded",
    ]


def test_who_notebook_publishes_counts_rates_and_repeats_without_ids(tmp_path, monkeypatch):
    shown = _run("12_who", tmp_path, monkeypatch, offences=_with_ids(make_offences(COUNTS)))
    tables = tmp_path / "tables"
    victims = pd.read_csv(tables / "who_victims_age_sex.csv", dtype=str)
    for column in ("Female", "Male"):
        values = pd.to_numeric(victims[column].str.replace(",", ""), errors="coerce")
        assert not values.between(1, 4).any()
    rates = pd.read_csv(tables / "who_victim_rates.csv")
    assert "Rate per 1,000" in rates.columns
    repeats = pd.read_csv(tables / "who_repeats.csv", dtype=str)
    assert list(repeats["Who"]) == ["victim", "suspect"]
    assert "recorded as a victim in one offence and as a suspect" in _text(shown)
    published = "\n".join(p.read_text() for p in tables.glob("*.csv")) + _text(shown)
    assert "R1" not in published and "V10" not in published  # ids never published
    assert "without its under-25 test" in _text(shown)


def test_who_notebook_without_ids_says_what_to_provide(tmp_path, monkeypatch):
    frame = make_offences(COUNTS).assign(victim_id=pd.NA, suspect_id=pd.NA)
    shown = _run("12_who", tmp_path, monkeypatch, offences=frame)
    assert "Not available: repeat victims and suspects" in _text(shown)
    assert not (tmp_path / "tables" / "who_repeats.csv").exists()


def test_overlap_below_the_minimum_is_not_given_exactly():
    frame = _with_ids(make_offences(COUNTS)).assign(year=2024)
    assert who.overlap_sentence(frame, 5).startswith("Fewer than 5 people")
    assert who.overlap_sentence(frame.assign(suspect_id=pd.NA), 5).startswith("The victim")


def _by_sex(years: list[int]) -> pd.DataFrame:
    """The population split into Female and Male rows (60% and 40%)."""
    from tests.conftest import make_population

    everyone = make_population(years)
    female = everyone.assign(sex="Female", population=(everyone["population"] * 0.6).round())
    male = everyone.assign(sex="Male", population=everyone["population"] - female["population"])
    return pd.concat([female, male], ignore_index=True).astype({"population": "Int64"})


def test_rates_by_sex_divide_each_sex_by_its_own_residents():
    frame = make_offences(COUNTS)
    counts = people.age_sex_counts(frame[frame["recorded_date"].dt.year == 2024], "victim")
    population = _by_sex([2023, 2024])
    rates = people.sex_rates(counts, population, 2024).set_index("sex")
    residents = population[population["year"] == 2024].groupby("sex")["population"].sum()
    for sex in ("Female", "Male"):
        assert rates.loc[sex, "people"] == int(counts[sex].sum())
        expected = 1000 * counts[sex].sum() / residents[sex]
        assert abs(rates.loc[sex, "rate_per_1000"] - round(expected, 2)) < 1e-9
    assert people.sex_rates(counts, population.drop(columns="sex"), 2024) is None


def test_who_notebook_gives_rates_by_sex_only_where_the_population_has_sex(tmp_path, monkeypatch):
    (tmp_path / "flat").mkdir()
    (tmp_path / "by_sex").mkdir()
    shown = _run("12_who", tmp_path / "flat", monkeypatch)
    assert "Not available: rates by sex" in _text(shown)
    assert not (tmp_path / "flat" / "tables" / "who_victim_sex_rates.csv").exists()
    monkeypatch.setattr("tests.unit.test_context_chapter.make_population", _by_sex)
    shown = _run("12_who", tmp_path / "by_sex", monkeypatch)
    assert "Not available: rates by sex" not in _text(shown)
    rates = pd.read_csv(tmp_path / "by_sex" / "tables" / "who_victim_sex_rates.csv", dtype=str)
    assert list(rates["Sex"]) == ["Female", "Male"]
    assert "per 1,000 female residents" in _text(shown)


def test_a_hidden_age_sex_cell_cannot_be_worked_out_from_the_band_or_under_18_totals():
    # The demo's shape: 0-9 victims of unrecorded sex = 1, and the report elsewhere gives
    # every band's total (the rates table) and, per sex, the under-18 total (violence profile).
    counts = pd.DataFrame(
        {
            "age_band": [*people.AGE_BANDS, people.NOT_RECORDED],
            "Female": [42, 446, 626, 863, 816, 301, 179, 148],
            "Male": [51, 777, 982, 1321, 1224, 450, 264, 250],
            people.NOT_RECORDED: [1, 29, 31, 46, 46, 13, 13, 839],
        }
    )
    policy = DisclosurePolicy(threshold=5)
    protected = protect_table(
        counts, list(who.SEX_COLUMNS), policy, **who.age_sex_options("victim")
    )
    hidden = protected.frame.isna()
    assert hidden.at[0, people.NOT_RECORDED]
    assert hidden.loc[0, list(who.SEX_COLUMNS)].sum() >= 2  # not the band total minus the rest
    assert hidden.loc[[0, 1], people.NOT_RECORDED].all()  # not the under-18 total minus 10-17


def test_a_band_total_the_age_sex_table_could_not_protect_is_hidden_in_the_rates_table():
    # A small partnership's suspects: 18-24 has Female 2, Male 6, Not recorded 0 (zeros are
    # shown), so the band's total of 8 beside them would give the 2 away.
    counts = pd.DataFrame(
        {
            "age_band": [*people.AGE_BANDS, people.NOT_RECORDED],
            "Female": [0, 0, 2, 0, 0, 0, 0, 0],
            "Male": [0, 0, 6, 0, 0, 0, 0, 0],
            people.NOT_RECORDED: [0, 0, 0, 0, 0, 0, 0, 40],
        }
    )
    policy, register = DisclosurePolicy(threshold=5), {}
    shown = protect_table(
        counts, list(who.SEX_COLUMNS), policy, register=register, **who.age_sex_options("suspect")
    ).frame
    population = pd.DataFrame(
        {"year": 2024, "age_band": list(people.AGE_BANDS), "population": 10_000}
    )
    rates = people.band_rates(counts, population, 2024)
    published = protect_table(
        rates,
        ["people"],
        policy,
        derived_columns=["rate_per_1000", "rate_lower", "rate_upper"],
        register=register,
        **who.rates_options("suspect"),
    ).frame
    row = shown.iloc[2]
    known = [row[c] for c in who.SEX_COLUMNS if not pd.isna(row[c])]
    total = published.loc[published["age_band"] == "18-24", "people"].iloc[0]
    assert pd.isna(total) or len(known) < 2, (row.tolist(), total)
