"""Content keys: a change to what a step depends on changes its key; nothing else does."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from sv_assessment.build import cache


def test_file_hash_of_a_folder_covers_names_and_contents(tmp_path: Path):
    (tmp_path / "a.csv").write_text("x\n1\n")
    before = cache.file_sha256(tmp_path)
    (tmp_path / "a.csv").rename(tmp_path / "b.csv")
    renamed = cache.file_sha256(tmp_path)
    (tmp_path / "b.csv").write_text("x\n2\n")
    assert len({before, renamed, cache.file_sha256(tmp_path)}) == 3


def test_raw_fingerprint_reuses_the_hash_only_while_size_and_mtime_hold(tmp_path: Path):
    path = tmp_path / "offences.csv"
    path.write_text("a\n1\n")
    first = cache.raw_fingerprint(path)
    planted = {**first, "sha256": "from-before"}
    assert cache.raw_fingerprint(path, planted)["sha256"] == "from-before"
    path.write_text("a\n2\n")  # same size, new contents and mtime
    os.utime(path, ns=(first["mtime_ns"] + 10**9, first["mtime_ns"] + 10**9))
    assert cache.raw_fingerprint(path, planted)["sha256"] == cache.file_sha256(path)
    assert cache.raw_fingerprint(tmp_path / "absent.csv") == {
        "path": str(tmp_path / "absent.csv"),
        "absent": True,
    }


def test_column_fingerprints_change_only_for_the_changed_column(tmp_path: Path):
    frame = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})
    frame.to_parquet(tmp_path / "one.parquet", index=False)
    frame.assign(b=["x", "y", "w"]).to_parquet(tmp_path / "two.parquet", index=False)
    one = cache.column_fingerprints(tmp_path / "one.parquet")
    two = cache.column_fingerprints(tmp_path / "two.parquet")
    assert one["a"] == two["a"] and one["b"] != two["b"]


def test_reads_fingerprint_takes_only_declared_columns_and_names_unknown_ones():
    manifest = {
        "raw": {"offences": {}, "ae": {}},
        "columns": {"offences": {"a": "1", "b": "2"}},
        "files": {"inputs.json": "h"},
    }
    found = cache.reads_fingerprint({"inputs": {"offences": ["a"], "ae": "*"}}, manifest)
    assert found["inputs"] == {"offences": {"a": "1"}, "ae": "not provided"}
    with pytest.raises(KeyError, match="no column"):
        cache.reads_fingerprint({"inputs": {"offences": ["zz"]}}, manifest)
    with pytest.raises(KeyError, match="not in the config"):
        cache.reads_fingerprint({"inputs": {"elsewhere": "*"}}, manifest)


def test_prune_keeps_the_current_entry_and_the_most_recent_others(tmp_path: Path):
    for index, name in enumerate(["old", "mid", "new", "current"]):
        entry = tmp_path / name
        entry.mkdir()
        os.utime(entry, (1_000_000 + index, 1_000_000 + index))
    (tmp_path / ".tmp-dead").mkdir()
    cache.prune(tmp_path, keep="current", limit=3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["current", "mid", "new"]


def test_contracts_date_is_the_year_end_or_today_within_the_year():
    import datetime as dt

    assert cache.contracts_date(2024, dt.date(2026, 1, 5)) == "2024-12-31"
    assert cache.contracts_date(2026, dt.date(2026, 1, 5)) == "2026-01-05"


def test_write_json_atomic_leaves_no_temporary_file(tmp_path: Path):
    cache.write_json_atomic(tmp_path / "deep" / "entry.json", {"key": 1})
    assert cache.read_json(tmp_path / "deep" / "entry.json") == {"key": 1}
    assert [p.name for p in (tmp_path / "deep").iterdir()] == ["entry.json"]
    assert cache.read_json(tmp_path / "missing.json") is None
