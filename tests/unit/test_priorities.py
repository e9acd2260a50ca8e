"""Priorities from structured entries: read, checked, shown with links to their charts."""

from __future__ import annotations

import pytest

from sv_assessment.chapters import priorities

ENTRIES = """
- priority: Knife crime among young people
  recommendation: Outreach in schools.
  owner: VRU
  evidence:
    - {figure: knife_age_group_rates, says: "Knife crime rates by age"}
"""


def test_entries_become_sections_with_links_to_their_charts(tmp_path):
    (tmp_path / priorities.ENTRIES_FILE).write_text(ENTRIES)
    entries, synthetic = priorities.load(tmp_path, synthetic=True)
    assert not synthetic  # the partnership's own entries win over the demo's
    text = priorities.markdown(entries, synthetic)
    assert "## Priority 1: Knife crime among young people" in text
    assert "[Knife crime rates by age](#figure-knife_age_group_rates)" in text
    assert "**Owner:** VRU" in text


def test_demo_entries_only_for_a_synthetic_assessment_and_labelled(tmp_path):
    entries, synthetic = priorities.load(tmp_path, synthetic=True)
    assert synthetic and entries
    assert "Synthetic example priorities" in priorities.markdown(entries, synthetic)
    assert priorities.load(tmp_path, synthetic=False) is None
    assert "Not available: priorities" in priorities.not_available_note()


def test_a_bad_entry_names_the_file_and_entry(tmp_path):
    (tmp_path / priorities.ENTRIES_FILE).write_text("- priority: X\n  owner: Y\n  colour: red\n")
    with pytest.raises(priorities.PrioritiesError, match=r"entry 1: colour"):
        priorities.load(tmp_path, synthetic=False)
