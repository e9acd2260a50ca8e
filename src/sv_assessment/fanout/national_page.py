"""The national index page: every local authority's open-data figures ranked and compared (a
national funnel plot), with each area's coverage; a force-month missing from the archive is
shown as missing, and an area missing any month of the year is not ranked, never counted as 0."""

from __future__ import annotations

import html
import os
from pathlib import Path

import pandas as pd

from sv_assessment.analysis import comparison, measures
from sv_assessment.fanout.index_page import page, table


def _focus_counts(archive_dir: Path, year: int, focus: tuple[str, ...]) -> pd.DataFrame:
    """Focus crimes per area and month of ``year``; a crime re-published in a later file is
    counted once (its Month stays the month it happened)."""
    import duckdb

    types = ", ".join("'" + t.replace("'", "''") + "'" for t in focus)
    return duckdb.sql(
        f"""SELECT area_code, month, count(DISTINCT crime_id) AS crimes
            FROM read_parquet('{(archive_dir / "crimes").as_posix()}/**/*.parquet',
                              hive_partitioning = true)
            WHERE crime_type IN ({types}) AND month LIKE '{year}-%'
            GROUP BY ALL"""
    ).df()


def missing_months(codes: list[str], coverage: dict, year: int) -> dict[str, list[str]]:
    """For each force whose files hold the rows of the local authorities ``codes``, the months
    of ``year`` it has no file for (a month absent from the whole archive is missing for every
    force)."""
    wanted = [f"{year}-{m:02d}" for m in range(1, 13)]
    missing = {}
    forces = dict.fromkeys(f for code in codes for f in coverage["areas"].get(code, {}))
    for force in forces:
        present = set(coverage["forces"].get(force, []))
        gaps = [m for m in wanted if m not in present]
        if gaps:
            missing[force] = gaps
    return missing


def area_table(archive_dir: Path, areas, coverage: dict, year: int, focus) -> pd.DataFrame:
    counts = _focus_counts(archive_dir, year, tuple(focus))
    totals = counts.groupby("area_code")["crimes"].sum()
    rows = []
    for area in areas:  # local authorities, or partnerships (``members``: their authorities)
        codes = [a.code for a in getattr(area, "members", (area,))]
        gaps = missing_months(codes, coverage, year)
        months = sorted({m for force_gaps in gaps.values() for m in force_gaps})
        has_rows = any(coverage["areas"].get(c) for c in codes)
        rows.append(
            {
                "code": area.code,
                "area": area.name,
                "members": ", ".join(codes),
                "population": area.population,
                "crimes": sum(int(totals.get(c, 0)) for c in codes)
                if has_rows and not months
                else pd.NA,
                "months_covered": 12 - len(months) if has_rows else 0,
                "missing": "; ".join(f"{f}: {', '.join(m)}" for f, m in gaps.items())
                if has_rows
                else "no rows in the archive",
            }
        )
    frame = pd.DataFrame(rows)
    complete = frame[frame["crimes"].notna()].copy()
    if complete.empty:
        return frame.assign(
            rate=pd.NA, rate_lower=pd.NA, rate_upper=pd.NA, compared_with_area=pd.NA, rank=pd.NA
        )
    complete["crimes"] = complete["crimes"].astype(int)
    ranked = comparison.rank_against_area(complete, "crimes", "population")
    rest = frame[frame["crimes"].isna()]
    return pd.concat([ranked, rest], ignore_index=True)


def _cell(value, missing: str = '<span class="missing">missing</span>') -> str:
    return missing if pd.isna(value) else html.escape(str(value))


def funnel_html(ranked: pd.DataFrame, year: int) -> str:
    """The national funnel plot, plotly.js inline (no network), described for screen readers;
    the table below it holds the same figures."""
    import plotly.graph_objects as go

    if ranked.empty:
        return "<p>No area has a complete year of data to compare.</p>"
    rate = 1000 * ranked["crimes"].sum() / ranked["population"].sum()
    sizes = pd.Series(
        range(int(ranked["population"].min() * 0.8), int(ranked["population"].max() * 1.1), 2000)
    )
    limits = measures.funnel_limits(rate, sizes)
    fig = go.Figure()
    for column, dash in (
        ("upper_998", "dash"),
        ("lower_998", "dash"),
        ("upper_95", "dot"),
        ("lower_95", "dot"),
    ):
        fig.add_trace(
            go.Scatter(
                x=limits["population"],
                y=limits[column],
                mode="lines",
                line={"color": "#505A5F", "dash": dash},
                name=column.replace("_", " "),
            )
        )
    fig.add_trace(
        go.Scatter(
            x=ranked["population"],
            y=ranked["rate"],
            mode="markers",
            text=ranked["area"],
            marker={"color": "#1d70b8"},
            name="Partnership",
        )
    )
    fig.add_hline(y=rate, line={"color": "#d4351c"})
    fig.update_layout(
        xaxis_title="Resident population (ONS mid-year estimate)",
        yaxis_title="Crimes in scope per 1,000 residents",
        template="plotly_white",
    )
    above = ranked.loc[ranked["compared_with_area"].str.startswith("above", na=False), "area"]
    alt = (
        f"Funnel plot of {len(ranked)} partnerships' rate of crimes in scope per 1,000 "
        f"residents in {year} against population, around the rate of all of them, {rate:.2f}, "
        f"with 95% and 99.8% limits. {len(above)} are above the 95% limit"
        + (
            f": {', '.join(above[:10])}" + (" and others" if len(above) > 10 else "")
            if len(above)
            else ""
        )
        + ". The table below gives every area's figures."
    )
    div = fig.to_html(full_html=False, include_plotlyjs=True, config={"displayModeBar": False})
    return (
        f"<figure><figcaption>Crimes in scope per 1,000 residents by partnership, {year}, "
        f"against the rate of all areas with a complete year</figcaption>"
        f'<div role="img" aria-label="{html.escape(alt)}">{div}</div></figure>'
    )


COLUMNS = [
    "Partnership",
    "Rank",
    "ONS code (local authorities)",
    "Population",
    "Crimes in scope",
    "Rate per 1,000 (95% CI)",
    "Compared with all areas",
    "Months covered",
    "Missing from the archive",
    "Assessment",
]


def national_page(table_frame, coverage, year, links, failures, index_dir: Path, request) -> str:
    minimum = request.minimum_count
    rows = []
    for r in table_frame.itertuples(index=False):
        count = r.crimes
        small = not pd.isna(count) and 0 < int(count) < minimum
        rate = (
            ""
            if pd.isna(r.rate) or small
            else f"{r.rate:.2f} ({r.rate_lower:.2f} to {r.rate_upper:.2f})"
        )
        link = links.get(r.code)
        if link is not None:
            target = os.path.relpath(link, index_dir).replace(os.sep, "/")
            status = f'<a href="{html.escape(target)}">{html.escape(r.area)} assessment</a>'
        elif r.code in failures:
            status = '<span class="failed">failed</span>: ' + html.escape(
                failures[r.code].splitlines()[0][:200]
            )
        else:
            status = "not built (no rows)"
        rows.append(
            [
                html.escape(r.area),
                "not ranked" if pd.isna(r.rank) else str(int(r.rank)),
                html.escape(r.members),
                f"{r.population:,}",
                "[c]" if small else _cell(count if pd.isna(count) else f"{int(count):,}"),
                rate or '<span class="missing">missing</span>',
                _cell(r.compared_with_area, ""),
                f"{r.months_covered} of 12",
                html.escape(r.missing) or "none",
                status,
            ]
        )
    ranked = table_frame[table_frame["rate"].notna()]
    gaps = {f: m for f, m in coverage["missing"].items() if m}
    intro = (
        f"<p>An open-data assessment for each of {len(table_frame)} partnerships (a local "
        f"authority, unless a partnerships file groups several) from "
        f"data.police.uk street-level crime ({coverage['months'][0]} to {coverage['months'][-1]}, "
        f"{len(coverage['forces'])} forces, Open Government Licence v3.0) and the ONS mid-year "
        f"population estimates. Crimes in scope: violence and sexual offences, robbery and "
        f"possession of weapons. Areas missing any month of {year} from the archive are shown "
        f"with the months missing and are not ranked; counts of 1 to {minimum - 1} are shown "
        f"as [c].</p>"
        + (
            "<p>Missing from the archive: "
            + html.escape("; ".join(f"{f}: {', '.join(m)}" for f, m in gaps.items()))
            + ".</p>"
            if gaps
            else "<p>Every force has a file for every month of the archive.</p>"
        )
    )
    if request.synthetic:
        intro += "<p><strong>Built from SYNTHETIC demonstration data.</strong></p>"
    body = (
        intro
        + funnel_html(ranked, year)
        + table(COLUMNS, rows, f"Partnerships ranked by the rate of crimes in scope, {year}")
    )
    return page(f"Serious violence from open data: every local authority, {year}", body)
