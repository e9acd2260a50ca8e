"""A small synthetic national archive in the data.police.uk layout: three forces, one of which
has no file for one month, and the ONS mid-year estimates file for its local authorities."""

from __future__ import annotations

from pathlib import Path

from sv_assessment.demo import police_uk as demo

FORCES = {
    "alpha": [("E06000901", "Alpha Town", 30000), ("E07000901", "Beta Vale", 20000)],
    "gamma": [("E06000902", "Gamma City", 40000)],
    "delta": [("W06000901", "Delta Sir", 25000)],
}
MISSING = ("gamma", "2024-03")  # the force and month with no file
NO_ROWS = ("E07000909", "Zeta Nowhere", 15000)  # in the population file, in no force's files
MONTHS = demo.months_between("2023-01", "2024-12")


def write_archive(directory: Path, crimes_per_1000_per_month: float = 2.0) -> Path:
    archive = directory / "archive"
    for seed, (force, districts) in enumerate(FORCES.items(), start=11):
        months = [m for m in MONTHS if (force, m) != MISSING]
        demo.write_street_files(
            archive,
            districts,
            force,
            f"{force.title()} Police",
            months,
            seed,
            crimes_per_1000_per_month,
        )
    return archive


def write_population(directory: Path) -> Path:
    """The ONS MYE2 layout: title rows, then Code, Name, Geography, All ages, single years."""
    lines = [
        "Mid-2023 population estimates for local authorities in England and Wales (SYNTHETIC)",
        "",
        "Code,Name,Geography,All ages,0,1",
        'K04000001,England and Wales,Country,"60,000,000",1,1',
        'E12000008,South East,Region,"9,000,000",1,1',
    ]
    for districts in FORCES.values():
        for code, name, population in districts:
            lines.append(f'{code},{name},Unitary Authority,"{population:,}",1,1')
    code, name, population = NO_ROWS
    lines.append(f'{code},{name},Non-metropolitan District,"{population:,}",1,1')
    path = directory / "mye2_persons.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
