"""Values that mean one thing however a partner's system writes them, mapped to the canonical
one where that is unambiguous: sex coded M/F/U, an offence group in another letter case.
Invisible characters (zero-width spaces, joiners, a stray byte-order mark) are removed from
every text cell, so that ``AB12`` and ``AB12<zero-width space>`` are one id, not two.

Both readers (``tabular`` and ``fast_csv``) pass their frame through ``normalise``, so they
agree by construction. A value not listed here is left as it is, for the contracts to judge.
"""

from __future__ import annotations

import pandas as pd

from sv_assessment.schema import OFFENCE_GROUPS

# Characters with no width that a copy from a web page or a Word document can carry.
INVISIBLE = "[\u200b\u200c\u200d\u2060\ufeff]"

_SEX = {"m": "Male", "male": "Male", "f": "Female", "female": "Female"}
_SEX |= {"u": "Unknown", "unknown": "Unknown"}

# Column -> {lower-case value as found: canonical value}.
DEFAULT_CODES: dict[str, dict[str, str]] = {
    "victim_sex": _SEX,
    "suspect_sex": _SEX,
    "sex": _SEX,
    "offence_group": {group.lower(): group for group in OFFENCE_GROUPS},
}


def _mapping(values: pd.Series, codes: dict[str, str]) -> dict[str, str]:
    """Found value -> canonical value, for the distinct found values that differ from it."""
    found = values.dropna().unique()
    mapping = {}
    for value in found:
        canonical = codes.get(str(value).strip().lower())
        if canonical is not None and canonical != value:
            mapping[value] = canonical
    return mapping


def normalise(frame: pd.DataFrame, codes: dict[str, dict[str, str]] | None = None) -> pd.DataFrame:
    """The frame with known codings mapped to canonical values (a new frame when any is)."""
    codes = DEFAULT_CODES if codes is None else codes
    changed = {}
    for column, column_codes in codes.items():
        if column in frame.columns:
            mapping = _mapping(frame[column], column_codes)
            if mapping:
                changed[column] = frame[column].replace(mapping)
    return frame.assign(**changed) if changed else frame
