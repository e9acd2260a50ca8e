"""The context and data-gaps chapters, run in-process on small staged frames: each optional
input missing gives a "not available" note naming what to provide; present, its section is
published through disclosure control."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml

from sv_assessment.chapters import availability, context, runtime
from sv_assessment.paths import NOTEBOOKS_DIR
from tests.conftest import DISTRICTS, make_config, make_offences, make_population

COUNTS = {(code, year): 60 for code, _, _ in DISTRICTS for year in (2023, 2024)}


def _deprivation(population: bool = True) -> pd.DataFrame:
    rows = [
        {
            "lsoa_code": f"{code}-L{i:02d}",
            "lsoa_name": f"{name} {i:03d}A",
            "district_code": code,
            "imd_decile": i // 2 + 1,
            "population": 1500 if population else None,
        }
        for code, name, _ in DISTRICTS
        for i in range(20)
    ]
    rows.append(  # another area's LSOA, as in the national file: never used
        {
            "lsoa_code": "E01999999",
            "lsoa_name": "Elsewhere 001A",
            "district_code": "E0999999",
            "imd_decile": 1,
            "population": 1500,
        }
    )
    return pd.DataFrame(rows).astype({"imd_decile": "Int64", "population": "Int64"})


def _run(
    name: str, tmp: Path, monkeypatch, population=True, deprivation=True, offences=None
) -> list[dict]:
    config = make_config(tmp, with_ae=False).as_dict()
    config["inputs"]["deprivation"] = {
        "path": str(tmp / "imd.csv"),
        "kind": "deprivation",
        "optional": True,
    }
    config_path = tmp / "test.yml"
    config_path.write_text(yaml.safe_dump(config))
    staged = tmp / "staged"
    staged.mkdir(exist_ok=True)
    # As staging writes them: an optional column the extract lacks is there, empty.
    default = (
        make_offences(COUNTS)
        .assign(
            victim_id=pd.NA,
            suspect_id=pd.NA,
            longitude=None,
            latitude=None,
            easting=None,
            northing=None,
        )
        .astype({c: "float64" for c in ("longitude", "latitude", "easting", "northing")})
    )
    (default if offences is None else offences).to_parquet(staged / "offences.parquet")
    if population:
        make_population([2023, 2024]).to_parquet(staged / "population.parquet")
    if deprivation:
        _deprivation().to_parquet(staged / "deprivation.parquet")
    inputs = {
        "offences": {"provided": True},
        "population": {"provided": population},
        "deprivation": {"provided": deprivation},
    }
    (staged / "inputs.json").write_text(json.dumps(inputs))
    (staged / "contracts.json").write_text("[]")
    shown: list[dict] = []
    monkeypatch.setattr(runtime, "_display", lambda bundle, metadata=None: shown.append(bundle))
    namespace = {
        "config_path": str(config_path),
        "assessment_year": None,
        "staged_dir": str(staged),
        "tables_dir": str(tmp / "tables"),
        "static_images": False,
        "district": None,
    }
    notebook = nbformat.read(NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code" and "parameters" not in cell.metadata.get("tags", []):
            exec(compile(cell.source, f"{name}.ipynb", "exec"), namespace)
    return shown


def _text(shown: list[dict]) -> str:
    return "\n".join(b.get("text/markdown", "") for b in shown)


def test_context_with_every_input_publishes_population_and_deciles(tmp_path, monkeypatch):
    shown = _run("10_context", tmp_path, monkeypatch)
    assert "Not available" not in _text(shown)
    population = pd.read_csv(tmp_path / "tables" / "context_population.csv")
    assert list(population["Age band"])[:3] == ["0-9", "10-17", "18-24"]
    assert "held" not in _text(shown) or "same figures" in _text(shown)  # flat input said so
    deciles = pd.read_csv(tmp_path / "tables" / "context_deprivation_deciles.csv", dtype=str)
    counts = pd.to_numeric(deciles["Serious violence offences"].str.replace(",", ""), "coerce")
    assert not counts.between(1, 4).any()
    assert (tmp_path / "tables" / "context_concentration.csv").exists()
    assert "concentration index" in _text(shown)


@pytest.mark.parametrize("missing", ["population", "deprivation"])
def test_context_without_an_input_says_what_to_provide(tmp_path, monkeypatch, missing):
    shown = _run("10_context", tmp_path, monkeypatch, **{missing: False})
    text = _text(shown)
    assert f"Not available: {availability.need(missing).label.lower()}" in text
    assert "Where to get it" in text
    other = "deprivation" if missing == "population" else "population"
    assert f"Not available: {availability.need(other).label.lower()}" not in text


def test_data_gaps_lists_missing_inputs_and_questions(tmp_path, monkeypatch):
    shown = _run("11_data_gaps", tmp_path, monkeypatch, deprivation=False)
    gaps = pd.read_csv(tmp_path / "tables" / "data_gaps.csv").set_index("Input")
    assert gaps.loc["LSOA deprivation deciles", "Status"] == "not provided"
    assert (
        "English Indices of Deprivation" in gaps.loc["LSOA deprivation deciles", "Where to get it"]
    )
    assert gaps.loc["Population by district, year and age band", "Status"] == "provided"
    assert "left unanswered" in _text(shown)
    assert gaps.loc["Pseudonymised victim and suspect ids in the police extract", "Status"] == (
        "not provided"
    )
    coordinates = gaps.loc["Offence locations (coordinates) in the police extract"]
    assert coordinates["Status"] == "not provided"
    assert "easting and northing" in coordinates["What to provide"]


def test_population_structure_and_held_flat(tmp_path):
    config = make_config(tmp_path)
    structure = context.population_structure(make_population([2023, 2024]), config)
    assert structure["population_2024"].sum() == sum(p for *_, p in DISTRICTS)
    assert structure["share_2024_percent"].sum() == pytest.approx(100, abs=0.2)
    assert context.held_flat(structure)
    assert "same figures for every year" in context.population_sentence(structure, config)
