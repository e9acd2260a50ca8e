"""The national archive: read once with DuckDB into Parquet by local authority; each area's
rows read back give exactly the frame the single-force reader gives; coverage says what is
missing; the ONS mid-year estimates file is read by its header, not by position."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sv_assessment.config import District
from sv_assessment.fanout import partnerships
from sv_assessment.ingest import national, police_uk
from sv_assessment.ingest.errors import InputError
from sv_assessment.ingest.ons_population import read_mid_year_estimates
from tests.national_archive import FORCES, MISSING, NO_ROWS, write_archive, write_population


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> tuple[Path, Path, dict]:
    base = tmp_path_factory.mktemp("national")
    archive = write_archive(base, crimes_per_1000_per_month=1.0)
    areas = read_mid_year_estimates(write_population(base))
    out = base / "ingested"
    return archive, out, national.ingest_archive(archive, areas, out)


def test_population_file_gives_every_local_authority_and_skips_country_and_region(tmp_path):
    areas = read_mid_year_estimates(write_population(tmp_path))
    codes = {a.code for a in areas}
    assert codes == {c for d in FORCES.values() for c, _, _ in d} | {NO_ROWS[0]}
    assert next(a for a in areas if a.code == "E06000902").population == 40000


def test_population_file_refuses_a_bad_count_naming_the_line(tmp_path):
    path = write_population(tmp_path)
    path.write_text(path.read_text().replace('"40,000"', "n/a"))
    with pytest.raises(InputError, match=r"mye2_persons.csv, column 'All ages', rows 8.*'n/a'"):
        read_mid_year_estimates(path)


def test_coverage_shows_the_missing_force_month_and_the_rows_of_each_area(ingested):
    _, out, summary = ingested
    force, month = MISSING
    assert summary["missing"][force] == [month]
    assert all(summary["missing"][f] == [] for f in FORCES if f != force)
    assert set(summary["areas"]["E06000901"]) == {"alpha"}
    assert NO_ROWS[0] not in summary["areas"]  # no rows: not an area of zero crimes
    assert national.read_coverage(out) == summary


def test_an_area_read_from_the_archive_is_the_single_force_reading(ingested):
    archive, out, _ = ingested
    districts = [District(c, n, p) for c, n, p in FORCES["alpha"]]
    whole = police_uk.read_street_files(archive, districts, "alpha").frame
    for district in districts:
        one = police_uk.read_street_files(
            national.area_partition(out, district.code), [district]
        ).frame
        expected = whole[whole["district_code"] == district.code]
        pd.testing.assert_frame_equal(
            one.drop(columns="source_row"),
            expected.drop(columns="source_row").reset_index(drop=True),
        )
        assert one["source_line"].min() >= 2  # lines of the files, header being line 1


def test_a_bad_month_stops_the_ingest_naming_file_line_and_value(tmp_path):
    archive = write_archive(tmp_path, crimes_per_1000_per_month=0.5)
    target = archive / "2023-02" / "2023-02-delta-street.csv"
    lines = target.read_text().splitlines()
    lines[3] = lines[3].replace("2023-02", "Feb-23", 1)
    target.write_text("\n".join(lines) + "\n")
    areas = [national.Area(c, n, p) for d in FORCES.values() for c, n, p in d]
    with pytest.raises(InputError, match=r"2023-02-delta-street.csv, column 'Month', rows 4 "):
        national.ingest_archive(archive, areas, tmp_path / "out")
    assert not (tmp_path / "out").exists()  # nothing half-written left looking complete


def test_a_zip_is_refused_with_what_to_do(tmp_path):
    (tmp_path / "archive.zip").write_bytes(b"PK")
    with pytest.raises(InputError, match="unzip"):
        national.archive_files(tmp_path / "archive.zip")


def test_partnerships_group_local_authorities_and_leave_the_rest_on_their_own(tmp_path):
    areas = read_mid_year_estimates(write_population(tmp_path))
    groups_file = tmp_path / "partnerships.yml"
    groups_file.write_text("partnerships:\n  Alpha and Beta: [E06000901, beta vale]\n")
    units = partnerships.group_areas(areas, partnerships.read_groups(groups_file), groups_file)
    assert [u.code for u in units] == [
        "alpha-and-beta",
        "E06000902",
        "W06000901",
        NO_ROWS[0],
    ]
    group = units[0]
    assert [a.name for a in group.members] == ["Alpha Town", "Beta Vale"]
    assert group.population == 50000 and group.grouped and not units[1].grouped
    assert partnerships.choose(units, ("Beta Vale",)) == [group]  # found by a member


def test_a_partnership_file_naming_an_unknown_or_twice_grouped_authority_is_refused(tmp_path):
    areas = read_mid_year_estimates(write_population(tmp_path))
    with pytest.raises(
        InputError, match=r"groups.yml.*'East': not in the population file: Nowhere"
    ):
        partnerships.group_areas(areas, {"East": ["Nowhere"]}, tmp_path / "groups.yml")
    twice = {"A": ["Alpha Town"], "B": ["E06000901", "Gamma City"]}
    with pytest.raises(InputError, match=r"Alpha Town \(E06000901\) is in both 'A' and 'B'"):
        partnerships.group_areas(areas, twice, tmp_path / "groups.yml")
    (tmp_path / "bad.yml").write_text("groups: {}\n")
    with pytest.raises(InputError, match="expected 'partnerships:'"):
        partnerships.read_groups(tmp_path / "bad.yml")


def test_a_grouped_partnership_reads_its_members_rows_from_the_archive(ingested, tmp_path):
    archive, out, summary = ingested
    members = [national.Area(c, n, p) for c, n, p in FORCES["alpha"]]
    group = partnerships.Partnership("alpha-and-beta", "Alpha and Beta", tuple(members))
    folder = partnerships.partition(group, out, tmp_path / "groups")
    assert partnerships.partition(group, out, tmp_path / "groups") == folder  # idempotent
    districts = [District(a.code, a.name, a.population) for a in members]
    both = police_uk.read_street_files(folder, districts).frame
    whole = police_uk.read_street_files(archive, districts, "alpha").frame
    whole = whole[whole["district_code"].isin([a.code for a in members])]  # not "_none" rows
    assert len(both) == len(whole) > 0
    assert set(both["district_code"]) == {a.code for a in members}
    assert sorted(both["crime_id"].dropna()) == sorted(whole["crime_id"].dropna())
    rows = partnerships.rows_by_force(group, summary)
    assert rows == {"alpha": sum(summary["areas"][a.code]["alpha"] for a in members)}


def test_the_index_page_gives_a_partnership_one_row_with_its_members(ingested, tmp_path):
    from sv_assessment.fanout import national_page

    _, out, summary = ingested
    areas = read_mid_year_estimates(write_population(tmp_path))
    units = partnerships.group_areas(areas, {"Alpha and Beta": ["Alpha Town", "Beta Vale"]})
    table = national_page.area_table(out, units, summary, 2024, ("Violence and sexual offences",))
    row = table.set_index("code").loc["alpha-and-beta"]
    alone = national_page.area_table(
        out, areas, summary, 2024, ("Violence and sexual offences",)
    ).set_index("code")
    assert row["members"] == "E06000901, E07000901" and row["population"] == 50000
    assert row["crimes"] == alone.loc["E06000901", "crimes"] + alone.loc["E07000901", "crimes"]
    assert len(table) == len(areas) - 1


def test_the_ingest_keeps_within_a_small_duckdb_memory_limit(ingested, tmp_path):
    archive, _, summary = ingested
    areas = read_mid_year_estimates(write_population(tmp_path))
    bounded = national.ingest_archive(archive, areas, tmp_path / "out", memory_limit="64MB")
    assert bounded["areas"] == summary["areas"]
    assert not (tmp_path / "out" / "spill").exists()  # its scratch folder is cleared
