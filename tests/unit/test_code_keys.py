"""Each build step's cache key covers its own code: the import closure of its entry point."""

from __future__ import annotations

from sv_assessment.build import code_keys
from sv_assessment.paths import NOTEBOOKS_DIR

PACKAGE = code_keys.PACKAGE_DIR


def names(modules: set) -> set[str]:
    return {m.relative_to(PACKAGE).as_posix() for m in modules}


def test_staging_code_is_readers_contracts_and_demo_not_chapters():
    staged = names(code_keys.closure([PACKAGE / e for e in code_keys.STAGE_ENTRY]))
    assert {"ingest/tabular.py", "contracts/validation.py", "config.py"} <= staged
    assert not any(n.startswith(("chapters/", "rendering/", "analysis/")) for n in staged)


def test_a_chapters_code_is_its_own_module_and_the_shared_runtime():
    knife = NOTEBOOKS_DIR / "04_knife_crime.ipynb"
    source = "\n".join(
        "".join(cell["source"])
        for cell in __import__("json").loads(knife.read_text())["cells"]
        if cell["cell_type"] == "code"
    )
    modules = names(
        code_keys.closure(code_keys.imported_modules(source), code_keys.NOT_RUN_BY_CHAPTERS)
    )
    assert {"chapters/knife_crime.py", "chapters/runtime.py", "analysis/measures.py"} <= modules
    assert "chapters/places.py" not in modules
    assert not any(n.startswith(("ingest/", "contracts/", "build/")) for n in modules)


def test_parenthesised_and_aliased_imports_are_followed():
    source = (
        "from sv_assessment.chapters import (\n    districts,\n    places as p,\n)\n"
        "import sv_assessment.analysis.measures\n"
        "from sv_assessment.config import load_config  # a name, not a module\n"
    )
    assert names(code_keys.imported_modules(source)) == {
        "chapters/districts.py",
        "chapters/places.py",
        "analysis/measures.py",
        "config.py",
    }


def test_the_key_changes_when_a_module_in_the_closure_changes(tmp_path, monkeypatch):
    module = PACKAGE / "chapters" / "places.py"
    before = code_keys.fingerprint({module})
    monkeypatch.setattr(code_keys, "PACKAGE_DIR", PACKAGE)
    edited = tmp_path / "chapters" / "places.py"
    edited.parent.mkdir()
    edited.write_text(module.read_text() + "\n# edited\n")
    monkeypatch.setattr(code_keys, "PACKAGE_DIR", tmp_path)
    assert code_keys.fingerprint({edited}) != before
