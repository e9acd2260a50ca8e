"""Backtest: the demo's published tables, from the fixed seed, against a committed copy.

Any change to a published number shows here as a failing test and, once accepted, as a diff of
``tests/backtest/expected/`` in review. To accept a deliberate change, rebuild the copy with
``make backtest-update`` (or ``SV_BACKTEST_UPDATE=1 pytest tests/backtest``) and commit it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from tests.built_report import built_demo

EXPECTED = Path(__file__).parent / "expected"
# Tables that describe the machine that built the report, not the data.
VOLATILE = {"methods_software.csv"}


def published_tables() -> dict[str, Path]:
    tables = built_demo().published / "tables"
    return {p.name: p for p in sorted(tables.glob("*.csv")) if p.name not in VOLATILE}


@pytest.fixture(scope="module")
def tables() -> dict[str, Path]:
    found = published_tables()
    if os.environ.get("SV_BACKTEST_UPDATE"):
        shutil.rmtree(EXPECTED, ignore_errors=True)
        EXPECTED.mkdir(parents=True)
        for name, path in found.items():
            shutil.copy2(path, EXPECTED / name)
    return found


def test_the_same_tables_are_published(tables):
    assert sorted(tables) == sorted(p.name for p in EXPECTED.glob("*.csv"))


@pytest.mark.parametrize("name", sorted(p.name for p in EXPECTED.glob("*.csv")))
def test_each_published_table_matches_the_reviewed_copy(tables, name):
    expected = pd.read_csv(EXPECTED / name, dtype=str, keep_default_na=False)
    published = pd.read_csv(tables[name], dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(published, expected, check_exact=True)
