"""End to end: an open-data assessment from data.police.uk street files, through the real pipeline,
with the published tables checked against a count of the files made with the csv module."""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from sv_assessment.analysis.disclosure import NOT_AVAILABLE
from sv_assessment.build import BuildOptions, build
from sv_assessment.demo import police_uk as demo_police_uk

DISTRICTS = [
    ("E07000105", "Ashford", 132700),
    ("E07000115", "Tonbridge and Malling", 132200),
    ("E07000116", "Tunbridge Wells", 115300),
    ("E07000112", "Folkestone and Hythe", 109800),
]
NEIGHBOURS = ("Wealden", "Tunbridge")  # "Tunbridge" is a prefix of a district, not a district
MONTHS = demo_police_uk.months_between("2023-09", "2024-04")
YEAR = 2024
FOCUS = ("Violence and sexual offences", "Possession of weapons", "Robbery")
NO_LOCATION = "Location not published"


def independent_count(root: Path) -> tuple[Counter, Counter]:
    """(district, crime type) counts for YEAR and (crime type, year) counts, from the raw files:
    the latest copy of each Crime ID, districts from the LSOA name, neighbours left out."""
    names = {name for _, name, _ in DISTRICTS}
    latest: dict[str, dict] = {}
    no_id: list[dict] = []
    for path in sorted(root.glob("*/*-kent-street.csv")):  # oldest month first
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if row["Falls within"] != "Kent Police":
                    continue  # another force's row: not this assessment's
                if row["Crime ID"]:
                    latest[row["Crime ID"]] = row
                else:
                    no_id.append(row)
    by_district: Counter = Counter()
    by_year: Counter = Counter()
    for row in [*latest.values(), *no_id]:
        lsoa = row["LSOA name"]
        district = " ".join(lsoa.split(" ")[:-1]) if lsoa else NO_LOCATION
        if district != NO_LOCATION and district not in names:
            continue
        year = int(row["Month"][:4])
        by_year[(row["Crime type"], year)] += 1
        if year == YEAR:
            by_district[(district, row["Crime type"])] += 1
    return by_district, by_year


# Column names used below; published headers may be in plain English ("Crime type").
KEYS = {
    "district",
    "crime_type",
    "crimes",
    "step",
    "records",
    "district_in_lsoa_name",
    *(f"records_{y}" for y in (YEAR - 1, YEAR)),
}


def _key(header: str) -> str:
    snake = header.lower().replace(" ", "_")
    return snake if snake in KEYS else header


def published(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [{_key(k): v for k, v in row.items()} for row in csv.DictReader(handle)]


def check(cell: str, expected: int) -> None:
    if cell == "[c]":  # a small count, or a cell hidden so that one cannot be worked out
        assert expected >= 1
    else:
        assert int(cell.replace(",", "")) == expected


MISSING_MONTH, EMPTY_MONTH, OTHER_FORCE_ROWS = "2023-11", "2024-02", 6


def _other_force_rows(path: Path, n: int) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames, list(reader)
    asb = [r for r in rows if not r["Crime ID"]][:n]
    for row in asb:
        row["Falls within"] = "Metropolitan Police Service"
        for column in ("Longitude", "Latitude", "LSOA code", "LSOA name"):
            row[column] = ""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("open_data")
    data = root / "data" / "police_uk" / "kent"
    demo_police_uk.write_street_files(
        data,
        DISTRICTS,
        "kent",
        "Kent Police",
        MONTHS,
        seed=11,
        crimes_per_1000_per_month=3.0,
        neighbours=NEIGHBOURS,
    )
    # The traits of real downloads the reader must not be fooled by: a month with no file, a
    # month whose file has only its header, and another force's rows with no location.
    shutil.rmtree(data / MISSING_MONTH)
    empty = data / EMPTY_MONTH / f"{EMPTY_MONTH}-kent-street.csv"
    empty.write_text(empty.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    _other_force_rows(data / "2024-03" / "2024-03-kent-street.csv", OTHER_FORCE_ROWS)
    config = {
        "source": "police_uk",
        "assessment": {
            "area_name": "Test area",
            "partnership": "Test partnership",
            "assessment_year": YEAR,
            "years_covered": 2,
            "synthetic_data": True,
        },
        "police_uk": {"force": "kent", "force_name": "Kent Police"},
        "disclosure": {"minimum_count": 5},
        "inputs": {"crimes": {"path": str(data), "kind": "police_uk_street"}},
        "districts": [{"code": c, "name": n, "population": p} for c, n, p in DISTRICTS],
    }
    config_path = root / "test_open_data_e2e.yml"
    config_path.write_text(yaml.safe_dump(config))
    result = build(
        BuildOptions(
            config_path=config_path, formats=("html",), outputs_dir=root / "outputs", jobs=4
        )
    )
    return result.published, data


def test_district_by_crime_type_matches_the_files(built: tuple[Path, Path]) -> None:
    published_dir, data = built
    by_district, _ = independent_count(data)
    rows = published(published_dir / "tables" / "od_district_crime_types.csv")
    assert [r["district"] for r in rows] == [n for _, n, _ in DISTRICTS] + [NO_LOCATION]
    checked = 0
    for row in rows:
        for crime_type, cell in row.items():
            if crime_type != "district":
                check(cell, by_district[(row["district"], crime_type)])
                checked += cell != "[c]"
    assert checked > 40
    assert sum(by_district.values()) > 1000


def test_crime_types_by_year_match_the_files(built: tuple[Path, Path]) -> None:
    published_dir, data = built
    _, by_year = independent_count(data)
    rows = published(published_dir / "tables" / "od_crime_types.csv")
    assert [r["crime_type"] for r in rows[:3]] == list(FOCUS)
    for row in rows:
        for year in (YEAR - 1, YEAR):
            check(row[f"records_{year}"], by_year[(row["crime_type"], year)])


def test_district_rates_count_the_focus_crime_types(built: tuple[Path, Path]) -> None:
    published_dir, data = built
    by_district, _ = independent_count(data)
    rows = published(published_dir / "tables" / "od_district_rates.csv")
    assert {r["district"] for r in rows} == {n for _, n, _ in DISTRICTS}
    for row in rows:
        for crime_type in FOCUS:
            check(row[crime_type], by_district[(row["district"], crime_type)])
        check(row["crimes"], sum(by_district[(row["district"], t)] for t in FOCUS))


def test_report_states_scope_and_publishes_no_locations(built: tuple[Path, Path]) -> None:
    published_dir, _ = built
    html = (published_dir / "assessment.html").read_text(encoding="utf-8")
    words = " ".join(html.split())  # Pandoc wraps lines
    for phrase in (
        "public data only",
        "No ages, no knife flag, no domestic-abuse flag",
        "Months, not dates",
        "anonymised map points",
        "LSOA vintages",
        "Neighbourhood hotspots",
        "Outcomes",
    ):
        assert phrase in words
    outputs = [html] + [p.read_text(encoding="utf-8") for p in published_dir.rglob("*.csv")]
    for text in outputs:
        assert "On or near" not in text and "Longitude" not in text
    reader = {
        r["step"]: r["records"] for r in published(published_dir / "tables" / "od_dq_reader.csv")
    }
    removed = reader["Earlier copies of re-published crimes removed (latest kept)"]
    assert int(removed.replace(",", "")) > 0
    outside = published(published_dir / "tables" / "od_dq_outside_area.csv")
    assert {r["district_in_lsoa_name"] for r in outside} == set(NEIGHBOURS)


def test_months_with_nothing_published_are_missing_never_zero(built: tuple[Path, Path]) -> None:
    published_dir, _ = built
    monthly = published(published_dir / "tables" / "od_monthly.csv")
    for month in (MISSING_MONTH, EMPTY_MONTH):
        cells = [r["crimes"] for r in monthly if r["Month"] == month]
        # [x], the GSS symbol for "not available" (the table's metadata says so), never 0
        assert cells and all(c == NOT_AVAILABLE for c in cells), (month, cells)
    coverage = {
        r["Month"]: r["Status"] for r in published(published_dir / "tables" / "od_dq_coverage.csv")
    }
    assert coverage[MISSING_MONTH] == "no file"
    assert coverage[EMPTY_MONTH].startswith("file with no records")
    assert coverage["2024-12"] == "no file" and coverage["2023-09"] == "published"


def test_part_of_a_year_is_never_given_as_an_annual_rate(built: tuple[Path, Path]) -> None:
    published_dir, _ = built
    rates = published(published_dir / "tables" / "od_district_rates.csv")
    assert "Rate per 1,000" not in rates[0]  # 2024 has 3 published months
    assert not (published_dir / "tables" / "od_district_funnel.csv").exists()
    html = (published_dir / "assessment.html").read_text(encoding="utf-8")
    words = " ".join(html.split())
    assert "January, March and April 2024 (3 months)" in words
    assert "Crimes in scope by district, 2024:" not in words


def test_other_forces_rows_are_removed_and_counted(built: tuple[Path, Path]) -> None:
    published_dir, _ = built
    steps = {
        r["step"]: r["records"] for r in published(published_dir / "tables" / "od_dq_reader.csv")
    }
    removed = "Records of another force (Falls within not the force assessed) removed"
    assert steps[removed] == str(OTHER_FORCE_ROWS)


def test_record_of_the_build_holds_no_partner_definition_or_local_path(
    built: tuple[Path, Path],
) -> None:
    published_dir, data = built
    record = json.loads((published_dir / "run.json").read_text(encoding="utf-8"))
    assert "serious_violence" not in record["assessment"]
    assert record["assessment"]["police_uk"]["force_name"] == "Kent Police"
    sources = published(published_dir / "tables" / "od_methods_sources.csv")
    files = next(r for r in sources if r.get("Setting", r.get("setting")) == "Files")
    value = files.get("Value", files.get("value"))
    assert str(data.parent) not in value and value.startswith("kent:")


def test_hexagon_map_counts_the_map_points_and_draws_no_small_hexagon(
    built: tuple[Path, Path],
) -> None:
    """The density map from data.police.uk's map points: its hexagons add up to the crimes in
    scope with a map point (counted here from the raw files), no hexagon from 1 to 4 is
    listed or drawn, and the chart is in the page with its scope line and alt text."""
    published_dir, data = built
    by_district, _ = independent_count(data)
    located = sum(
        n
        for (district, kind), n in by_district.items()
        if district != NO_LOCATION and kind in FOCUS
    )
    rows = published(published_dir / "tables" / "od_map_hexagons.csv")
    drawn = [r for r in rows if "other hexagons" not in r["Hexagon"]]
    merged = [r for r in rows if "other hexagons" in r["Hexagon"]]
    assert drawn and len(merged) <= 1
    counts = [r["crimes"] for r in rows]
    for cell in counts:
        assert cell == "[c]" or int(cell.replace(",", "")) >= 5, cell
    if "[c]" not in counts:
        assert sum(int(c.replace(",", "")) for c in counts) == located
    html = (published_dir / "assessment.html").read_text(encoding="utf-8")
    figure = html[html.index('id="figure-od_map_hexagons"') :]
    figure = figure[: figure.index("</figure>")]
    assert '<p class="chart-scope">Scope:' in figure and "hexagons with fewer than 5" in figure
    assert 'role="img" aria-label="Map of hexagons about' in figure
    assert "https://" not in figure and "tile" not in figure.lower()
