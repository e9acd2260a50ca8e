"""One YAML file per assessment, read once into a typed, immutable config.

``config_file`` holds the strict schema of the file as written; this module turns a valid file
into the ``AssessmentConfig`` every stage is given (paths resolved, districts chosen, defaults
filled in).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from sv_assessment.config_file import (
    ConfigError,
    ConfigFile,
    DemoFile,
    read_config_file,
    validate_document,
)
from sv_assessment.paths import DEFAULT_CONFIG, PROJECT_ROOT

__all__ = ["ConfigError", "AssessmentConfig", "District", "load_config", "parse_config"]


@dataclass(frozen=True)
class District:
    code: str
    name: str
    population: int
    # Other names the district goes by in source data, e.g. a former name in LSOA names.
    aliases: tuple[str, ...] = ()
    upper_tier: str | None = None  # the county council's ONS code, for a two-tier district


@dataclass(frozen=True)
class InputSpec:
    name: str
    path: Path
    kind: str
    optional: bool = False
    sheet: str | None = None
    set_aside_ceiling: float = 0.02  # share of rows one warning check may set aside
    # The extract's own headers, codes and date formats (see ingest.mapping).
    columns: dict[str, str] = field(default_factory=dict, compare=False)
    values: dict[str, dict] = field(default_factory=dict, compare=False)
    date_format: dict[str, str] = field(default_factory=dict, compare=False)
    lsoa_lookup: Path | None = None


@dataclass(frozen=True)
class SeriousViolenceDefinition:
    offence_groups: tuple[str, ...]
    include_knife_or_sharp_instrument: bool = True
    include_firearm: bool = True
    include_possession_of_weapons: bool = False
    public_place_only: bool = True
    exclude_domestic_abuse: bool = True
    age_under: int | None = 25


SOURCES = ("partner", "police_uk")
POLICE_UK_FOCUS_CRIME_TYPES = ("Violence and sexual offences", "Possession of weapons", "Robbery")


@dataclass(frozen=True)
class PoliceUkSettings:
    """The open-data assessment: which force's files, and which crime types it is about."""

    force: str  # the force as in the file names, e.g. "kent" in 2024-01-kent-street.csv
    force_name: str  # as in the files' "Falls within" column, e.g. "Kent Police"
    focus_crime_types: tuple[str, ...] = POLICE_UK_FOCUS_CRIME_TYPES
    # The force_name the config gives (None: check rows against the files' own commonest name).
    falls_within: str | None = None
    missing_months: str = "warn"  # or "stop": a month of the window with nothing published


@dataclass(frozen=True)
class AssessmentConfig:
    path: Path
    area_name: str
    partnership: str
    assessment_year: int
    years_covered: int
    synthetic_data: bool
    serious_violence: SeriousViolenceDefinition
    minimum_count: int
    inputs: dict[str, InputSpec]
    districts: tuple[District, ...]
    demo: DemoFile = field(default_factory=DemoFile)
    # Where the offences come from: "partner" (a police extract) or "police_uk" (the open
    # street-level files from data.police.uk, settings in ``police_uk``).
    source: str = "partner"
    police_uk: PoliceUkSettings | None = None
    # Disclosure control beyond the threshold (see analysis/disclosure.py).
    show_zeros: bool = True
    protection: str = "range"
    rounding: int = 0  # shown counts rounded to a multiple of this (0: exact)
    # The file as validated: the one record of what the config says (run record, cache keys).
    document: ConfigFile | None = field(default=None, repr=False, compare=False)

    @property
    def first_year(self) -> int:
        return self.assessment_year - self.years_covered + 1

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.assessment_year + 1))

    @property
    def district_codes(self) -> list[str]:
        return [d.code for d in self.districts]

    @property
    def district_names(self) -> dict[str, str]:
        return {d.code: d.name for d in self.districts}

    def with_year(self, year: int | None) -> AssessmentConfig:
        if year is None or year == self.assessment_year:
            return self
        document = self.document.model_copy(
            update={
                "assessment": self.document.assessment.model_copy(
                    update={"assessment_year": int(year)}
                )
            }
        )
        return from_document(document, self.path)

    def place_groups(self) -> dict[str, tuple[District, ...]]:
        """The config's named groups of districts (``editions.groups``), each resolved."""
        lookup = self.district_by_name_or_code()
        groups = {}
        for name, members in (self.document.editions.groups if self.document else {}).items():
            unknown = [m for m in members if str(m).strip().lower() not in lookup]
            if unknown:
                raise ConfigError(
                    f"config {self.path}: editions.groups.{name}: {unknown} are not districts "
                    f"of the area (give each by name or ONS code)"
                )
            codes = {lookup[str(m).strip().lower()].code for m in members}
            groups[name] = tuple(d for d in self.districts if d.code in codes)
        return groups

    def for_place(self, district: str | None) -> AssessmentConfig:
        """The assessment narrowed to one district (by name, ONS code or alias) or to a group
        named in ``editions.groups``: every chapter then counts, ranks and charts that place."""
        if district is None or not str(district).strip():
            return self
        wanted = str(district).strip()
        groups = {name.lower(): (name, members) for name, members in self.place_groups().items()}
        if wanted.lower() in groups:
            name, members = groups[wanted.lower()]
            return replace(self, districts=members, area_name=name)
        chosen = self.district_by_name_or_code().get(wanted.lower())
        if chosen is None:
            raise ConfigError(
                f"config {self.path}: district {district!r} is not one of the configured "
                f"districts ({', '.join(d.name for d in self.districts)}) or groups; give its "
                "name or ONS code"
            )
        return replace(self, districts=(chosen,), area_name=chosen.name)

    def absent_demo_inputs(self) -> list[InputSpec]:
        """Absent inputs a demo build makes: every required one, and the partner data (made
        even beside an existing demo extract)."""
        from sv_assessment.schema import PARTNER_KINDS

        return [
            s
            for s in self.inputs.values()
            if not s.path.exists() and (not s.optional or s.kind in PARTNER_KINDS)
        ]

    def as_dict(self) -> dict[str, Any]:
        """What the config says, as plain data (for the run record and for writing a copy)."""
        return self.document.model_dump(mode="json", exclude_defaults=False)

    def fingerprint(self) -> str:
        """A stable hash of what the config says, for cache keys and the run record."""
        return hashlib.sha256(json.dumps(self.as_dict(), sort_keys=True).encode()).hexdigest()

    def summary(self) -> dict[str, Any]:
        """The settings that shaped the numbers. An open-data build applies no local definition
        of serious violence, so it records its crime types, not the partner definition."""
        applied = (
            {"police_uk": asdict(self.police_uk)}
            if self.source == "police_uk" and self.police_uk
            else {"serious_violence": asdict(self.serious_violence)}
        )
        return {
            "config": str(self.path),
            "area": self.area_name,
            "assessment_year": self.assessment_year,
            "years": self.years,
            "districts": len(self.districts),
            "minimum_count": self.minimum_count,
            "rounding": self.rounding,
            **applied,
            "synthetic_data": self.synthetic_data,
            "source": self.source,
        }

    def district_by_name_or_code(self) -> dict[str, District]:
        """Each configured district under its code, its name and its aliases (lower case)."""
        lookup: dict[str, District] = {}
        for district in self.districts:
            for key in (district.code, district.name, *district.aliases):
                lookup[key.strip().lower()] = district
        return lookup


def parse_config(raw: dict[str, Any], path: Path) -> AssessmentConfig:
    """A config from an already-read YAML mapping (``path`` names it in messages)."""
    return from_document(validate_document(raw, path), path)


def from_document(document: ConfigFile, path: Path) -> AssessmentConfig:
    assessment = document.assessment
    # An open-data assessment has no local definition of serious violence to apply.
    sv = document.serious_violence
    districts = tuple(
        District(d.code, d.name, d.population, tuple(d.aliases), d.upper_tier)
        for d in document.districts
    )
    if document.source == "police_uk" and document.police_uk.districts:
        districts = _select_districts(districts, list(document.police_uk.districts), path)
    codes = [d.code for d in districts]
    if len(set(codes)) != len(codes):
        raise ConfigError(f"config {path}: district codes repeat: {sorted(codes)}")
    inputs = {
        name: InputSpec(
            name=name,
            path=(PROJECT_ROOT / spec.path).resolve(),
            kind=spec.kind,
            optional=spec.optional,
            sheet=spec.sheet,
            set_aside_ceiling=spec.set_aside_ceiling,
            columns=dict(spec.columns),
            values={name: dict(table) for name, table in spec.values.items()},
            date_format=dict(spec.date_format),
            lsoa_lookup=(PROJECT_ROOT / spec.lsoa_lookup).resolve() if spec.lsoa_lookup else None,
        )
        for name, spec in document.inputs.items()
    }
    police_uk = _police_uk_settings(document) if document.source == "police_uk" else None
    if police_uk and not any(spec.kind == "police_uk_street" for spec in inputs.values()):
        raise ConfigError(
            f"config {path}: 'source: police_uk' needs an input of kind police_uk_street"
        )
    return AssessmentConfig(
        path=path,
        area_name=assessment.area_name,
        partnership=assessment.partnership or assessment.area_name,
        assessment_year=assessment.assessment_year,
        years_covered=assessment.years_covered,
        synthetic_data=assessment.synthetic_data,
        serious_violence=SeriousViolenceDefinition(
            offence_groups=tuple(sv.offence_groups) if sv else (),
            include_knife_or_sharp_instrument=sv.include_knife_or_sharp_instrument if sv else True,
            include_firearm=sv.include_firearm if sv else True,
            include_possession_of_weapons=sv.include_possession_of_weapons if sv else False,
            public_place_only=sv.public_place_only if sv else True,
            exclude_domestic_abuse=sv.exclude_domestic_abuse if sv else True,
            age_under=sv.age_under if sv else 25,
        ),
        minimum_count=document.disclosure.minimum_count,
        inputs=inputs,
        districts=districts,
        demo=document.demo,
        source=document.source,
        police_uk=police_uk,
        show_zeros=document.disclosure.show_zeros,
        protection=document.disclosure.protection,
        rounding=document.disclosure.rounding,
        document=document,
    )


def _select_districts(
    districts: tuple[District, ...], wanted: list[Any], path: Path
) -> tuple[District, ...]:
    """The districts ``police_uk.districts`` names, each by name or ONS code, in config order."""
    lookup = {key.lower(): d for d in districts for key in (d.code, d.name, *d.aliases)}
    unknown = [str(w) for w in wanted if str(w).strip().lower() not in lookup]
    if unknown:
        raise ConfigError(
            f"config {path}: police_uk.districts {unknown} are not in 'districts' "
            f"(give each by name or ONS code)"
        )
    chosen = {lookup[str(w).strip().lower()].code for w in wanted}
    return tuple(d for d in districts if d.code in chosen)


def _police_uk_settings(document: ConfigFile) -> PoliceUkSettings:
    settings = document.police_uk
    force = settings.force.strip().lower()
    return PoliceUkSettings(
        force=force,
        force_name=settings.force_name or force,
        focus_crime_types=tuple(settings.focus_crime_types or POLICE_UK_FOCUS_CRIME_TYPES),
        falls_within=settings.force_name,
        missing_months=settings.missing_months,
    )


def load_config(path: str | Path | None = None, year: int | None = None) -> AssessmentConfig:
    """Read the assessment config; relative paths resolve from the project root."""
    config_path = Path(path) if path else DEFAULT_CONFIG
    if not config_path.is_absolute():
        config_path = (PROJECT_ROOT / config_path).resolve()
    return from_document(read_config_file(config_path), config_path).with_year(year)
