"""The disclosure checker attacks real builds: the small three-district partner build and the
demo (both shared with the other end-to-end tests) and one month of open data for four
districts, where many counts are small. None may give away a count from 1 to 4."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from sv_assessment.analysis.disclosure import DisclosurePolicy
from sv_assessment.build import BuildOptions, build
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


@pytest.fixture(scope="module")
def one_month(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("one_month")
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
    path = root / "one_month.yml"
    path.write_text(yaml.safe_dump(config))
    options = BuildOptions(
        config_path=path,
        formats=("html",),
        outputs_dir=root / "outputs",
        work_dir=root / "work",
    )
    return build(options).published


def test_one_month_of_open_data_gives_nothing_away(one_month: Path) -> None:
    assert_nothing_given_away(one_month)
    hidden = hidden_tables(one_month)
    assert {"od_district_crime_types", "od_outcomes", "od_lsoa_hotspots"} <= hidden, hidden
