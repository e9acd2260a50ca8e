"""An extract as it comes: the config's mapping from a partner's headers and codes to ours.

Each input in the config may say, beside its path:

- ``columns:`` their header -> our field (``"Crime Number": offence_id``);
- ``values:`` per field, their code -> our value (``knife_flag: {"K": true, "": false}``);
- ``date_format:`` a ``strptime`` format for their dates, per field
  (``{recorded_date: "%d.%m.%Y"}``);
- ``lsoa_lookup:`` the ONS LSOA (2021) -> local authority lookup file, to derive districts.

A mapped header that is not in the file is an error naming the config line and listing the
headers the file has. Columns nothing maps are never read into the staged data, so they can
never be published.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from sv_assessment.ingest.columns import normalise_header
from sv_assessment.ingest.errors import InputError

# Fields outside the canonical schema that a derivation can use, by input kind.
HELPER_FIELDS: dict[str, frozenset[str]] = {"police_offences": frozenset({"lsoa_name"})}
HELPER_ALIASES = {"lsoaname": "lsoa_name", "lsoa21nm": "lsoa_name"}

# What each derivable field can be made from: any one of the sets of fields, where "lookup"
# stands for the config's lsoa_lookup file.
DERIVABLE_FROM: dict[str, tuple[frozenset[str], ...]] = {
    "offence_group": (frozenset({"offence_code"}),),
    "offence_description": (frozenset({"offence_code"}),),
    "district_code": (
        frozenset({"lsoa_code", "lookup"}),
        frozenset({"lsoa_name"}),
        frozenset({"district_name"}),
    ),
    "district_name": (
        frozenset({"district_code"}),
        frozenset({"lsoa_code", "lookup"}),
        frozenset({"lsoa_name"}),
    ),
}

# How YAML reads unquoted yes/no/on/off keys: as booleans. A key ``Yes:`` means the text "Yes".
_BOOLEAN_KEY_WORDS = {True: ("true", "yes", "on"), False: ("false", "no", "off")}


@dataclass(frozen=True)
class ExtractMapping:
    """How to read one input of one assessment: the config's mapping, and where it is written."""

    kind: str = "police_offences"
    input_name: str = ""
    columns: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Mapping[Any, Any]] = field(default_factory=dict)
    date_formats: Mapping[str, str] = field(default_factory=dict)
    lsoa_lookup: Path | None = None
    config_path: Path | None = None
    districts: tuple = ()  # the assessment's districts (config.District), for derivations

    @property
    def is_plain(self) -> bool:
        """No mapping at all: the file is in our schema (or its known aliases)."""
        return not (self.columns or self.values or self.date_formats or self.lsoa_lookup)

    @property
    def helper_fields(self) -> frozenset[str]:
        return HELPER_FIELDS.get(self.kind, frozenset())

    @cached_property
    def header_targets(self) -> dict[str, str]:
        """Normalised header -> our field: the config's columns, then helper-field aliases."""
        targets = {k: v for k, v in HELPER_ALIASES.items() if v in self.helper_fields}
        targets.update({normalise_header(h): target for h, target in self.columns.items()})
        return targets

    def derivable(self, name: str, present: set[str]) -> bool:
        """Whether a missing field can be derived from the fields present."""
        have = set(present) | ({"lookup"} if self.lsoa_lookup else set())
        return any(need <= have for need in DERIVABLE_FROM.get(name, ()))

    def where(self, *keys: Any) -> str:
        """'config <file>, line N (inputs.<name>.<keys>)' for an error message."""
        path = ("inputs", self.input_name, *keys)
        shown = ".".join(str(k) for k in path)
        if self.config_path is None or not Path(self.config_path).is_file():
            return f"config key {shown}"
        from sv_assessment.config_file import key_lines

        lines = key_lines(Path(self.config_path).read_text(encoding="utf-8"))
        for end in range(len(path), 0, -1):
            if path[:end] in lines:
                return f"config {self.config_path}, line {lines[path[:end]]} ({shown})"
        return f"config {self.config_path} ({shown})"

    def names_any(self, headers: list[str]) -> bool:
        """Whether any header is one the config maps (so this row is meant as the header)."""
        present = {normalise_header(h) for h in headers}
        return any(normalise_header(h) in present for h in self.columns)

    def check_headers(self, headers: list[str], path: Path, sheet: str | None = None) -> None:
        """Every header the config maps must be in the file; else list the headers it has."""
        present = {normalise_header(h) for h in headers}
        for header in self.columns:
            if normalise_header(header) not in present:
                shown = ", ".join(repr(h) for h in headers if str(h).strip())
                raise InputError(
                    path,
                    f"the config maps a column {header!r} but the file has no such header "
                    f"({self.where('columns', header)}); the headers in the file are: {shown}",
                    sheet=sheet,
                )

    def date_format(self, name: str) -> str | None:
        return self.date_formats.get(name)

    def value_table(self, name: str) -> dict[str, Any] | None:
        """Their code (trimmed, case-folded) -> our value, for one field, or None."""
        table = self.values.get(name)
        if not table:
            return None
        lookup: dict[str, Any] = {}
        for key, value in table.items():
            words = _BOOLEAN_KEY_WORDS[key] if isinstance(key, bool) else (_key_text(key),)
            for word in words:
                lookup[word.strip().casefold()] = value
        return lookup


def _key_text(key: Any) -> str:
    if key is None:
        return ""
    if isinstance(key, float) and key.is_integer():
        return str(int(key))
    return str(key)


def _as_text(value: Any) -> str:
    """A mapped value as the text our parsers read."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _key_text(value)


def map_values(text: pd.Series, name: str, mapping: ExtractMapping) -> pd.Series:
    """Their codes replaced by ours (as text). Values the table does not name are left as they
    are, for the field's own parser to accept (``true``, ``Male``) or refuse."""
    table = mapping.value_table(name)
    if table is None:
        return text
    # Each distinct value looked up once: an extract has millions of rows but few codes.
    codes, distinct = pd.factorize(text.fillna(""))
    keys = pd.Index(distinct).str.strip().str.casefold()
    ours = {k: _as_text(v) for k, v in table.items()}
    mapped = pd.Series(
        [ours.get(k, d) for k, d in zip(keys, distinct, strict=True)], dtype="string"
    )
    if codes.size == 0:
        return text
    return pd.Series(mapped.to_numpy()[codes], index=text.index, dtype="string")


def unmapped_hint(mapping: ExtractMapping | None, name: str) -> str:
    """What to do about a value the field's parser refused, naming the config line."""
    if mapping is None:
        return ""
    if name in mapping.values:
        return f"; it is not in the config's mapping for {name} ({mapping.where('values', name)})"
    return f"; map such codes to ours under 'values: {name}:' for this input in the config"


def describe_values(mapping: ExtractMapping, name: str) -> str:
    """'K → true; (blank) → false' for the data dictionary and the methods chapter."""
    parts = []
    for key, value in (mapping.values.get(name) or {}).items():
        shown_key = str(key).lower() if isinstance(key, bool) else _key_text(key)
        parts.append(f"{shown_key or '(blank)'} → {_as_text(value) or '(blank)'}")
    return "; ".join(parts)
