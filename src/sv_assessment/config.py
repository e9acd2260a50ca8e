"""One YAML file per assessment, read once into a typed, immutable config."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONFIG = PROJECT_ROOT / "config" / "kent_medway.yml"


class ConfigError(ValueError):
    """The assessment config is missing, unreadable or inconsistent."""


@dataclass(frozen=True)
class District:
    code: str
    name: str
    population: int
    # Other names the district goes by in source data, e.g. a former name in LSOA names.
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class InputSpec:
    name: str
    path: Path
    kind: str
    optional: bool = False


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
    demo: dict[str, Any] = field(default_factory=dict)
    # Where the offences come from: "partner" (a police extract) or "police_uk" (the open
    # street-level files from data.police.uk, settings in ``police_uk``).
    source: str = "partner"
    police_uk: PoliceUkSettings | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

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
        raw = json.loads(json.dumps(self.raw))
        raw["assessment"]["assessment_year"] = int(year)
        return parse_config(raw, self.path)

    def fingerprint(self) -> str:
        """A stable hash of what the config says, for cache keys and the run record."""
        return hashlib.sha256(json.dumps(self.raw, sort_keys=True).encode()).hexdigest()

    def summary(self) -> dict[str, Any]:
        return {
            "config": str(self.path),
            "area": self.area_name,
            "assessment_year": self.assessment_year,
            "years": self.years,
            "districts": len(self.districts),
            "minimum_count": self.minimum_count,
            "serious_violence": asdict(self.serious_violence),
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


def _require(mapping: dict[str, Any], key: str, where: str) -> Any:
    if key not in mapping:
        raise ConfigError(f"config: '{where}' needs the key '{key}'")
    return mapping[key]


def parse_config(raw: dict[str, Any], path: Path) -> AssessmentConfig:
    assessment = _require(raw, "assessment", "top level")
    source = str(raw.get("source", "partner"))
    if source not in SOURCES:
        raise ConfigError(
            f"config {path}: 'source' must be one of {', '.join(SOURCES)}, not {source!r}"
        )
    # An open-data assessment has no local definition of serious violence to apply.
    sv = (
        (raw.get("serious_violence") or {})
        if source == "police_uk"
        else _require(raw, "serious_violence", "top level")
    )
    districts = tuple(
        District(
            str(_require(d, "code", "districts")),
            str(_require(d, "name", "districts")),
            int(_require(d, "population", "districts")),
            tuple(str(a) for a in d.get("aliases", ())),
        )
        for d in _require(raw, "districts", "top level")
    )
    if source == "police_uk" and (raw.get("police_uk") or {}).get("districts"):
        districts = _select_districts(districts, raw["police_uk"]["districts"], path)
    if not districts:
        raise ConfigError(f"config {path}: 'districts' is empty")
    codes = [d.code for d in districts]
    if len(set(codes)) != len(codes):
        raise ConfigError(f"config {path}: district codes repeat: {sorted(codes)}")
    inputs = {
        name: InputSpec(
            name=name,
            path=(PROJECT_ROOT / spec["path"]).resolve(),
            kind=str(_require(spec, "kind", f"inputs.{name}")),
            optional=bool(spec.get("optional", False)),
        )
        for name, spec in _require(raw, "inputs", "top level").items()
    }
    police_uk = _police_uk_settings(raw, path) if source == "police_uk" else None
    if police_uk and not any(spec.kind == "police_uk_street" for spec in inputs.values()):
        raise ConfigError(
            f"config {path}: 'source: police_uk' needs an input of kind police_uk_street"
        )
    return AssessmentConfig(
        path=path,
        area_name=str(_require(assessment, "area_name", "assessment")),
        partnership=str(assessment.get("partnership", assessment["area_name"])),
        assessment_year=int(_require(assessment, "assessment_year", "assessment")),
        years_covered=int(assessment.get("years_covered", 5)),
        synthetic_data=bool(assessment.get("synthetic_data", False)),
        serious_violence=SeriousViolenceDefinition(
            offence_groups=tuple(sv.get("offence_groups", ())),
            include_knife_or_sharp_instrument=bool(
                sv.get("include_knife_or_sharp_instrument", True)
            ),
            include_firearm=bool(sv.get("include_firearm", True)),
            include_possession_of_weapons=bool(sv.get("include_possession_of_weapons", False)),
            public_place_only=bool(sv.get("public_place_only", True)),
            exclude_domestic_abuse=bool(sv.get("exclude_domestic_abuse", True)),
            age_under=sv.get("age_under", 25),
        ),
        minimum_count=int(raw.get("disclosure", {}).get("minimum_count", 5)),
        inputs=inputs,
        districts=districts,
        demo=dict(raw.get("demo") or {}),
        source=source,
        police_uk=police_uk,
        raw=raw,
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


def _police_uk_settings(raw: dict[str, Any], path: Path) -> PoliceUkSettings:
    settings = _require(raw, "police_uk", "top level (source: police_uk)")
    force = str(_require(settings, "force", "police_uk")).strip().lower()
    focus = tuple(settings.get("focus_crime_types") or POLICE_UK_FOCUS_CRIME_TYPES)
    return PoliceUkSettings(
        force=force, force_name=str(settings.get("force_name", force)), focus_crime_types=focus
    )


def load_config(path: str | Path | None = None, year: int | None = None) -> AssessmentConfig:
    """Read the assessment config; relative paths resolve from the project root."""
    config_path = Path(path) if path else DEFAULT_CONFIG
    if not config_path.is_absolute():
        config_path = (PROJECT_ROOT / config_path).resolve()
    if not config_path.is_file():
        raise ConfigError(f"config file not found: {config_path}")
    try:
        raw = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ConfigError(f"config {config_path} is not valid YAML: {error}") from error
    if not isinstance(raw, dict):
        raise ConfigError(f"config {config_path} must be a YAML mapping")
    return parse_config(raw, config_path).with_year(year)
