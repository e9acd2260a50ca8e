"""Fields an extract lacks, derived from the ones it has, each by a stated public rule.

- ``offence_group`` and ``offence_description`` from the Home Office offence code, through the
  classification table committed beside this module (its source and date are at its top).
  A code the table does not hold is an error listing every such code: never a guess.
- ``district_code`` from the LSOA (2021) code, through the ONS lookup file the partnership
  downloads (``lsoa_lookup:`` in the config), or from the LSOA name's prefix
  (``Ashford 001B`` -> Ashford), or from the district name, each matched to the config's
  districts; ``district_name`` from the config by code.

``public_place_flag`` from a location-type column needs no rule here: the config maps each
location type to true or false under ``values:`` (see ``mapping``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sv_assessment.ingest.mapping import ExtractMapping

CLASSIFICATION_FILE = Path(__file__).with_name("home_office_offence_codes.csv")
LSOA_SUFFIX = r"\s+\d{3}[A-Z]$"  # the ' 001B' that follows the district in an LSOA name
_LSOA_COLUMN = re.compile(r"^LSOA21CD$", re.IGNORECASE)
_DISTRICT_COLUMN = re.compile(r"^(LAD|LTLA)\d{2}CD$", re.IGNORECASE)
_SHOWN = 8
CLASSIFICATION_RULE = (
    "the Home Office offence classification table in the repository "
    "(src/sv_assessment/ingest/home_office_offence_codes.csv)"
)


class DerivationError(ValueError):
    """A field cannot be derived for some rows; the message lists what and where."""


@functools.cache
def offence_classification() -> pd.DataFrame:
    """The Home Office offence codes: code, description, Home Office group and subgroup, and
    the offence group this assessment counts each in."""
    table = pd.read_csv(CLASSIFICATION_FILE, comment="#", dtype=str, keep_default_na=False)
    return table.set_index("offence_code", drop=False)


def classification_source() -> str:
    """The table's own note on where it comes from (its leading comment block)."""
    lines = []
    for line in CLASSIFICATION_FILE.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("# ").rstrip())
    return " ".join(part for part in lines if part)


def normalise_offence_code(codes: pd.Series) -> pd.Series:
    """'  05d ' -> '5D': trimmed, upper case, no leading zeros (Home Office codes have none)."""
    text = codes.astype("string").str.strip().str.upper()
    return text.str.replace(r"^0+(?=\d)", "", regex=True)


def _listing(values: pd.Series) -> str:
    counts = values.value_counts()
    shown = ", ".join(f"{v!r} ({n:,} rows)" for v, n in counts.head(_SHOWN).items())
    more = f" and {len(counts) - _SHOWN} more" if len(counts) > _SHOWN else ""
    return shown + more


def _rows(mask: pd.Series, lines: np.ndarray) -> list[int]:
    return [int(n) for n in np.asarray(lines)[mask.to_numpy(dtype=bool)][:6]]


def offence_groups_from_codes(
    codes: pd.Series, lines: np.ndarray
) -> tuple[pd.Series, pd.Series, dict[str, str]]:
    """(offence group, description, code -> group for the codes present), or DerivationError
    naming every code the classification does not hold."""
    table = offence_classification()
    code = normalise_offence_code(codes)
    blank = code.isna() | code.eq("")
    if blank.any():
        raise DerivationError(
            f"offence_code is blank in {int(blank.sum()):,} rows (e.g. rows "
            f"{_rows(blank, lines)}), so their offence group cannot be derived"
        )
    unknown = ~code.isin(table.index)
    if unknown.any():
        raise DerivationError(
            "offence codes not in the Home Office classification table "
            f"(sv_assessment/ingest/{CLASSIFICATION_FILE.name}): {_listing(code[unknown])}; "
            f"rows {_rows(unknown, lines)}. Map each to its Home Office code under "
            "'values: offence_code:' in the config, or give the offence group in a column"
        )
    group = code.map(table["offence_group"]).astype("string")
    description = code.map(table["offence_description"]).astype("string")
    present = sorted(code.unique(), key=_code_order)
    return group, description, {c: table.at[c, "offence_group"] for c in present}


def _code_order(code: str) -> tuple:
    number = re.match(r"\d+", code)
    return (int(number.group()) if number else 10**6, code)


def read_lsoa_lookup(path: Path) -> tuple[dict[str, str], dict[str, str], str]:
    """LSOA (2021) code -> district code, district code -> name, and the columns used.

    Any ONS lookup with an ``LSOA21CD`` column and one local authority code column
    (``LAD22CD``, ``LAD23CD``, ``LTLA22CD``...) will do; a row per output area is fine (the
    pairs are made unique). An LSOA in two districts is an error."""
    if not Path(path).is_file():
        raise DerivationError(f"the LSOA lookup file {path} does not exist")
    frame = None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
            break
        except UnicodeDecodeError:
            continue
    if frame is None:
        raise DerivationError(f"the LSOA lookup file {path} is neither UTF-8 nor Windows-1252")
    headers = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    frame.columns = headers
    lsoa = [c for c in headers if _LSOA_COLUMN.match(c)]
    districts = sorted(c for c in headers if _DISTRICT_COLUMN.match(c))
    districts = [c for c in districts if c.upper().startswith("LAD")] or districts
    if len(lsoa) != 1 or len(districts) != 1:
        raise DerivationError(
            f"the LSOA lookup file {path} needs one LSOA21CD column and one local authority "
            f"code column (LADyyCD or LTLAyyCD); its headers are: {', '.join(headers)}"
        )
    code_column = districts[0]
    name_column = code_column[:-2] + "NM"
    pairs = frame[[lsoa[0], code_column]].apply(lambda s: s.str.strip()).drop_duplicates()
    split = pairs[lsoa[0]].duplicated(keep=False)
    if split.any():
        raise DerivationError(
            f"the LSOA lookup file {path} puts these LSOAs in more than one district: "
            f"{', '.join(sorted(pairs.loc[split, lsoa[0]].unique())[:_SHOWN])}"
        )
    names = {}
    if name_column in headers:
        names = dict(frame[[code_column, name_column]].drop_duplicates().to_numpy())
    used = f"{lsoa[0]} -> {code_column}"
    return dict(pairs.to_numpy()), names, used


def district_by_key(districts) -> dict[str, object]:
    """The config's districts under their code, name and aliases (lower case)."""
    return {key.strip().lower(): d for d in districts for key in (d.code, d.name, *d.aliases)}


def districts_from_lsoa_codes(
    lsoa_codes: pd.Series, mapping: ExtractMapping, lines: np.ndarray
) -> tuple[pd.Series, str]:
    lookup, _, used = read_lsoa_lookup(mapping.lsoa_lookup)
    code = lsoa_codes.astype("string").str.strip().str.upper()
    blank = code.isna() | code.eq("")
    if blank.any():
        raise DerivationError(
            f"lsoa_code is blank in {int(blank.sum()):,} rows (e.g. rows "
            f"{_rows(blank, lines)}), so their district cannot be derived from the LSOA"
        )
    district = code.map(lookup).astype("string")
    unknown = district.isna()
    if unknown.any():
        raise DerivationError(
            f"LSOA codes not in the lookup file {mapping.lsoa_lookup}: "
            f"{_listing(code[unknown])}; rows {_rows(unknown, lines)}. Is it the LSOA (2021) "
            "lookup, and are these LSOA 2021 codes?"
        )
    return (
        district,
        f"from lsoa_code through the ONS lookup {Path(mapping.lsoa_lookup).name} ({used})",
    )


def districts_from_names(
    names: pd.Series, districts, lines: np.ndarray, lsoa_names: bool
) -> pd.Series:
    """District codes from district names (or LSOA names, by their prefix) in the config."""
    text = names.astype("string").str.strip()
    if lsoa_names:
        text = text.str.replace(LSOA_SUFFIX, "", regex=True).str.strip()
    blank = text.isna() | text.eq("")
    what = "lsoa_name" if lsoa_names else "district_name"
    if blank.any():
        raise DerivationError(
            f"{what} is blank in {int(blank.sum()):,} rows (e.g. rows {_rows(blank, lines)}), "
            "so their district cannot be derived"
        )
    code = text.str.lower().map({k: d.code for k, d in district_by_key(districts).items()})
    unknown = code.isna()
    if unknown.any():
        raise DerivationError(
            f"{what} names no district of this assessment: {_listing(text[unknown])}; rows "
            f"{_rows(unknown, lines)}. Add the name to that district's 'aliases' in the config"
        )
    return code.astype("string")


@dataclass
class Derived:
    how: dict[str, str] = field(default_factory=dict)  # field -> how it was made
    offence_codes: dict[str, str] = field(default_factory=dict)  # code -> group, if derived


def derive_missing(
    typed: pd.DataFrame,
    present: set[str],
    helpers: dict[str, pd.Series],
    mapping: ExtractMapping | None,
    lines: np.ndarray,
) -> Derived:
    """Fill, in place, the police offence fields the extract lacks; say how each was made."""
    made = Derived()
    if mapping is None or mapping.kind != "police_offences":
        return made
    if "offence_group" not in present and "offence_code" in present:
        group, description, made.offence_codes = offence_groups_from_codes(
            typed["offence_code"], lines
        )
        typed["offence_group"] = group
        made.how["offence_group"] = f"derived from offence_code: {CLASSIFICATION_RULE}"
        if "offence_description" not in present:
            typed["offence_description"] = description
            made.how["offence_description"] = f"derived from offence_code: {CLASSIFICATION_RULE}"
    if "district_code" not in present:
        if mapping.lsoa_lookup and "lsoa_code" in present:
            try:
                codes, how = districts_from_lsoa_codes(typed["lsoa_code"], mapping, lines)
            except DerivationError as error:
                raise DerivationError(f"{error} ({mapping.where('lsoa_lookup')})") from None
        elif "lsoa_name" in helpers:
            codes = districts_from_names(helpers["lsoa_name"], mapping.districts, lines, True)
            how = "from the LSOA name's prefix (e.g. 'Ashford 001B' -> Ashford), matched to the config's districts and their aliases"
        elif "district_name" in present:
            codes = districts_from_names(typed["district_name"], mapping.districts, lines, False)
            how = "from district_name, matched to the config's districts and their aliases"
        else:
            return made
        typed["district_code"] = codes
        made.how["district_code"] = "derived " + how
    if "district_name" not in present:
        names = {d.code: d.name for d in mapping.districts}
        typed["district_name"] = typed["district_code"].map(names).astype("string")
        made.how["district_name"] = "derived from district_code: the config's district names"
    return made
