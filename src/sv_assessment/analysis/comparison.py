"""Places compared with their area: each place's rate per 1,000 with its exact interval, where
it sits against the area's funnel limits, and its rank. One function for every table that ranks
districts, from partner data or from public data."""

from __future__ import annotations

import pandas as pd

from sv_assessment.analysis import measures

RATE_COLUMNS = ("rate", "rate_lower", "rate_upper")


def rank_against_area(
    frame: pd.DataFrame, count: str, population: str, area_rate: float | None = None
) -> pd.DataFrame:
    """``frame`` with rate, interval (2 decimals), ``compared_with_area`` and ``rank`` (1 is the
    highest rate; ties share the lower rank), sorted by rank. ``area_rate`` (per 1,000) is the
    comparator when the frame is not the whole area (a district's edition); by default the
    frame's own total."""
    table = measures.rates_with_ci(frame, count, population)
    if area_rate is None:
        area_rate = 1000 * table[count].sum() / table[population].sum()
    flags = measures.funnel_flags(table, count, population, area_rate)
    table["compared_with_area"] = flags["funnel_flag"].to_numpy()
    for column in RATE_COLUMNS:
        table[column] = table[column].round(2)
    table["rank"] = table["rate"].rank(ascending=False, method="min").astype(int)
    return table.sort_values("rank").reset_index(drop=True)
