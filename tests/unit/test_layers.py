"""Imports point down the flow, never back up: config → ingest → contracts → analysis →
chapters → rendering → build → entry points (docs/architecture.md)."""

from __future__ import annotations

import pytest

from sv_assessment.build import code_keys

PACKAGE = code_keys.PACKAGE_DIR
# The rank of each part of the package: a module may import only from its rank or below.
RANKS = {
    "paths.py": 0,
    "config_file.py": 0,
    "schema.py": 0,
    "errors.py": 0,
    "__init__.py": 0,
    "config.py": 1,
    "catalog.py": 1,
    "provenance.py": 1,
    "ingest": 2,
    "demo": 2,
    "contracts": 3,
    "analysis": 4,
    "chapters": 5,
    "rendering": 6,
    "build": 7,
    "notebook.py": 8,
    "cli.py": 8,
    "fanout": 8,
}
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def rank(module) -> int:
    return RANKS[module.relative_to(PACKAGE).parts[0]]


def test_every_module_has_a_rank():
    assert {m.relative_to(PACKAGE).parts[0] for m in MODULES} <= set(RANKS)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.relative_to(PACKAGE).as_posix())
def test_no_import_from_a_higher_stage(module):
    upward = [
        imported.relative_to(PACKAGE).as_posix()
        for imported in code_keys.imported_modules(module.read_text(encoding="utf-8"))
        if rank(imported) > rank(module) and imported.name != "__init__.py"
    ]
    assert upward == [], f"{module.relative_to(PACKAGE)} imports from a later stage: {upward}"


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.relative_to(PACKAGE).as_posix())
def test_modules_stay_short_or_say_why(module):
    lines = module.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 330 or any("Long because" in line for line in lines[:15])
