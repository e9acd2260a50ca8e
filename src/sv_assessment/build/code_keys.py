"""Which of the package's code each build step depends on, so that a step's cache key changes
with its own code only: editing a chapter's module re-runs that chapter, not the staging of
millions of input rows, and editing the renderer re-runs only the assembly.

A step's code is the closure of the package modules it imports, found by reading ``import``
lines (no module is imported, so this stays fast). Imports inside functions count too.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

PACKAGE = "sv_assessment"
PACKAGE_DIR = Path(__file__).resolve().parents[1]

# `from sv_assessment.x.y import a, b as c` and `import sv_assessment.x.y`
_FROM = re.compile(
    rf"^[ \t]*from[ \t]+{PACKAGE}((?:\.\w+)*)[ \t]+import[ \t]+(?:\(([^)]*)\)|([^\n#]+))", re.M
)
_IMPORT = re.compile(rf"^\s*import\s+{PACKAGE}((?:\.\w+)+)", re.M)

# The entry point of each step: what runs, and so what its result depends on.
STAGE_ENTRY = ("build/staging.py",)
NOT_RUN_BY_CHAPTERS = frozenset(
    {
        PACKAGE_DIR / "build" / "staging.py",
        PACKAGE_DIR / "build" / "previous_demo.py",
        # open_chapter stages through it only when the data is not staged: never under the
        # pipeline, which stages first and gives the chapter its staged_dir.
        PACKAGE_DIR / "build" / "orchestrate.py",
    }
)
RENDER_ENTRY = (
    "rendering/project.py",
    "rendering/pandoc.py",
    "rendering/quarto.py",
    "rendering/images.py",
)


def _module_file(dotted: str) -> Path | None:
    """``chapters.districts`` → chapters/districts.py (or the package's __init__.py)."""
    parts = [p for p in dotted.split(".") if p]
    base = PACKAGE_DIR.joinpath(*parts)
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    return None


def imported_modules(source: str) -> set[Path]:
    """The package modules a piece of Python source names in its imports."""
    found: set[Path] = set()
    for match in _FROM.finditer(source):
        package = match.group(1)
        listed = match.group(2) if match.group(2) is not None else match.group(3)
        names = [n.split(" as ")[0].strip() for n in listed.replace("\n", " ").split(",")]
        for name in filter(None, names):
            module = _module_file(f"{package}.{name}")
            if module is None or not package:  # a name defined in the module, not a submodule
                module = _module_file(package) if package else None
            if module is not None:
                found.add(module)
    for match in _IMPORT.finditer(source):
        module = _module_file(match.group(1))
        if module is not None:
            found.add(module)
    return found


def _imports_of(path: Path) -> frozenset[Path]:
    return _imports_at(path, path.stat().st_mtime_ns)


@functools.cache
def _imports_at(path: Path, mtime_ns: int) -> frozenset[Path]:  # mtime: an edit invalidates
    return frozenset(imported_modules(path.read_text(encoding="utf-8")))


def closure(entries: Iterable[Path], stop: frozenset[Path] = frozenset()) -> set[Path]:
    """Every package module the entries import, directly or through others, leaving out the
    ``stop`` modules and what only they import."""
    modules: set[Path] = set()
    pending = [e for e in entries if e not in stop]
    while pending:
        module = pending.pop()
        if module in modules:
            continue
        modules.add(module)
        pending += [m for m in _imports_of(module) if m not in modules and m not in stop]
    return modules


# A data file a module reads from beside itself, e.g. the Home Office offence classification
# table: ``Path(__file__).with_name("home_office_offence_codes.csv")``.
_DATA_FILE = re.compile(r"""Path\(__file__\)\.with_name\(\s*["']([^"']+)["']\s*\)""")


def data_files(module: Path) -> list[Path]:
    """The files beside a module that it reads (so an edit to one changes the step's key)."""
    names = _DATA_FILE.findall(module.read_text(encoding="utf-8"))
    return [module.with_name(n) for n in sorted(set(names)) if module.with_name(n).is_file()]


def fingerprint(modules: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for module in sorted(modules):
        for path in (module, *data_files(module)):
            digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def stage_code() -> str:
    """The code of staging: readers, contracts, demo data, config and catalog."""
    return fingerprint(closure(PACKAGE_DIR / e for e in STAGE_ENTRY))


def render_code() -> str:
    """The code of the assembly: the renderers and the front matter they write."""
    return fingerprint(closure(PACKAGE_DIR / e for e in RENDER_ENTRY))


def notebook_code(notebook_path: Path) -> str:
    """The code a chapter notebook runs: the modules its code cells import, and theirs."""
    import json

    cells = json.loads(notebook_path.read_text(encoding="utf-8")).get("cells", [])
    source = "\n".join(
        "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        for c in cells
        if c.get("cell_type") == "code"
    )
    # Under the pipeline a chapter never stages its inputs (the build did), so the staging code
    # that ``notebook.open_chapter`` can call interactively is not part of a chapter's key.
    return fingerprint(closure(imported_modules(source), stop=NOT_RUN_BY_CHAPTERS))
