"""Partner data's periods and age bands, read as their publishers write them, so that police
counts can be made for exactly the same months and ages (like for like).

A period is a calendar year (``2024``), a financial year (``2023-24`` or ``2023/24``, April to
March) or, for schools, an academic year (``202324`` as the DfE's ``time_period``, or
``2023/24``, September to August). An age band is ``15-19``, ``25+``, ``Under 18`` or ``All
ages``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

# The month a split year starts in: financial years in April, academic years in September.
SPLIT_YEAR_START = {"financial": 4, "academic": 9}
OPEN_AGE = 200  # the upper end of "25+" and "All ages"


@dataclass(frozen=True)
class Period:
    label: str  # as published
    start: pd.Timestamp  # first day
    end: pd.Timestamp  # first day after the period

    @property
    def first_year(self) -> int:
        return self.start.year

    @property
    def display(self) -> str:
        """The label as a reader reads it: the DfE's 202324 as 2023/24."""
        if re.fullmatch(r"\d{6}", self.label):
            return f"{self.label[:4]}/{self.label[4:]}"
        return self.label


class PeriodError(ValueError):
    """A period label that is none of the forms a publisher uses."""


def parse_period(label: object, split_year: str = "financial") -> Period:
    """The months a published period covers. ``split_year`` says what a two-year label is
    (``financial`` or ``academic``); a DfE six-digit ``time_period`` is always academic."""
    text = str(label).strip()
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        return Period(text, pd.Timestamp(year, 1, 1), pd.Timestamp(year + 1, 1, 1))
    six = re.fullmatch(r"(\d{4})(\d{2})", text)
    split = re.fullmatch(r"(\d{4})\s*[-/]\s*(\d{2}|\d{4})", text)
    match, kind = (six, "academic") if six else (split, split_year)
    if match is None:
        raise PeriodError(
            f"{text!r} is not a period: give a calendar year (2024), a financial year "
            "(2023-24) or an academic year (202324 or 2023/24)"
        )
    first, second = int(match.group(1)), int(match.group(2)[-2:])
    if second != (first + 1) % 100:
        raise PeriodError(f"{text!r}: the second year must follow the first (e.g. 2023-24)")
    month = SPLIT_YEAR_START[kind]
    return Period(text, pd.Timestamp(first, month, 1), pd.Timestamp(first + 1, month, 1))


def age_bounds(band: object) -> tuple[int, int]:
    """The ages a band covers, both ends included: '15-19' -> (15, 19), '25+' -> (25, 200),
    'Under 18' -> (0, 17), 'All ages' -> (0, 200). A ValueError for anything else."""
    text = str(band).strip().lower().replace("–", "-")
    if text in ("all ages", "all", "total"):
        return 0, OPEN_AGE
    if m := re.fullmatch(r"(\d{1,3})\s*-\s*(\d{1,3})", text):
        low, high = int(m.group(1)), int(m.group(2))
        if low <= high:
            return low, high
    if m := re.fullmatch(r"(\d{1,3})\s*(\+|and over)", text):
        return int(m.group(1)), OPEN_AGE
    if m := re.fullmatch(r"under\s*(\d{1,3})", text):
        return 0, int(m.group(1)) - 1
    raise ValueError(f"{band!r} is not an age band (e.g. 15-19, 25+, Under 18, All ages)")


def under(band: object, age: int) -> bool:
    """Whether every age in the band is below ``age`` (a band across it is not)."""
    return age_bounds(band)[1] < age


def in_period(dates: pd.Series, period: Period) -> pd.Series:
    return ((dates >= period.start) & (dates < period.end)).fillna(False).astype(bool)


def aged(ages: pd.Series, low: int, high: int) -> pd.Series:
    return ages.between(low, high).fillna(False).astype(bool)


def covered(period: Period, first_year: int, last_year: int) -> bool:
    """Whether police data for the window ``first_year``..``last_year`` (calendar years)
    covers every month of the period."""
    return period.start >= pd.Timestamp(first_year, 1, 1) and period.end <= pd.Timestamp(
        last_year + 1, 1, 1
    )
