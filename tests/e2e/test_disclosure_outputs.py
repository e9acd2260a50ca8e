"""The disclosure checker attacks real builds: the small three-district partner build and the
demo (both shared with the other end-to-end tests) and one month of open data for four
districts, where many counts are small. None may give away a count from 1 to 4."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sv_assessment.analysis.disclosure import SYMBOLS, DisclosurePolicy
from sv_assessment.analysis.suppression_audit import AuditRule, Relation, failing_cells
from sv_assessment.build import BuildOptions, build
from sv_assessment.build import published_files as pf
from sv_assessment.build.disclosure_check import check_published
from sv_assessment.demo import police_uk as demo_police_uk
from tests.built_report import built_assessment, built_demo

POLICY = DisclosurePolicy(5)
DISTRICTS = [
    ("E07000105", "Ashford", 132700),
    ("E07000115", "Tonbridge and Malling", 132200),
    ("E07000116", "Tunbridge Wells", 115300),
    ("E07000112", "Folkestone and Hythe", 109800),
]


def hidden_tables(published: Path) -> set[str]:
    return {p.stem for p in (published / "tables").glob("*.csv") if "[c]" in p.read_text()}


def assert_nothing_given_away(published: Path) -> None:
    breaches = check_published(published, POLICY)
    assert breaches == [], "\n".join(map(str, breaches))
    # Every published CSV went through the gate and says how to read its symbols.
    for table in (published / "tables").glob("*.csv"):
        metadata = json.loads(table.with_name(table.name + "-metadata.json").read_text())
        assert metadata["tableSchema"]["columns"][0]["null"][:3] == ["[c]", "[x]", "[z]"]


def test_small_partner_build_gives_nothing_away() -> None:
    published = built_assessment().published
    assert_nothing_given_away(published)
    hidden = hidden_tables(published)
    # Small numbers are exercised here in the violence profile and places chapters (the
    # knife, district and health tables of this build have no count below 5).
    for chapter in ("sv_", "places_"):
        assert any(name.startswith(chapter) for name in hidden), (chapter, hidden)


def test_demo_build_gives_nothing_away() -> None:
    published = built_demo().published
    assert_nothing_given_away(published)
    heatmap = (published / "tables" / "sv_weekday_hour.csv").read_text()
    assert "[c]" in heatmap  # the 2s, 3s and 4s the heat map used to publish
    html = (published / "assessment.html").read_text(encoding="utf-8")
    assert "stabbed" not in html and "Sharp object" in html


def build_one_month(root: Path, disclosure: dict | None = None) -> Path:
    """One month of data.police.uk files for four districts, built (HTML only)."""
    data = root / "data" / "police_uk" / "kent"
    demo_police_uk.write_street_files(
        data, DISTRICTS, "kent", "Kent Police", ["2024-03"], seed=5, crimes_per_1000_per_month=2.0
    )
    config = {
        "source": "police_uk",
        "assessment": {
            "area_name": "One month",
            "partnership": "Test partnership",
            "assessment_year": 2024,
            "years_covered": 2,
            "synthetic_data": True,
        },
        "police_uk": {"force": "kent", "force_name": "Kent Police"},
        "inputs": {"crimes": {"path": str(data), "kind": "police_uk_street"}},
        "districts": [{"code": c, "name": n, "population": p} for c, n, p in DISTRICTS],
    }
    if disclosure:
        config["disclosure"] = disclosure
    path = root / "one_month.yml"
    path.write_text(yaml.safe_dump(config))
    options = BuildOptions(
        config_path=path,
        formats=("html",),
        outputs_dir=root / "outputs",
        work_dir=root / "work",
    )
    return build(options).published


@pytest.fixture(scope="module")
def one_month(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_one_month(tmp_path_factory.mktemp("one_month"))


def test_one_month_of_open_data_gives_nothing_away(one_month: Path) -> None:
    assert_nothing_given_away(one_month)
    hidden = hidden_tables(one_month)
    assert {"od_district_crime_types", "od_outcomes", "od_lsoa_hotspots"} <= hidden, hidden


FOCUS = ["Violence and sexual offences", "Possession of weapons", "Robbery"]


def open_data_attack(published: Path, year: int) -> list[str]:
    """A reader's attack on the open-data tables that reads them by their labels alone, not by
    the gate's metadata: a district's crimes of a type are one unknown in the district rates
    and the district by crime type tables; a district's focus types add up to its crimes; each
    crime type's districts, months and outcomes add up to its year in the crime-type table; each
    outcome's types add up to its total. Every hidden cell is bounded by linear programming."""
    tables = {p.stem: pd.read_csv(p, dtype=str) for p in (published / "tables").glob("od_*.csv")}
    index: dict[tuple, int] = {}
    values: list[float] = []
    shown: list[bool] = []
    relations: list[Relation] = []
    found = []

    def cell(key: tuple, text: str) -> int:
        if key not in index:
            index[key] = len(values)
            values.append(0.0)
            shown.append(False)
        if text not in SYMBOLS:
            number = float(str(text).replace(",", ""))
            if shown[index[key]] and values[index[key]] != number:
                found.append(f"{key}: shown as {values[index[key]]:g} and as {number:g}")
            values[index[key]], shown[index[key]] = number, True
        return index[key]

    by_type, rates = tables["od_district_crime_types"], tables["od_district_rates"]
    types = list(by_type.columns[1:])
    for row in by_type.itertuples(index=False):
        for column, text in zip(types, row[1:], strict=True):
            cell(("district", row[0], column), text)
    for _, row in rates.iterrows():
        parts = [cell(("district", row["District"], t), row[t]) for t in FOCUS]
        relations.append(Relation(tuple(parts), cell(("in scope", row["District"]), row["Crimes"])))
    type_year = tables["od_crime_types"].set_index("Crime type")[f"Records {year}"]
    for column in types:
        parts = [index[("district", d, column)] for d in by_type["District"]]
        relations.append(Relation(tuple(parts), cell(("type", column), type_year[column])))
    outcomes = tables["od_outcomes"]
    for _, row in outcomes.iterrows():
        parts = [cell(("outcome", row.iloc[0], t), row[t]) for t in FOCUS]
        total = cell(("outcome", row.iloc[0]), row["All in scope"])
        relations.append(Relation(tuple(parts), total))
    for t in FOCUS:
        parts = [index[("outcome", o, t)] for o in outcomes.iloc[:, 0]]
        relations.append(Relation(tuple(parts), index[("type", t)]))
    monthly = tables["od_monthly"]
    for t in FOCUS:
        rows = monthly[(monthly["Crime type"] == t) & monthly["Month"].str.startswith(str(year))]
        rows = rows[rows["Crimes"] != "[x]"]
        parts = [
            cell(("month", m, t), c) for m, c in zip(rows["Month"], rows["Crimes"], strict=True)
        ]
        relations.append(Relation(tuple(parts), index[("type", t)]))
    hotspots = tables["od_lsoa_hotspots"]
    for _, row in hotspots[hotspots["Crimes"] == "[c]"].iterrows():
        if row["Share of area (%)"] not in SYMBOLS:
            found.append(f"LSOA {row['LSOA']}: share {row['Share of area (%)']} beside [c]")
    hidden = ~np.array(shown)
    for i in failing_cells(
        np.array(values), hidden, relations, hidden.copy(), AuditRule(5), values_known=False
    ):
        key = next(k for k, v in index.items() if v == i)
        found.append(f"{key} can be worked out by subtraction across the tables")
    return found


def test_open_data_tables_are_protected_together(one_month: Path) -> None:
    """Fails where each open-data table is protected on its own: a district's two hidden cells
    in the rates table add up to its crimes less the one shown, pinned there, or a count hidden
    in one table is shown in another."""
    assert open_data_attack(one_month, 2024) == []


def test_one_month_rounded_to_5_gives_nothing_away(tmp_path: Path) -> None:
    """With ``disclosure.rounding: 5`` every published count is a multiple of 5, each table's
    totals add up to its parts as shown, and the checker (which then takes each shown count as
    known only to within 4 either side) finds nothing to recover."""
    published = build_one_month(tmp_path, {"rounding": 5})
    assert check_published(published, DisclosurePolicy(5, rounding=5)) == []
    tables = pf.read_tables(published)
    counted = 0
    for table in tables.values():
        for column in table.count_columns:
            for text in table.cells[column]:
                if text not in SYMBOLS:
                    assert float(text.replace(",", "")) % 5 == 0, (table.name, column, text)
                    counted += 1
    assert counted > 50
    rates = tables["od_district_rates"].cells
    for _, row in rates.iterrows():
        parts = [row[t] for t in FOCUS]
        if all(p not in SYMBOLS for p in parts) and row["Crimes"] not in SYMBOLS:
            assert sum(int(p) for p in parts) == int(row["Crimes"])  # as shown
