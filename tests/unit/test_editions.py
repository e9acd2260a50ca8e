"""Editions: planned from the config (area, named groups, districts), narrowed to their place,
and listed side by side on an index page that says plainly which failed."""

from __future__ import annotations

from pathlib import Path

import pytest

from sv_assessment.config import ConfigError, load_config
from sv_assessment.fanout import index_page
from sv_assessment.fanout.cluster import JobOutcome, progress_line
from sv_assessment.fanout.editions import AREA, plan_editions
from tests.conftest import write_config

GROUPS = {"editions": {"districts": True, "groups": {"East Kent": ["Thanet", "E07000105"]}}}


def test_editions_are_the_area_then_each_group_then_each_district(tmp_path):
    config = load_config(write_config(tmp_path, **GROUPS))
    editions = plan_editions(config)
    assert [e.name for e in editions] == [AREA, "east-kent", "ashford", "thanet", "medway"]
    assert editions[1].districts == ("Ashford", "Thanet")
    assert editions[2].place == "E07000105"


def test_districts_false_leaves_the_area_and_the_groups(tmp_path):
    config = load_config(
        write_config(tmp_path, editions={"districts": False, "groups": {"North": ["Medway"]}})
    )
    assert [e.name for e in plan_editions(config)] == [AREA, "north"]


def test_a_group_narrows_the_config_to_its_districts(tmp_path):
    config = load_config(write_config(tmp_path, **GROUPS))
    place = config.for_place("east kent")
    assert place.area_name == "East Kent"
    assert place.district_codes == ["E07000105", "E07000114"]
    assert config.for_place("Medway").district_codes == ["E06000035"]


def test_a_group_naming_an_unknown_district_is_refused(tmp_path):
    config = load_config(
        write_config(tmp_path, editions={"groups": {"West": ["Ashford", "Atlantis"]}})
    )
    with pytest.raises(ConfigError, match=r"editions.groups.West: \['Atlantis'\]"):
        plan_editions(config)


def test_an_unknown_editions_setting_is_refused_with_its_line(tmp_path):
    with pytest.raises(ConfigError, match="'editions.district' is not a setting"):
        load_config(write_config(tmp_path, editions={"district": True}))


def test_index_row_shows_the_published_figures_and_links_the_page(tmp_path):
    config = load_config(write_config(tmp_path))
    published = tmp_path / "out" / "2024"
    (published / "tables").mkdir(parents=True)
    (published / "assessment.html").write_text("<html></html>")
    (published / "tables" / "sv_rate_by_year.csv").write_text(
        'Year,Offences,Population,"Rate per 1,000",95% CI lower,95% CI upper\n'
        '2023,"1,200","500,000",2.4,2.27,2.54\n2024,[c],"500,000",,,\n'
    )
    [area] = plan_editions(config)[:1]
    ok = JobOutcome(AREA, True, {"published": str(published), "publish_skipped": False})
    row = index_page.edition_row(area, ok, config, tmp_path / "index")
    assert row[0] == '<a href="../out/2024/assessment.html">Kent and Medway</a>'
    assert row[2:5] == ["1,200", "[c]", "[c]"]
    failed = index_page.edition_row(
        area, JobOutcome(AREA, False, error="BuildFailed: x"), config, Path(".")
    )
    assert "failed" in failed[-1] and "<a " not in failed[0]


def test_progress_line_counts_done_running_failed_and_waiting():
    assert progress_line(10, 3, 2, 1) == (
        "editions: 3 done, 2 running, 1 failed, 4 waiting (of 10)"
    )


def test_a_place_is_compared_with_the_whole_area_not_with_itself():
    import pandas as pd

    from sv_assessment.analysis import comparison

    place = pd.DataFrame({"district": ["Thanet"], "offences": [30], "population": [10_000]})
    alone = comparison.rank_against_area(place, "offences", "population")
    assert alone["compared_with_area"][0] == "within limits"  # itself: nothing to say
    against_area = comparison.rank_against_area(place, "offences", "population", area_rate=1.0)
    assert against_area["compared_with_area"][0] == "above 99.8% limit"  # 3.0 against 1.0
