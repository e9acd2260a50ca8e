"""Read partner extracts once into the canonical, typed schema and stage them as Parquet.

Raw inputs are only ever opened for reading. Anything that cannot be read unambiguously is an
``InputError`` naming the file, the column and example rows, never a guess.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sv_assessment.schema import SCHEMAS, Field

# Header variants seen in partner exports, matched after lower-casing and squashing spaces,
# hyphens and underscores. Extend here when a partner renames a column.
COLUMN_ALIASES: dict[str, str] = {
    "crimeid": "offence_id",
    "crimereference": "offence_id",
    "crimeref": "offence_id",
    "offenceid": "offence_id",
    "urn": "offence_id",
    "datereported": "recorded_date",
    "recordeddate": "recorded_date",
    "daterecorded": "recorded_date",
    "occurredat": "occurred_at",
    "occurrencedatetime": "occurred_at",
    "datetimeofoffence": "occurred_at",
    "hocode": "offence_code",
    "homeofficecode": "offence_code",
    "offencecode": "offence_code",
    "hooffencecode": "offence_code",
    "offencedescription": "offence_description",
    "hodescription": "offence_description",
    "offencegroup": "offence_group",
    "knife": "knife_flag",
    "knifeflag": "knife_flag",
    "knifeorsharpinstrument": "knife_flag",
    "firearm": "firearm_flag",
    "firearmflag": "firearm_flag",
    "domesticabuse": "domestic_abuse_flag",
    "domesticabuseflag": "domestic_abuse_flag",
    "daflag": "domestic_abuse_flag",
    "publicplace": "public_place_flag",
    "publicplaceflag": "public_place_flag",
    "districtcode": "district_code",
    "ladcode": "district_code",
    "lad22cd": "district_code",
    "localauthoritycode": "district_code",
    "districtname": "district_name",
    "district": "district_name",
    "ladname": "district_name",
    "lad22nm": "district_name",
    "lsoacode": "lsoa_code",
    "lsoa21cd": "lsoa_code",
    "lsoa": "lsoa_code",
    "victimage": "victim_age",
    "victimsex": "victim_sex",
    "suspectage": "suspect_age",
    "suspectsex": "suspect_sex",
    "offenderage": "suspect_age",
    "offendersex": "suspect_sex",
    "agegroup": "age_band",
    "ageband": "age_band",
    "attendancedate": "attendance_date",
    "arrivaldate": "attendance_date",
    "injurymechanism": "mechanism",
    "mechanism": "mechanism",
}

TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0"})
MAX_EXAMPLES = 5


class InputError(ValueError):
    """An input cannot be read as the canonical schema; the message says where and why."""

    def __init__(self, path: Path, problem: str, column: str | None = None,
                 rows: list[int] | None = None, values: list[str] | None = None) -> None:
        self.path, self.problem, self.column = path, problem, column
        self.rows = rows or []
        where = f"{path}"
        if column:
            where += f", column '{column}'"
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:MAX_EXAMPLES])
            more = f" and {len(self.rows) - MAX_EXAMPLES} more" if len(self.rows) > MAX_EXAMPLES else ""
            where += f", rows {shown}{more}"
        if values:
            where += f" (values: {', '.join(repr(v) for v in values[:MAX_EXAMPLES])})"
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class StagedInput:
    name: str
    kind: str
    source: Path
    parquet: Path
    sha256: str
    rows_read: int


def normalise_header(name: str) -> str:
    return re.sub(r"[\s_\-./()]+", "", str(name).strip().lstrip("\ufeff").lower())


def canonical_column_names(columns: list[str], fields: tuple[Field, ...]) -> dict[str, str]:
    """Map raw headers to canonical names, case- and space-insensitively, via the alias map."""
    wanted = {normalise_header(f.name): f.name for f in fields}
    mapping: dict[str, str] = {}
    for column in columns:
        key = normalise_header(column)
        target = wanted.get(key) or COLUMN_ALIASES.get(key)
        if target and target in {f.name for f in fields} and target not in mapping.values():
            mapping[column] = target
    return mapping


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, or of a folder: each file's relative name and hash, in name order."""
    digest = hashlib.sha256()
    if path.is_dir():
        for item in sorted(p for p in path.rglob("*") if p.is_file()):
            digest.update(f"{item.relative_to(path).as_posix()}\0{file_sha256(item)}\n".encode())
        return digest.hexdigest()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_raw_table(path: Path) -> tuple[pd.DataFrame, int]:
    """Read a CSV as text columns; returns the frame and the file line number of its header."""
    if not path.is_file():
        raise InputError(path, "file not found")
    if path.stat().st_size == 0:
        raise InputError(path, "the file is empty (0 bytes)")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                            engine="pyarrow")
    except Exception as error:  # pyarrow's errors name no file: re-raise with ours
        raise InputError(path, f"cannot be read as CSV: {error}") from error
    return frame, 1


def _rows(mask: pd.Series, header_line: int) -> list[int]:
    """File line numbers (1-based, counting the header) of the rows where mask is true."""
    return [int(i) + header_line + 1 for i in mask[mask].index[: MAX_EXAMPLES + 1]]


def _parse_dates(values: pd.Series, column: str, path: Path, header_line: int,
                 with_time: bool) -> pd.Series:
    text = values.str.strip()
    present = text != ""
    formats = ["%Y-%m-%d", "%d/%m/%Y"]
    if with_time:
        formats = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S",
                   "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", *formats]
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for fmt in formats:
        todo = present & parsed.isna()
        if not todo.any():
            break
        parsed[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
    bad = present & parsed.isna()
    if bad.any():
        raise InputError(path, "not a valid date (expected YYYY-MM-DD or DD/MM/YYYY)", column,
                         _rows(bad, header_line), text[bad].head(MAX_EXAMPLES).tolist())
    return parsed


def _parse_flags(values: pd.Series, column: str, path: Path, header_line: int) -> pd.Series:
    text = values.str.strip().str.lower()
    result = pd.Series(pd.NA, index=values.index, dtype="boolean")
    result[text.isin(TRUE_WORDS)] = True
    result[text.isin(FALSE_WORDS)] = False
    bad = (text != "") & result.isna()
    if bad.any():
        raise InputError(path, "not a yes/no flag (expected true/false, yes/no, y/n or 1/0)",
                         column, _rows(bad, header_line), values[bad].head(MAX_EXAMPLES).tolist())
    return result


def _parse_integers(values: pd.Series, column: str, path: Path, header_line: int) -> pd.Series:
    text = values.str.strip().str.replace(",", "", regex=False)
    numbers = pd.to_numeric(text.where(text != ""), errors="coerce")
    bad = (text != "") & (numbers.isna() | (numbers.round() != numbers))
    if bad.any():
        raise InputError(path, "not a whole number", column, _rows(bad, header_line),
                         values[bad].head(MAX_EXAMPLES).tolist())
    return numbers.astype("Int64")


def to_canonical(raw: pd.DataFrame, kind: str, path: Path, header_line: int = 1) -> pd.DataFrame:
    """Rename, check and type a text frame into the canonical schema for its kind."""
    fields = SCHEMAS[kind]
    mapping = canonical_column_names(list(raw.columns), fields)
    renamed = raw.rename(columns=mapping)
    missing = [f.name for f in fields if f.required and f.name not in renamed.columns]
    if missing:
        raise InputError(path, f"required column missing (found: {', '.join(map(str, raw.columns))})",
                         ", ".join(missing))
    typed = pd.DataFrame(index=renamed.index)
    for f in fields:
        if f.name not in renamed.columns:
            typed[f.name] = pd.Series(pd.NA, index=renamed.index, dtype=f.dtype)
            continue
        values = renamed[f.name].astype("string").fillna("")
        if f.dtype.startswith("datetime"):
            typed[f.name] = _parse_dates(values, f.name, path, header_line,
                                         with_time=f.name.endswith("_at"))
        elif f.dtype == "boolean":
            typed[f.name] = _parse_flags(values, f.name, path, header_line)
        elif f.dtype == "Int64":
            typed[f.name] = _parse_integers(values, f.name, path, header_line)
        else:
            stripped = values.str.strip()
            typed[f.name] = stripped.where(stripped != "").astype("string")
    typed["source_row"] = (typed.index.to_numpy() + header_line + 1).astype("int64")
    return typed.reset_index(drop=True)


def read_input(path: Path, kind: str) -> pd.DataFrame:
    raw, header_line = read_raw_table(path)
    return to_canonical(raw, kind, path, header_line)


def stage_input(name: str, kind: str, source: Path, staged_dir: Path) -> StagedInput:
    """Read one input and write it as typed Parquet; the source file is never written."""
    frame = read_input(source, kind)
    staged_dir.mkdir(parents=True, exist_ok=True)
    target = staged_dir / f"{name}.parquet"
    frame.to_parquet(target, index=False)
    return StagedInput(name, kind, source, target, file_sha256(source), len(frame))
