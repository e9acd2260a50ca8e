"""The assessment config file as written: a strict, typed schema (pydantic) for the YAML.

Every key is declared here; an unknown key, a wrong type, a value outside the allowed ones or a
setting out of range is refused with the file, the line, the key and what is allowed, so a
misspelt ``minimum_cont: 10`` can never leave a default silently in force. Long because every
section's schema is here, in the order the file is written, so it reads as the config does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

SourceName = Literal["partner", "police_uk"]
InputKind = Literal[
    "police_offences",
    "population",
    "ae_attendances",
    "police_uk_street",
    "deprivation",
    "previous_tables",
    "boundaries",
    "hospital_admissions",
    "ambulance_callouts",
    "school_exclusions",
    "youth_justice",
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class ContactFile(Strict):
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None


class AssessmentFile(Strict):
    area_name: str = Field(min_length=1)
    partnership: str | None = None
    # Whole numbers as numbers: a quoted "2024" is refused, not quietly converted.
    assessment_year: Annotated[int, Field(ge=2000, le=2100, strict=True)]
    years_covered: Annotated[int, Field(ge=1, le=20, strict=True)] = 5
    synthetic_data: bool = False
    # How a reader asks for another format: a line of text, or the parts of an address.
    contact: str | ContactFile | None = None


class SeriousViolenceFile(Strict):
    offence_groups: tuple[str, ...] = ()
    include_knife_or_sharp_instrument: bool = True
    include_firearm: bool = True
    include_possession_of_weapons: bool = False
    public_place_only: bool = True
    exclude_domestic_abuse: bool = True
    age_under: Annotated[int, Field(ge=1, le=120, strict=True)] | None = 25

    @field_validator("offence_groups")
    @classmethod
    def _known_groups(cls, groups: tuple[str, ...]) -> tuple[str, ...]:
        """Each group as the data spells it: one in another case would match no offence."""
        from sv_assessment.schema import OFFENCE_GROUPS

        by_case = {g.lower(): g for g in OFFENCE_GROUPS}
        for group in groups:
            if group not in OFFENCE_GROUPS:
                hint = (
                    f" (did you mean {by_case[group.lower()]!r}?)"
                    if group.lower() in by_case
                    else ""
                )
                raise ValueError(
                    f"{group!r} is not an offence group{hint}; allowed: "
                    + ", ".join(repr(g) for g in OFFENCE_GROUPS)
                )
        return groups


class DisclosureFile(Strict):
    # A threshold below 2 would publish every count of 1: refused rather than taken.
    minimum_count: Annotated[int, Field(ge=2, le=100, strict=True)] = 5
    # Zeros shown as 0 (a true zero discloses no one); false hides them as [c] with the rest.
    show_zeros: bool = True
    # How wide a hidden cell's feasible interval must stay (analysis/suppression_audit.py):
    # "range" (default) or "width" (the interval spans at least the threshold).
    protection: Literal["range", "width"] = "range"
    # Shown counts rounded to a multiple of this, e.g. 5 as NHS and ONS sub-national tables do
    # (controlled rounding: each table's totals still add up to its parts as shown); 0: exact.
    rounding: Literal[0, 2, 3, 4, 5, 10, 20, 50, 100] = 0


CodeKey = str | bool | int | float  # YAML reads unquoted yes/no as booleans, 1 as a number


class InputFile(Strict):
    path: str = Field(min_length=1)
    kind: InputKind
    optional: bool = False
    sheet: str | None = None  # the worksheet of an Excel workbook with more than one
    # The share of rows one data-contract check may set aside before the build stops.
    set_aside_ceiling: Annotated[float, Field(ge=0, le=1)] = 0.02
    # An extract as it comes (ingest.mapping): their header -> our field; per field, their
    # code -> our value; per date field, their date format; the ONS LSOA -> district lookup.
    columns: dict[str, str] = {}
    values: dict[str, dict[CodeKey | None, str | bool | int | None]] = {}
    date_format: dict[str, str] = {}
    lsoa_lookup: str | None = None

    @field_validator("columns")
    @classmethod
    def _columns_name_fields(cls, columns: dict[str, str], info: ValidationInfo):
        fields = _mappable_fields(info.data.get("kind"))
        for header, target in columns.items():
            if fields and target not in fields:
                raise ValueError(
                    f"{header!r} is mapped to {target!r}, which is not a field of this input "
                    f"(fields: {', '.join(sorted(fields))})"
                )
        targets = list(columns.values())
        repeated = sorted({t for t in targets if targets.count(t) > 1})
        if repeated:
            raise ValueError(f"more than one column is mapped to {', '.join(repeated)}")
        return columns

    @field_validator("values")
    @classmethod
    def _values_name_fields(cls, values: dict, info: ValidationInfo):
        fields = _mappable_fields(info.data.get("kind"))
        unknown = sorted(name for name in values if fields and name not in fields)
        if unknown:
            raise ValueError(
                f"{', '.join(unknown)}: not a field of this input "
                f"(fields: {', '.join(sorted(fields))})"
            )
        return values

    @field_validator("date_format")
    @classmethod
    def _date_formats(cls, formats: dict[str, str], info: ValidationInfo):
        dates = _mappable_fields(info.data.get("kind"), dates_only=True)
        for name, fmt in formats.items():
            if dates and name not in dates:
                raise ValueError(f"{name} is not a date field (date fields: {', '.join(dates)})")
            if "%" not in fmt:
                raise ValueError(f"{name}: {fmt!r} is not a date format such as '%d.%m.%Y'")
        return formats


def _mappable_fields(kind: str | None, dates_only: bool = False) -> list[str]:
    """The fields a mapping may name for an input kind (schema fields and helper fields)."""
    from sv_assessment.schema import SCHEMAS

    if kind not in SCHEMAS:
        return []
    fields = [f.name for f in SCHEMAS[kind] if not dates_only or f.dtype.startswith("datetime")]
    if kind == "police_offences" and not dates_only:
        fields.append("lsoa_name")  # used to derive the district (ingest.mapping)
    return fields


class DistrictFile(Strict):
    code: str = Field(min_length=1)
    name: str = Field(min_length=1)
    population: Annotated[int, Field(gt=0)]
    # Other names the district goes by in source data, e.g. a former name in LSOA names.
    aliases: tuple[str, ...] = ()
    # A two-tier district's county council (E10000016 for Kent): data published by it (schools,
    # youth justice) are matched to its districts.
    upper_tier: str | None = Field(default=None, pattern=r"^[EWSN]\d{8}$")


class DemoFile(Strict):
    """The seeded synthetic inputs, for the demo configurations only."""

    generate_if_missing: bool = False
    seed: int = 1
    offences_per_year: Annotated[int, Field(gt=0)] = 50_000
    # data.police.uk demo files: the first and last month, and the neighbours in the files.
    months: tuple[str, str] | None = None
    crimes_per_1000_per_month: Annotated[float, Field(gt=0)] = 7.5
    neighbouring_districts: tuple[str, ...] = ()


class PoliceUkFile(Strict):
    force: str = Field(min_length=1)  # as in the file names: 2024-01-kent-street.csv
    force_name: str | None = None  # as in the files' "Falls within" column
    focus_crime_types: tuple[str, ...] | None = None
    districts: tuple[str, ...] | None = None  # assess only these, each by name or ONS code
    # A month of the assessment window with no file (or a file with no rows): warn and show it
    # as missing, or stop the build.
    missing_months: Literal["warn", "stop"] = "warn"


class EditionsFile(Strict):
    """Editions (``pipeline.py editions``): the area's assessment and one per place."""

    districts: bool = True  # one edition for each district
    # Named groups of districts, each an edition of its own: name -> districts (name or code).
    groups: dict[str, tuple[str, ...]] = {}


class ConfigFile(Strict):
    source: SourceName = "partner"
    assessment: AssessmentFile
    serious_violence: SeriousViolenceFile | None = None
    disclosure: DisclosureFile = DisclosureFile()
    inputs: dict[str, InputFile]
    districts: tuple[DistrictFile, ...] = Field(min_length=1)
    demo: DemoFile = DemoFile()
    police_uk: PoliceUkFile | None = None
    editions: EditionsFile = EditionsFile()

    @model_validator(mode="after")
    def _source_settings(self) -> ConfigFile:
        if self.source == "partner" and self.serious_violence is None:
            raise ValueError("a partner-data assessment needs 'serious_violence'")
        if self.source == "police_uk" and self.police_uk is None:
            raise ValueError("'source: police_uk' needs a 'police_uk' section")
        if self.source == "partner" and self.disclosure.rounding:
            raise ValueError("disclosure.rounding works for open-data assessments only so far")
        return self


class ConfigError(ValueError):
    """The assessment config is missing, unreadable or inconsistent."""


def key_lines(text: str) -> dict[tuple, int]:
    """Each key path in a YAML document (e.g. ``("inputs", "offences", "kind")`` or
    ``("districts", 3)``) with the line it is on, counted from 1."""
    lines: dict[tuple, int] = {}

    def walk(node: yaml.Node, path: tuple) -> None:
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                lines[(*path, key.value)] = key.start_mark.line + 1
                walk(value, (*path, key.value))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, (*path, index))

    root = yaml.compose(text)
    if root is not None:
        walk(root, ())
    return lines


def _where(loc: tuple, lines: dict[tuple, int]) -> str:
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return f"line {lines[loc[:end]]}"
    return "line ?"


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """The keys allowed where an unknown key was found (for the message)."""
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        if field is None:
            break
        inner = _model_in(field.annotation)
        if inner is None:
            return []
        model = inner
    return sorted(model.model_fields)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def describe_errors(error: ValidationError, path: Path, text: str) -> str:
    """One line per problem: where it is, which key, what is wrong and what is allowed."""
    lines = key_lines(text)
    problems = []
    for item in error.errors():
        loc = tuple(item["loc"])
        key = ".".join(str(p) for p in loc) or "(top level)"
        if item["type"] == "extra_forbidden":
            allowed = ", ".join(_allowed_keys(ConfigFile, loc))
            problems.append(
                f"  {path}, {_where(loc, lines)}: '{key}' is not a setting"
                + (f" (allowed here: {allowed})" if allowed else "")
            )
        elif item["type"] == "missing":
            problems.append(f"  {path}, {_where(loc[:-1], lines)}: '{key}' is required")
        else:
            got = item.get("input")
            shown = f" (got {got!r})" if not isinstance(got, dict | list) else ""
            problems.append(f"  {path}, {_where(loc, lines)}: '{key}': {item['msg']}{shown}")
    return f"config {path} has {len(problems)} problem(s):\n" + "\n".join(problems)


def read_config_file(path: Path) -> ConfigFile:
    """Read and validate a config file; raises ConfigError naming each problem's line."""
    if not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    text = path.read_text(encoding="utf-8")
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConfigError(f"config {path} is not valid YAML: {error}") from error
    if not isinstance(raw, dict):
        raise ConfigError(f"config {path} must be a YAML mapping of settings")
    return validate_document(raw, path, text)


def validate_document(raw: dict, path: Path, text: str | None = None) -> ConfigFile:
    try:
        return ConfigFile.model_validate(raw)
    except ValidationError as error:
        text = text if text is not None else yaml.safe_dump(raw, sort_keys=False)
        raise ConfigError(describe_errors(error, path, text)) from None
