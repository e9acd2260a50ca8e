from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sv_assessment.analysis.disclosure import (
    SUPPRESSED_MARKER,
    format_for_publication,
    is_safe,
    suppress_rates,
    suppress_series,
    suppress_table,
)

BODY = ["knife", "robbery", "gbh"]


def _table(rows: list[list[int]], names: list[str]) -> pd.DataFrame:
    """Table with a row-total column and a column-total row labelled 'Total'."""
    frame = pd.DataFrame(rows, columns=BODY, index=names)
    frame["total"] = frame[BODY].sum(axis=1)
    frame.loc["Total"] = frame.sum()
    frame.insert(0, "ward", [*names, "All wards"])
    return frame


def _recoverable_cells(
    original: pd.DataFrame,
    published: pd.DataFrame,
    body: list[str],
    total_col: str,
    total_row: str,
) -> list[tuple[str, str]]:
    """Hidden cells an attacker can work out by subtraction from published totals.

    Repeats until nothing new is learnt, so chains of single-unknown deductions are caught.
    """
    cols = [*body, total_col]
    known = published[cols].notna().to_numpy()
    rows = list(published.index)
    body_rows = [i for i, r in enumerate(rows) if r != total_row]
    t_row, t_col = rows.index(total_row), len(body)
    lines = [([(r, c) for c in range(len(body))], (r, t_col)) for r in range(len(rows))]
    lines += [([(r, c) for r in body_rows], (t_row, c)) for c in range(len(cols))]
    recovered: list[tuple[str, str]] = []
    progress = True
    while progress:
        progress = False
        for parts, total in lines:
            unknown = [cell for cell in [*parts, total] if not known[cell]]
            if len(unknown) == 1:
                cell = unknown[0]
                known[cell] = True
                recovered.append((rows[cell[0]], cols[cell[1]]))
                progress = True
    # Sanity: the published values really are the originals (nothing else was altered).
    shown = published[cols].notna()
    pd.testing.assert_frame_equal(
        published[cols][shown].astype(float), original[cols][shown].astype(float)
    )
    return recovered


def test_checker_detects_naive_primary_only_suppression() -> None:
    frame = _table([[3, 10, 12], [8, 9, 20]], ["w1", "w2"])
    naive = frame.copy()
    naive[["knife", "robbery", "gbh", "total"]] = naive[
        ["knife", "robbery", "gbh", "total"]
    ].astype("Float64")
    naive.loc["w1", "knife"] = pd.NA
    assert _recoverable_cells(frame, naive, BODY, "total", "Total")


@pytest.mark.parametrize(
    "rows",
    [
        [[3, 10, 12], [8, 9, 20]],
        [[3, 10, 12], [8, 9, 20], [15, 0, 7]],
        [[1, 0, 0], [6, 7, 8], [9, 10, 11]],
        [[2, 2, 2], [0, 0, 6], [30, 40, 50], [5, 0, 1]],
        [[0, 0, 0], [4, 100, 200], [50, 60, 70]],
        [[12, 0, 0], [3, 0, 0], [20, 30, 40]],
    ],
)
def test_suppress_table_safe_and_not_recoverable(rows: list[list[int]]) -> None:
    names = [f"w{i}" for i in range(len(rows))]
    frame = _table(rows, names)
    before = frame.copy(deep=True)
    out = suppress_table(
        frame,
        [*BODY, "total"],
        minimum_count=5,
        row_total_column="total",
        column_total_row="Total",
    )
    pd.testing.assert_frame_equal(frame, before)
    assert is_safe(out, [*BODY, "total"], 5)
    assert _recoverable_cells(frame, out, BODY, "total", "Total") == []
    assert out["ward"].tolist() == frame["ward"].tolist()
    for col in [*BODY, "total"]:
        assert out[col].dtype == "Float64"
    # Zeros are never hidden and anything small always is.
    values = frame[[*BODY, "total"]].to_numpy()
    hidden = out[[*BODY, "total"]].isna().to_numpy()
    assert not hidden[values == 0].any()
    assert hidden[(values >= 1) & (values < 5)].all()


def test_suppress_table_secondary_picks_smallest_nonzero() -> None:
    frame = _table([[3, 10, 12], [8, 9, 20], [15, 0, 7]], ["a", "b", "c"])
    out = suppress_table(frame, [*BODY, "total"], 5, "total", "Total")
    hidden = {(r, c) for r in out.index for c in [*BODY, "total"] if pd.isna(out.loc[r, c])}
    # Row a: 3 -> hide 10 (smallest other); column knife: 3 -> hide 8.
    assert {("a", "knife"), ("a", "robbery"), ("b", "knife")} <= hidden
    assert ("c", "robbery") not in hidden


def test_suppress_table_without_totals_is_primary_only() -> None:
    frame = pd.DataFrame({"area": ["x", "y"], "n": [3, 40], "m": [0, 7]})
    out = suppress_table(frame, ["n", "m"])
    assert out["n"].isna().tolist() == [True, False]
    assert out["m"].tolist() == [0, 7]


def test_suppress_table_small_total_is_suppressed() -> None:
    frame = _table([[1, 0, 2], [20, 30, 40]], ["a", "b"])
    out = suppress_table(frame, [*BODY, "total"], 5, "total", "Total")
    assert pd.isna(out.loc["a", "total"])
    assert _recoverable_cells(frame, out, BODY, "total", "Total") == []


def test_suppress_table_rejects_missing_total_row() -> None:
    frame = _table([[1, 0, 2]], ["a"])
    with pytest.raises(ValueError):
        suppress_table(frame, BODY, 5, "total", "Grand total")


def test_suppress_series() -> None:
    series = pd.Series([3, 12, 7, 0, 40], index=list("abcde"))
    before = series.copy()
    out = suppress_series(series, minimum_count=5)
    pd.testing.assert_series_equal(series, before)
    assert out.isna().tolist() == [True, False, True, False, False]
    no_total = suppress_series(series, minimum_count=5, has_total=False)
    assert no_total.isna().tolist() == [True, False, False, False, False]
    two_small = suppress_series(pd.Series([3, 2, 40]))
    assert two_small.isna().tolist() == [True, True, False]


def test_suppress_rates() -> None:
    frame = pd.DataFrame(
        {
            "ward": ["a", "b", "c"],
            "count": [3, 0, 25],
            "population": [1000, 1200, 5000],
            "rate": [3.0, 0.0, 5.0],
            "rate_lower": [0.6, 0.0, 3.2],
            "rate_upper": [8.8, 3.1, 7.4],
        }
    )
    before = frame.copy()
    out = suppress_rates(frame, "count", ["rate", "rate_lower", "rate_upper"])
    pd.testing.assert_frame_equal(frame, before)
    assert out.loc[0, ["count", "rate", "rate_lower", "rate_upper"]].isna().all()
    assert out.loc[1, "count"] == 0 and out.loc[1, "rate_upper"] == pytest.approx(3.1)
    assert out.loc[2, "rate"] == pytest.approx(5.0)
    assert out["population"].tolist() == [1000, 1200, 5000]


def test_format_for_publication() -> None:
    frame = pd.DataFrame(
        {
            "ward": ["a", "b", "c"],
            "count": pd.array([1234.0, None, 0.0], dtype="Float64"),
            "rate": pd.array([1.25, None, 0.5], dtype="Float64"),
        }
    )
    before = frame.copy()
    out = format_for_publication(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert out["count"].tolist() == ["1,234", SUPPRESSED_MARKER, "0"]
    # Every value of a column to the same decimal places: trailing zeros kept (0.50 by 1.25).
    assert out["rate"].tolist() == ["1.25", SUPPRESSED_MARKER, "0.50"]
    assert out["ward"].tolist() == ["a", "b", "c"]
    assert is_safe(out, ["count"], 5)


def test_is_safe() -> None:
    assert is_safe(pd.DataFrame({"n": [0, 5, 100, np.nan]}), ["n"], 5)
    assert not is_safe(pd.DataFrame({"n": [0, 4, 100]}), ["n"], 5)
    assert not is_safe(pd.DataFrame({"n": ["0", "3", SUPPRESSED_MARKER]}), ["n"], 5)
    assert is_safe(pd.DataFrame({"n": ["1,004", SUPPRESSED_MARKER]}), ["n"], 5)


def test_suppress_table_random_tables_never_recoverable() -> None:
    rng = np.random.default_rng(20240501)
    for trial in range(200):
        n_rows = int(rng.integers(1, 6))
        # A mix of zeros, small and large counts, as in ward-by-offence tables.
        rows = rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 15, 40], size=(n_rows, len(BODY)))
        frame = _table(rows.tolist(), [f"w{i}" for i in range(n_rows)])
        out = suppress_table(frame, [*BODY, "total"], 5, "total", "Total")
        assert is_safe(out, [*BODY, "total"], 5), trial
        assert _recoverable_cells(frame, out, BODY, "total", "Total") == [], trial
