"""One full build from an extract as a partner sends it: the same offences as the shared small
assessment, in a record-management export's own headers, codes and date format, with the
offence group derived from the Home Office code. Every published number must be the same."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sv_assessment.build import BuildOptions, build
from sv_assessment.ingest.canonical import read_input
from tests import extract_shapes
from tests.built_report import built_assessment

# Tables about the inputs themselves (file, fingerprint, where each field came from) or the
# machine: they differ by design between the two builds.
ABOUT_THE_INPUTS = {
    "methods_inputs.csv",
    "methods_software.csv",
    "methods_field_sources.csv",
    "dq_field_sources.csv",
    "methods_offence_codes.csv",
}


def _canonical_config(published: Path) -> Path:
    for folder in published.parents:
        if (folder / "small_assessment.yml").is_file():
            return folder / "small_assessment.yml"
    raise FileNotFoundError("the shared small assessment's config")


@pytest.fixture(scope="module")
def both_builds(tmp_path_factory) -> tuple[Path, Path]:
    if os.environ.get("SV_ASSESSMENT_OUTPUTS"):
        pytest.skip("needs the shared small assessment built here, not a published folder")
    canonical = built_assessment().published
    config_path = _canonical_config(canonical)
    raw = yaml.safe_load(config_path.read_text())
    offences = read_input(Path(raw["inputs"]["offences"]["path"]), "police_offences")
    base = tmp_path_factory.mktemp("own_extract")
    spec = extract_shapes.write_rms_export(offences, base / "rms_export.csv")
    # No group or description from the export: both derived from the Home Office code.
    for header in ("Crime Category", "Crime Type"):
        spec["columns"].pop(header)
    spec["values"].pop("offence_group")
    raw["inputs"]["offences"] = spec
    raw["demo"]["generate_if_missing"] = False
    mapped_config = base / "own_extract.yml"
    mapped_config.write_text(yaml.safe_dump(raw, sort_keys=False))
    result = build(
        BuildOptions(
            config_path=mapped_config,
            outputs_dir=base / "outputs",
            work_dir=base / "work",
            formats=("html",),
        )
    )
    return canonical, result.published


def test_every_published_number_is_the_same(both_builds):
    canonical, mapped = both_builds
    names = {p.name for p in (canonical / "tables").glob("*.csv")} - ABOUT_THE_INPUTS
    assert len(names) > 20
    for name in sorted(names):
        expected = pd.read_csv(canonical / "tables" / name, dtype=str, keep_default_na=False)
        published = pd.read_csv(mapped / "tables" / name, dtype=str, keep_default_na=False)
        pd.testing.assert_frame_equal(published, expected, obj=name)


def test_the_methods_chapter_shows_each_mapping_and_derivation(both_builds):
    _, mapped = both_builds
    fields = pd.read_csv(mapped / "tables" / "methods_field_sources.csv", dtype=str).fillna("")
    by_field = fields.set_index("Field")
    assert "'Weapon Used'" in by_field.at["knife_flag", "Source"]
    assert "K → true" in by_field.at["knife_flag", "Mapping"]
    assert "Dwelling → false" in by_field.at["public_place_flag", "Mapping"]
    assert by_field.at["offence_group", "Source"].startswith("derived from offence_code")
    codes = pd.read_csv(mapped / "tables" / "methods_offence_codes.csv", dtype=str)
    assert {"8N", "105A", "10D"} <= set(codes.iloc[:, 0])
    html = (mapped / "assessment.html").read_text(encoding="utf-8")
    assert "Offence group from the Home Office offence code" in html
    assert "Weapon Used" in html
    # Columns nothing maps are never read, so never published.
    for path in mapped.rglob("*"):
        if path.is_file() and path.suffix in {".csv", ".html", ".json", ".ipynb"}:
            text = path.read_text(encoding="utf-8", errors="ignore")
            assert "free text that must never be read" not in text, path
            assert "Officer in Case" not in text, path
