"""What changed since last year: last year's published tables read as published, and this
year's figures, districts and hotspots set beside them."""

from __future__ import annotations

import pandas as pd
import pytest

from sv_assessment.analysis import definitions
from sv_assessment.analysis.disclosure import DisclosurePolicy, protect_table
from sv_assessment.build import previous_demo
from sv_assessment.chapters import maps, places, since_last_year, violence_profile
from sv_assessment.ingest.errors import InputError
from sv_assessment.ingest.previous import read_previous_tables
from tests.conftest import DISTRICTS, make_config, make_offences, make_population

COUNTS = {(c, y): 40 + 10 * i for i, (c, _, _) in enumerate(DISTRICTS) for y in (2022, 2023, 2024)}


def _previous_edition(tmp_path, config) -> pd.DataFrame:
    tables = previous_demo.previous_tables(
        make_offences(COUNTS), make_population([2022, 2023, 2024]), config
    )
    folder = tmp_path / "last_year"
    folder.mkdir()
    for name, table in tables.items():
        table.to_csv(folder / f"{name}.csv", index=False)
    return read_previous_tables(folder)


def test_published_tables_are_read_back_as_numbers(tmp_path):
    config = make_config(tmp_path, first_year=2022, last_year=2024)
    previous = _previous_edition(tmp_path, config)
    assert since_last_year.previous_year(previous) == 2023
    offences = previous[
        (previous["table"] == "sv_rate_by_year") & (previous["measure"] == "offences")
    ]
    assert offences.set_index("key")["value"]["2023"] == sum(
        n for (_, y), n in COUNTS.items() if y == 2023
    )


def test_key_figures_districts_and_hotspots_beside_last_year(tmp_path):
    config = make_config(tmp_path, first_year=2022, last_year=2024)
    previous = _previous_edition(tmp_path, config)
    serious = definitions.with_calendar(make_offences(COUNTS))
    population = make_population([2022, 2023, 2024])
    yearly = violence_profile.yearly_volume(serious, population, config)
    figures = since_last_year.key_figures(previous, yearly, 2024)
    assert list(figures["year"]) == [2023, 2023, 2024]
    # Same data: last year's published count is this edition's count for that year.
    assert figures.loc[0, "offences"] == figures.loc[1, "offences"]
    changes = since_last_year.district_changes(
        previous, maps.district_rates(serious, population, config), 2024
    )
    assert changes["rank_previous_edition"].notna().all()
    top = places.top_lsoas(places.lsoa_year_counts(serious, config), config)
    hotspots = since_last_year.hotspot_changes(previous, top)
    assert set(hotspots["status"]) <= {"new to the list", "still", "no longer on the list"}
    assert "Last year's assessment reported" in since_last_year.sentence(figures, hotspots)


def test_a_folder_without_the_tables_is_refused_by_name(tmp_path):
    with pytest.raises(InputError, match="none of the tables"):
        read_previous_tables(tmp_path)
    (tmp_path / "district_rates.csv").write_text("District,Rate\nA,1\n")
    with pytest.raises(InputError, match="without the columns"):
        read_previous_tables(tmp_path)


def test_notebook_without_last_years_tables_says_what_to_provide(tmp_path, monkeypatch):
    from tests.unit.test_context_chapter import _run, _text

    shown = _run("14_since_last_year", tmp_path, monkeypatch)
    text = _text(shown)
    assert "Not available: last year's published assessment tables" in text
    assert "kind: previous_tables" in text
    assert not (tmp_path / "tables" / "since_key_figures.csv").exists()


def test_a_district_with_a_small_count_shows_no_rate_or_rank_now():
    # A rate beside a small count gives the count back with the population (Ashford: 0.01 per
    # 1,000 of 132,700 residents is 1 offence).
    rates_now = pd.DataFrame(
        {
            "district": ["Medway", "Thanet", "Ashford"],
            "offences": [20, 7, 1],
            "rank": [1, 2, 3],
            "rate": [0.07, 0.05, 0.0075],
        }
    )
    previous = pd.DataFrame(
        {
            "table": "district_rates",
            "key": ["Medway", "Thanet"],
            "measure": "rate",
            "value": [0.06, None],
        }
    )
    changes = since_last_year.district_changes(previous, rates_now, 2024)
    policy = DisclosurePolicy(threshold=5)
    protected = since_last_year.protected_district_changes(
        changes, 2024, lambda *a, **k: protect_table(*a, policy=policy, **k)
    )
    status = protected.status.set_index(changes["district"])
    for column in ("offences_2024", "rate_now", "rank_now", "rank_change"):
        assert status.at["Ashford", column] == "[c]", column
    assert status.at["Thanet", "rate_previous_edition"] == "[c]"  # as last year published it
