"""A corpus of realistic bad inputs, made in code: each is read, rejected or set aside as promised.

Every case stages a small three-district assessment whose offences extract has one realistic
fault, and asserts the outcome: a clear error naming the file, column and example rows, or the
rows set aside with their count. Every input file must be byte-for-byte unchanged afterwards.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from sv_assessment.build import staging
from sv_assessment.config import load_config
from sv_assessment.contracts.suites import ContractBreach
from sv_assessment.demo import partner as demo
from sv_assessment.ingest.errors import InputError
from sv_assessment.paths import PROJECT_ROOT
from tests.conftest import SMALL_DISTRICTS, write_config

ROOT = PROJECT_ROOT
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"


@pytest.fixture(scope="module")
def base_data(tmp_path_factory) -> Path:
    """A small, clean synthetic extract (about 1,500 offences), made once for the module."""
    out = tmp_path_factory.mktemp("base") / "data"
    districts = [(d["code"], d["name"], d["population"]) for d in SMALL_DISTRICTS]
    demo.write_demo_inputs(out, districts, 2020, 2024, 300, seed=11)
    return out


class Case:
    """One assessment folder: the clean base extract, a config, and helpers to break it."""

    def __init__(self, tmp_path: Path, base: Path) -> None:
        self.dir = tmp_path
        self.data = tmp_path / "data"
        shutil.copytree(base, self.data)
        self.config_path = write_config(tmp_path, offences_per_year=300)
        raw = yaml.safe_load(self.config_path.read_text())
        raw["demo"]["generate_if_missing"] = False
        self.raw = raw
        self._save()

    def _save(self) -> None:
        self.config_path.write_text(yaml.safe_dump(self.raw, sort_keys=False))

    def set_input(self, name: str, path: Path, **extra) -> None:
        self.raw["inputs"][name]["path"] = str(path)
        self.raw["inputs"][name].update(extra)
        self._save()

    @property
    def offences(self) -> Path:
        return self.data / "offences.csv"

    def lines(self) -> list[str]:
        return self.offences.read_text(encoding="utf-8").splitlines()

    def write_lines(self, lines: list[str], encoding: str = "utf-8") -> None:
        self.offences.write_bytes(("\n".join(lines) + "\n").encode(encoding))

    def edit(self, row: int, **changes: str) -> int:
        """Change fields of data row ``row`` (0-based); returns its file line number."""
        lines = self.lines()
        header = lines[0].split(",")
        fields = lines[row + 1].split(",")
        for column, value in changes.items():
            fields[header.index(column)] = value
        lines[row + 1] = ",".join(fields)
        self.write_lines(lines)
        return row + 2

    def stage(self):
        """Stage the inputs, checking no input file changed, even when staging raises."""
        before = hashes(self.dir)
        try:
            return staging.stage_inputs(load_config(self.config_path), self.dir / "staged")
        finally:
            assert hashes(self.dir) == before, "an input file was changed"

    def staged_frame(self, name: str = "offences") -> pd.DataFrame:
        return pd.read_parquet(self.dir / "staged" / f"{name}.parquet")

    def summary(self, name: str = "offences") -> dict:
        return json.loads((self.dir / "staged" / "inputs.json").read_text())[name]

    def fails_via_pipeline(self, *needles: str) -> str:
        """Run pipeline.py as an analyst would: non-zero exit, a message, no traceback."""
        result = subprocess.run(
            [
                sys.executable,
                str(ROOT / "pipeline.py"),
                "--config",
                str(self.config_path),
                "--outputs",
                str(self.dir / "outputs"),
                "--work",
                str(self.dir / "work"),
                "--format",
                "html",
                "--quiet",
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert result.returncode != 0
        assert "Traceback" not in result.stderr
        assert "BUILD FAILED" in result.stderr
        for needle in needles:
            assert needle in result.stderr
        return result.stderr


def hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every input-like file under folder (not the staged or work output)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not {"staged", "work", "outputs"} & set(p.relative_to(folder).parts)
    }


@pytest.fixture
def case(tmp_path: Path, base_data: Path) -> Case:
    return Case(tmp_path, base_data)


def expect_input_error(case: Case, *needles: str) -> InputError:
    with pytest.raises(InputError) as caught:
        case.stage()
    message = str(caught.value)
    for needle in needles:
        assert needle in message, f"{needle!r} not in {message!r}"
    return caught.value


def expect_breach(case: Case, column: str, expectation: str) -> ContractBreach:
    with pytest.raises(ContractBreach) as caught:
        case.stage()
    failure = next(
        f for f in caught.value.failures if f.column == column and f.expectation == expectation
    )
    assert failure.example_rows, "a critical failure must name example rows"
    return caught.value


# --- columns ---------------------------------------------------------------------------------


def test_01_missing_required_column_is_named(case: Case):
    frame = pd.read_csv(case.offences, dtype=str, keep_default_na=False)
    # Both: a district code is derived from a district name (ingest.derive).
    frame.drop(columns=["district_code", "district_name"]).to_csv(case.offences, index=False)
    expect_input_error(case, "offences.csv", "district_code", "required column missing")


def test_02_renamed_columns_in_the_alias_map_are_accepted(case: Case):
    lines = case.lines()
    lines[0] = (
        lines[0]
        .replace("offence_id", "Crime Reference")
        .replace("offence_code", "HO Code")
        .replace("district_code", " LAD22CD ")
        .replace("victim_age", "VICTIM AGE")
    )
    case.write_lines(lines)
    staged = case.stage()
    assert staged.inputs["offences"]["rows_read"] == len(lines) - 1
    assert case.staged_frame()["offence_id"].notna().all()


def test_03_unknown_rename_is_a_missing_column_error(case: Case):
    lines = case.lines()
    lines[0] = lines[0].replace("offence_id", "Incident Ref")
    case.write_lines(lines)
    error = expect_input_error(case, "offences.csv", "offence_id", "required column missing")
    assert "'Incident Ref'" in str(error)  # shows what was found instead


def test_04_empty_offences_file(case: Case):
    case.offences.write_bytes(b"")
    expect_input_error(case, "offences.csv", "empty (0 bytes)")


def test_05_header_only(case: Case):
    case.write_lines(case.lines()[:1])
    expect_input_error(case, "offences.csv", "no data rows")


def test_06_tab_delimited_is_refused(case: Case):
    case.write_lines([line.replace(",", "\t") for line in case.lines()])
    expect_input_error(case, "offences.csv", "separated by tabs", "rows 1")


def test_07_semicolon_delimited_with_decimal_commas_is_read(case: Case):
    lines = [line.replace(",", ";") for line in case.lines()]
    lines[1] = lines[1].replace("Violence with injury", '"Violence with injury"')
    case.write_lines(lines)
    staged = case.stage()
    assert staged.inputs["offences"]["delimiter"] == ";"
    assert staged.inputs["offences"]["rows_used"] == len(lines) - 1


def test_08_windows_1252_accents_come_through_intact(case: Case):
    case.edit(0, offence_description="Blessure – café “Élan”")
    case.edit(1, district_code="E07000105", district_name="Ashförd")  # Ashford, accented
    case.write_lines(case.lines(), encoding="cp1252")
    assert "é".encode("cp1252") in case.offences.read_bytes()
    staged = case.stage()
    assert staged.inputs["offences"]["encoding"] == "windows-1252"
    frame = case.staged_frame()
    assert "Blessure – café “Élan”" in set(frame["offence_description"])
    assert "Ashförd" in set(frame["district_name"])


def test_09_utf8_with_bom_and_title_rows_keeps_file_row_numbers(case: Case):
    lines = case.lines()
    fields = lines[3].split(",")
    fields[1] = "31/02/2024"  # recorded_date on data row 3
    lines[3] = ",".join(fields)
    lines = ["Kent Police extract: violence 2020-2024", ",,,", "", *lines]
    case.offences.write_bytes(("\n".join(lines) + "\n").encode("utf-8-sig"))
    # The broken row is on file line 3 + 4 = 7: title, blank-ish, blank, header, 3 rows.
    expect_input_error(case, "offences.csv", "recorded_date", "rows 7", "31/02/2024")


def test_10_text_in_neither_encoding_is_an_error_not_a_guess(case: Case):
    data = case.offences.read_bytes().replace(b"Thanet", b"Than\x81t", 1)
    case.offences.write_bytes(data)
    expect_input_error(case, "offences.csv", "neither UTF-8 nor Windows-1252", "0x81")


# --- dates -----------------------------------------------------------------------------------


def test_11_uk_dates_are_read_day_first(case: Case):
    line = case.edit(0, recorded_date="05/02/2024", occurred_at="04/02/2024 23:10")
    case.stage()
    frame = case.staged_frame().set_index("source_row")
    assert frame.loc[line, "recorded_date"] == pd.Timestamp("2024-02-05")
    assert frame.loc[line, "occurred_at"] == pd.Timestamp("2024-02-04 23:10")


def test_12_impossible_date_names_row_and_value(case: Case):
    line = case.edit(4, recorded_date="31/02/2024")
    expect_input_error(case, "offences.csv", "recorded_date", f"rows {line}", "'31/02/2024'")


def test_13_future_recorded_date_stops_the_build(case: Case):
    case.edit(2, recorded_date="2099-01-01")
    breach = expect_breach(case, "recorded_date", "expect_column_values_to_be_between")
    assert "rows 4" in str(breach) or "4" in map(str, breach.failures[0].example_rows)


def test_14_future_occurrence_is_set_aside_and_counted(case: Case):
    line = case.edit(2, occurred_at="2099-06-01 12:00")
    staged = case.stage()
    summary = case.summary()
    assert summary["rows_set_aside"] == 1
    assert summary["rows_read"] == summary["rows_used"] + summary["rows_set_aside"]
    quarantine = pd.read_parquet(staged.directory / "offences.quarantine.parquet")
    assert quarantine["source_row"].tolist() == [line]
    assert "occurred_at" in quarantine.loc[0, "set_aside_reason"]


def test_15_recorded_date_before_the_window_is_out_of_scope_not_a_breach(case: Case):
    """An extract may reach back before the window: such rows are counted, never staged."""
    case.edit(5, recorded_date="2015-06-01")
    case.stage()
    summary = case.summary()
    assert summary["rows_out_of_scope"] == 1
    assert summary["rows_read"] == (
        summary["rows_used"] + summary["rows_set_aside"] + summary["rows_out_of_scope"]
    )
    assert (case.staged_frame()["recorded_date"] >= "2020-01-01").all()


def test_15b_recorded_date_in_the_future_stops_the_build(case: Case):
    case.edit(5, recorded_date="2099-06-01")
    expect_breach(case, "recorded_date", "expect_column_values_to_be_between")


# --- ages, ids, districts, flags ---------------------------------------------------------------


def test_16_negative_and_150_year_old_ages_are_set_aside(case: Case):
    case.edit(1, victim_age="-3")
    case.edit(2, suspect_age="150")
    case.stage()
    summary = case.summary()
    assert summary["rows_set_aside"] == 2
    assert summary["set_aside_by_reason"] == {
        "expect_column_values_to_be_between (suspect_age)": 1,
        "expect_column_values_to_be_between (victim_age)": 1,
    }
    assert len(case.staged_frame()) == summary["rows_read"] - 2


def test_17_non_numeric_age_is_an_error(case: Case):
    line = case.edit(3, victim_age="about 20")
    expect_input_error(case, "victim_age", f"rows {line}", "not a whole number", "'about 20'")


def test_17b_a_coordinate_that_is_not_a_number_in_range_is_an_error(case: Case):
    line = case.edit(3, longitude="0.52W")
    expect_input_error(case, "longitude", f"rows {line}", "not a number from -180 to 180")
    case.edit(3, longitude="0.52", latitude="151.3")
    expect_input_error(case, "latitude", "not a number from -90 to 90", "'151.3'")


def test_17c_easting_and_northing_under_other_names_are_read(case: Case):
    lines = case.lines()
    header = lines[0].split(",")
    rows = [line.split(",") for line in lines[1:]]
    header[header.index("easting")], header[header.index("northing")] = "Grid X", "Northings"
    rows[0][header.index("Grid X")], rows[0][header.index("Northings")] = "575000", "155000.5"
    case.write_lines([",".join(header), *(",".join(r) for r in rows)])
    case.stage()
    staged = case.staged_frame()
    assert staged["easting"].iloc[0] == 575000 and staged["northing"].iloc[0] == 155000.5
    assert str(staged["easting"].dtype) == "float64" and staged["easting"].iloc[1:].isna().all()


def test_18_duplicated_offence_ids_stop_the_build(case: Case):
    first = case.lines()[1].split(",")[0]
    case.edit(6, offence_id=first)
    breach = expect_breach(case, "offence_id", "expect_column_values_to_be_unique")
    assert "offence_id" in str(breach)


def test_19_district_from_outside_the_area_stops_the_build(case: Case):
    case.edit(7, district_code="E07000106", district_name="Canterbury")
    breach = expect_breach(case, "district_code", "expect_column_values_to_be_in_set")
    assert "9" in str(breach)  # file row 9 is named


def test_20_blank_flags_are_set_aside_and_counted(case: Case):
    case.edit(1, knife_flag="")
    case.edit(2, public_place_flag=" ")
    case.edit(3, knife_flag="", public_place_flag="")
    case.stage()
    summary = case.summary()
    assert summary["rows_set_aside"] == 3
    assert summary["set_aside_by_reason"]["expect_column_values_to_not_be_null (knife_flag)"] == 2


def test_21_yes_no_and_true_flags_are_read(case: Case):
    a = case.edit(0, knife_flag="Y", firearm_flag="N", public_place_flag="YES")
    b = case.edit(1, knife_flag="TRUE", firearm_flag="no", public_place_flag="False")
    case.stage()
    frame = case.staged_frame().set_index("source_row")
    assert frame.loc[a, ["knife_flag", "firearm_flag", "public_place_flag"]].tolist() == [
        True,
        False,
        True,
    ]
    assert frame.loc[b, ["knife_flag", "firearm_flag", "public_place_flag"]].tolist() == [
        True,
        False,
        False,
    ]


def test_22_unknown_flag_word_is_an_error(case: Case):
    line = case.edit(2, knife_flag="maybe")
    expect_input_error(case, "knife_flag", f"rows {line}", "'maybe'")


# --- broken files ----------------------------------------------------------------------------


def test_23_truncated_last_line_is_named(case: Case):
    data = case.offences.read_bytes().rstrip(b"\n")
    cut = data[: data.rfind(b",", 0, len(data) - 40)]
    case.offences.write_bytes(cut)  # the export stopped half way through its last row
    last_line = cut.count(b"\n") + 1
    expect_input_error(case, "offences.csv", f"rows {last_line}", "truncated")


def test_24_blank_lines_are_skipped_and_counted_with_row_numbers_kept(case: Case):
    lines = case.lines()
    lines.insert(3, "")
    lines.append("," * lines[0].count(","))  # a row of empty fields, as many as the header's
    case.write_lines(lines)
    staged = case.stage()
    assert staged.inputs["offences"]["blank_rows_skipped"] == 2
    frame = case.staged_frame()
    assert frame["source_row"].iloc[2] == 5  # after the blank line 4


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)


def csv_rows(case: Case, limit: int = 300) -> list[list[str]]:
    """The extract's header and first rows (an Excel copy of all of it is slow to write)."""
    return [line.split(",") for line in case.lines()[: limit + 1]]


def test_25_excel_with_two_data_sheets_names_them(case: Case):
    rows = csv_rows(case)
    path = case.data / "offences.xlsx"
    write_xlsx(path, {"2023-24": rows, "Copy of 2023-24": rows, "Notes": [["Read me"]]})
    case.set_input("offences", path)
    error = expect_input_error(case, "offences.xlsx", "'2023-24'", "'Copy of 2023-24'", "sheet:")
    assert "Notes" not in str(error)


def test_26_excel_sheet_named_in_config_with_a_title_row_is_read(case: Case):
    rows = csv_rows(case)
    rows[3][1] = "31/02/2024"  # recorded_date, data row 3: sheet row 2 + 1 + 3 = 6
    path = case.data / "offences.xlsx"
    title = [["Violence extract, produced 2 January 2025"], []]
    write_xlsx(path, {"2023-24": title + rows, "Copy": rows})
    case.set_input("offences", path, sheet="2023-24")
    expect_input_error(case, "offences.xlsx", "sheet '2023-24'", "recorded_date", "rows 6")
    rows[3][1] = "2024-01-10"
    write_xlsx(path, {"2023-24": title + rows, "Copy": rows})
    staged = case.stage()
    assert staged.inputs["offences"]["sheet"] == "2023-24"
    assert staged.inputs["offences"]["rows_read"] == len(rows) - 1
    assert case.staged_frame()["source_row"].iloc[0] == 4  # title, blank, header, data


def test_27_png_saved_as_csv_is_refused(case: Case):
    case.offences.write_bytes(PNG_BYTES)
    expect_input_error(case, "offences.csv", "PNG image", "not a CSV")


def test_28_zip_archive_is_refused(case: Case):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("offences.csv", case.offences.read_bytes())
    case.offences.write_bytes(buffer.getvalue())
    expect_input_error(case, "offences.csv", "ZIP archive")


def test_29_zero_byte_population_file(case: Case):
    (case.data / "population.csv").write_bytes(b"")
    expect_input_error(case, "population.csv", "empty (0 bytes)")


def test_30_two_columns_that_could_be_the_same_field(case: Case):
    lines = case.lines()
    lines = [lines[0] + ",District", *(line + ",Ashford" for line in lines[1:])]
    case.write_lines(lines)
    expect_input_error(case, "district_name", "more than one column", "'District'")


# --- the same faults through pipeline.py: a message, a non-zero exit, no traceback -------------

BUILD_FAILURES: dict[str, tuple[Callable[[Case], None], tuple[str, ...]]] = {
    "missing column": (
        lambda c: c.write_lines(
            [c.lines()[0].replace("district_code", "area").replace("district_name", "place")]
            + c.lines()[1:]
        ),
        ("offences.csv", "district_code"),
    ),
    "png": (lambda c: c.offences.write_bytes(PNG_BYTES), ("offences.csv", "PNG image")),
    "truncated": (
        lambda c: c.offences.write_bytes(c.offences.read_bytes().rstrip(b"\n")[:-60]),
        ("offences.csv", "truncated"),
    ),
    "duplicate ids": (
        lambda c: c.edit(6, offence_id=c.lines()[1].split(",")[0]),
        ("offence_id", "expect_column_values_to_be_unique", "step 'contracts'"),
    ),
}


@pytest.mark.parametrize("fault", sorted(BUILD_FAILURES))
def test_31_build_failures_exit_non_zero_without_a_traceback(case: Case, fault: str):
    breaker, needles = BUILD_FAILURES[fault]
    breaker(case)
    before = hashes(case.data)
    case.fails_via_pipeline(*needles)
    assert hashes(case.data) == before
    assert not list((case.dir / "outputs").glob("*/2024"))
