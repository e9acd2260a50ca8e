"""Partnerships for the national build: each local authority is its own partnership unless a
partnerships file groups several into one (a CSP can cover more than one local authority, e.g.
two districts with one shared CSP).

The file (``pipeline.py national --partnerships FILE``) is YAML naming each group and its
members by ONS code or name, as the population file gives them::

    partnerships:
      Alpha and Beta: [E06000901, Beta Vale]

A grouped partnership gets one assessment, its members as its districts, and one row on the
index page; its folder is the slug of its name (``alpha-and-beta``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from sv_assessment.ingest import national
from sv_assessment.ingest.errors import InputError


@dataclass(frozen=True)
class Partnership:
    code: str  # the local authority's ONS code, or the slug of the group's name
    name: str
    members: tuple[national.Area, ...]

    @property
    def population(self) -> int:
        return sum(a.population for a in self.members)

    @property
    def grouped(self) -> bool:
        return len(self.members) > 1 or self.code != self.members[0].code


def read_groups(path: Path) -> dict[str, list[str]]:
    """The ``partnerships`` mapping of a partnerships file: group name to member codes or names."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise InputError(path, f"cannot be read as YAML: {error}") from None
    groups = raw.get("partnerships") if isinstance(raw, dict) else None
    if not isinstance(groups, dict) or not groups:
        raise InputError(path, "expected 'partnerships:' naming each group and its members")
    for name, members in groups.items():
        if not isinstance(members, list) or not members:
            raise InputError(path, f"partnership '{name}': give its members as a list")
    return {str(name): [str(m) for m in members] for name, members in groups.items()}


def group_areas(
    areas: list[national.Area], groups: dict[str, list[str]], source: Path | None = None
) -> list[Partnership]:
    """Every local authority in a partnership: its group's, or one of its own. A group takes
    the place of its first member in the population file's order."""
    by_key = {}
    for area in areas:
        by_key[area.code.lower()] = area
        by_key[area.name.strip().lower()] = area
    where = source or Path("partnerships")
    owner: dict[str, str] = {}
    grouped: dict[str, Partnership] = {}
    for name, members in groups.items():
        unknown = [m for m in members if m.strip().lower() not in by_key]
        if unknown:
            raise InputError(
                where, f"partnership '{name}': not in the population file: {', '.join(unknown)}"
            )
        chosen = tuple(dict.fromkeys(by_key[m.strip().lower()] for m in members))
        for area in chosen:
            if area.code in owner:
                raise InputError(
                    where, f"{area.name} ({area.code}) is in both '{owner[area.code]}' and '{name}'"
                )
            owner[area.code] = name
        grouped[name] = Partnership(national.slug(name), name, chosen)
    slugs = [p.code for p in grouped.values()]
    if len(set(slugs)) != len(slugs):
        raise InputError(where, f"partnership names give the same folder: {sorted(slugs)}")
    result, placed = [], set()
    for area in areas:
        name = owner.get(area.code)
        if name is None:
            result.append(Partnership(area.code, area.name, (area,)))
        elif name not in placed:
            placed.add(name)
            result.append(grouped[name])
    return result


def choose(partnerships: list[Partnership], only: tuple[str, ...]) -> list[Partnership]:
    """The partnerships named in ``--areas`` (by code or name, or a member's code or name)."""
    if not only:
        return partnerships
    wanted = {w.strip().lower() for w in only}

    def keys(p: Partnership) -> set[str]:
        return {p.code.lower(), p.name.lower()} | {
            k for a in p.members for k in (a.code.lower(), a.name.lower())
        }

    chosen = [p for p in partnerships if keys(p) & wanted]
    unknown = sorted(wanted - set().union(*(keys(p) for p in chosen)))
    if unknown:
        raise InputError(Path("--areas"), f"not in the population file: {', '.join(unknown)}")
    return chosen


def rows_by_force(partnership: Partnership, coverage: dict) -> dict[str, int]:
    """Rows of the archive in each force's files for the partnership's local authorities."""
    rows: dict[str, int] = {}
    for area in partnership.members:
        for force, count in coverage["areas"].get(area.code, {}).items():
            rows[force] = rows.get(force, 0) + count
    return rows


def partition(partnership: Partnership, archive_dir: Path, groups_dir: Path) -> Path:
    """The folder of the partnership's rows: its local authority's partition, or, for a group,
    a folder of links to its members' Parquet files (remade each run, so it follows a new
    ingest)."""
    if not partnership.grouped:
        return national.area_partition(archive_dir, partnership.code)
    folder = groups_dir / f"{national.PARTITION}={partnership.code}"
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {
        f"{area.code}-{file.name}": file.resolve()
        for area in partnership.members
        for file in sorted(national.area_partition(archive_dir, area.code).glob("*.parquet"))
    }
    for link in folder.glob("*.parquet"):
        if wanted.get(link.name) != (link.resolve() if link.is_symlink() else None):
            link.unlink()
    for name, target in wanted.items():
        if not (folder / name).is_symlink():
            os.symlink(target, folder / name)
    return folder
