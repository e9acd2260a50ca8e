"""Chapter: what changed since last year's assessment — this year's key figures, district
rates and ranks, and hotspots, beside what the previous edition published.

The previous figures are read from last year's published tables (input kind
``previous_tables``), never re-computed from old data: the comparison is with what the board
was told. A figure the previous edition suppressed stays missing.
"""

from __future__ import annotations

import pandas as pd

from sv_assessment.analysis.disclosure import CONFIDENTIAL
from sv_assessment.analysis.protected import Protected

PREVIOUS = "previous_tables"
NOT_LISTED = "not listed"


def _published(previous: pd.DataFrame, table: str, measure: str) -> pd.Series:
    rows = previous[(previous["table"] == table) & (previous["measure"] == measure)]
    return pd.Series(rows["value"].to_numpy(dtype=float), index=rows["key"].astype(str))


def previous_year(previous: pd.DataFrame) -> int | None:
    """The year the previous edition assessed: the newest year of its yearly table."""
    years = pd.to_numeric(_published(previous, "sv_rate_by_year", "offences").index, "coerce")
    return None if years.isna().all() else int(years.max())


def key_figures(previous: pd.DataFrame, yearly: pd.DataFrame, year: int) -> pd.DataFrame:
    """Offences and rate per 1,000: as last year's edition published them for its year, that
    year as this edition's data now records it (a difference is late recording or a change in
    the data), and this year."""
    last = previous_year(previous)
    now = yearly.set_index(yearly["year"].astype(int))
    rows = [
        {
            "edition": "Last year's assessment, as published",
            "year": last,
            "offences": _published(previous, "sv_rate_by_year", "offences").get(str(last)),
            "rate": _published(previous, "sv_rate_by_year", "rate").get(str(last)),
        }
    ]
    for label, when in (("This assessment, as now recorded", last), ("This assessment", year)):
        rows.append(
            {
                "edition": label,
                "year": when,
                "offences": now["offences"].get(when),
                "rate": now["rate"].get(when),
            }
        )
    frame = pd.DataFrame(rows)
    frame["offences"] = pd.to_numeric(frame["offences"]).astype("Int64")
    frame["rate"] = pd.to_numeric(frame["rate"]).round(2)
    return frame


def district_changes(previous: pd.DataFrame, rates_now: pd.DataFrame, year: int) -> pd.DataFrame:
    """Each district's rank and rate in the previous edition and now, with this year's count
    (which the gate needs: a rate or rank beside a hidden count would give it away)."""
    rank = _published(previous, "district_rates", "rank")
    rate = _published(previous, "district_rates", "rate")
    frame = pd.DataFrame(
        {
            "district": rates_now["district"],
            f"offences_{year}": rates_now["offences"],
            "rank_previous_edition": rates_now["district"].map(rank),
            "rank_now": rates_now["rank"],
            "rate_previous_edition": rates_now["district"].map(rate),
            "rate_now": rates_now["rate"].round(2),
        }
    )
    frame["rank_change"] = frame["rank_previous_edition"] - frame["rank_now"]
    return frame.reset_index(drop=True)


def protected_district_changes(changes: pd.DataFrame, year: int, protect) -> Protected:
    """The district comparison through the gate, cell for cell as the districts chapter
    protects its rates table (the same measure), so the two never show and hide differently:
    this year's rank, rate and rank change are hidden beside a hidden count. A figure last
    year's edition suppressed is shown as it was, [c]."""
    count = f"offences_{year}"
    protected = protect(
        changes,
        [count],
        derived_columns=["rank_now", "rate_now", "rank_change"],
        measure="serious_violence",
        row_keys=["district"],
        column_keys={count: {"year": str(year)}},
    )
    for column in ("rank_previous_edition", "rate_previous_edition"):
        protected.status.loc[changes[column].isna().to_numpy(), column] = CONFIDENTIAL
    return protected


def hotspot_changes(previous: pd.DataFrame, top_now: pd.DataFrame) -> pd.DataFrame:
    """The LSOAs in either edition's top list: their rank in each, and whether each is new to
    the list, still on it or no longer on it."""
    before = _published(previous, "places_top_lsoas", "rank")
    now = pd.Series(top_now["rank"].to_numpy(), index=top_now["lsoa_code"].astype(str))
    codes = list(now.index) + [c for c in before.index if c not in now.index]
    frame = pd.DataFrame(
        {
            "lsoa_code": codes,
            "rank_previous_edition": [before.get(c) for c in codes],
            "rank_now": [now.get(c) for c in codes],
        }
    )
    # Not on a list is not a suppressed number: said in words, never shown as missing.
    for column in ("rank_previous_edition", "rank_now"):
        frame[column] = [NOT_LISTED if pd.isna(v) else str(int(v)) for v in frame[column]]
    frame["status"] = [
        "new to the list"
        if b == NOT_LISTED
        else ("no longer on the list" if n == NOT_LISTED else "still")
        for b, n in zip(frame["rank_previous_edition"], frame["rank_now"], strict=True)
    ]
    return frame


def sentence(figures: pd.DataFrame, hotspots: pd.DataFrame) -> str:
    published, revised, current = (figures.iloc[i] for i in range(3))
    last, year = int(published["year"]), int(current["year"])
    if pd.isna(published["offences"]):
        text = f"Last year's assessment did not publish its {last} total."
    else:
        change = 100 * (current["offences"] / published["offences"] - 1)
        text = (
            f"Last year's assessment reported {int(published['offences']):,} serious violence "
            f"offences in {last}; this assessment counts {int(current['offences']):,} in "
            f"{year} ({change:+.1f}%)."
        )
        if pd.notna(revised["offences"]) and revised["offences"] != published["offences"]:
            text += (
                f" The {last} figure now stands at {int(revised['offences']):,}: offences "
                "recorded late, or a change in the data, since last year's edition."
            )
    new = int((hotspots["status"] == "new to the list").sum())
    gone = int((hotspots["status"] == "no longer on the list").sum())
    return text + (
        f" Of the neighbourhoods on this year's hotspot list, {new} are new to it; {gone} of "
        "last year's are no longer on it."
    )


def district_edition_note() -> str:
    return (
        "Last year's published tables describe the whole area, so a district edition does not "
        "set its figures beside them; the area edition's chapter on what changed does."
    )
