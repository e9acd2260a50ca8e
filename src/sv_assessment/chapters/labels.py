"""Plain-English column headers for published tables, for board members rather than analysts."""

from __future__ import annotations

import re

import pandas as pd

# Whole-name replacements; anything else is turned from snake_case into a sentence.
HEADERS: dict[str, str] = {
    "rate": "Rate per 1,000",
    "rate_lower": "95% CI lower",
    "rate_upper": "95% CI upper",
    "ratio_lower": "95% CI lower",
    "ratio_upper": "95% CI upper",
    "rate_ratio": "Rate ratio",
    "percent_change": "Change (%)",
    "change_percent": "Change on previous year (%)",
    "offences_previous_year": "Offences previous year",
    "compared_with_area": "Compared with area rate",
    "rolling_12_month_total": "Rolling 12-month total",
    "age_group": "Age group",
    "offence_group": "Offence group",
    "lsoa_code": "LSOA",
    "percent": "Share (%)",
    "rows_with_value": "Rows with a value",
    "percent_complete": "Complete (%)",
    "recording_lag": "Time to record",
    "sha256": "SHA-256",
    "ae_attendances": "A&E attendances",
    "lsoas": "LSOAs",
    "percent_of_offences": "Share of offences (%)",
    "sharp_object_percent": "Sharp object share (%)",
    "ae_sharp_object": "A&E sharp object",
    "index_average_month_100": "Index (average month = 100)",
    "adjusted_p_value": "p-value (adjusted for all tests)",
}
_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"offences_(\d{4})", r"Offences \1"),
    (r"rate_(\d{4})", r"Rate per 1,000, \1"),
    (r"(.+)_percent", r"\1 (%)"),
)
_ACRONYMS = {"ci": "CI", "lsoa": "LSOA", "ae": "A&E", "sha256": "SHA-256", "id": "ID"}


def plain_header(name: object) -> str:
    """``offences_2024`` → ``Offences 2024``; ``rate_lower`` → ``95% CI lower``."""
    text = str(name)
    if text in HEADERS:
        return HEADERS[text]
    if not re.fullmatch(r"[a-z0-9_]+", text):
        return text  # already written for readers (e.g. "Female", "01:00")
    for pattern, replacement in _PATTERNS:
        if re.fullmatch(pattern, text):
            text = re.sub(pattern, replacement, text)
            break
    words = [_ACRONYMS.get(w, w) for w in text.replace("_", " ").split(" ") if w]
    if not words:
        return text
    first = words[0]
    words[0] = first if first.isupper() or first[0].isdigit() else first.capitalize()
    return " ".join(words)


def plain_headers(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every column header in plain English (data untouched)."""
    return frame.rename(columns={c: plain_header(c) for c in frame.columns})
