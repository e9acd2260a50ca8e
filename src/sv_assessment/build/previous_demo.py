"""The demo's synthetic 'previous published assessment': the tables last year's edition would
have published (year before the assessment year), made from the demo's own synthetic extract
and written exactly as the pipeline publishes tables (suppressed, plain headers), so the
'what changed' chapter has a previous edition to read. Only for the demo (synthetic data).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sv_assessment.analysis import definitions, disclosure
from sv_assessment.chapters import maps, places, publishing, violence_profile
from sv_assessment.config import AssessmentConfig


def _published(
    frame: pd.DataFrame, counts: list[str], config: AssessmentConfig, rates: tuple = ()
) -> pd.DataFrame:
    """The table as the pipeline publishes it: through the disclosure gate, plain headers."""
    policy = disclosure.DisclosurePolicy.from_config(config)
    years = [c for c in frame.columns if c == "year"]
    frame = frame.astype({c: str for c in years})
    protected = disclosure.protect_table(frame, counts, policy, derived_columns=rates)
    published, _ = publishing.table_metadata(protected, "previous", "previous", policy)
    return published


def previous_tables(
    offences: pd.DataFrame, population: pd.DataFrame, config: AssessmentConfig
) -> dict[str, pd.DataFrame]:
    """The three tables of last year's edition, from the inputs (``config`` is this year's)."""
    last = config.with_year(config.assessment_year - 1)
    calendar = definitions.with_calendar(offences)
    calendar = calendar[calendar["year"].between(last.first_year, last.assessment_year)]
    serious = calendar[definitions.serious_violence_mask(calendar, last.serious_violence)]
    yearly = violence_profile.yearly_volume(serious, population, last)
    rates = maps.district_rates(serious, population, last)
    rates = rates[
        ["rank", "district", "population", "offences", "rate", "rate_lower", "rate_upper"]
    ]
    rates = rates.rename(columns={"offences": f"offences_{last.assessment_year}"})
    counts = places.lsoa_year_counts(serious, last)
    top = (  # no located offence at all (a tiny extract): an empty list, as published
        places.top_lsoas(counts, last)
        if len(counts)
        else pd.DataFrame(columns=["rank", "lsoa_code", "district"])
    )
    return {
        "sv_rate_by_year": _published(
            yearly[["year", "offences", "population", "rate", "rate_lower", "rate_upper"]],
            ["offences"],
            config,
            ("rate", "rate_lower", "rate_upper"),
        ),
        "district_rates": _published(
            rates,
            [f"offences_{last.assessment_year}"],
            config,
            ("rate", "rate_lower", "rate_upper"),
        ),
        "places_top_lsoas": _published(
            top, [c for c in top.columns if c.startswith("offences_")], config
        ),
    }


def ensure(config: AssessmentConfig) -> None:
    """For a demo config, write the synthetic previous edition's tables if they are absent
    (after the demo extract, which they are made from)."""
    if not (config.demo.generate_if_missing and config.synthetic_data):
        return  # real inputs are never made up
    for spec in config.inputs.values():
        if spec.kind == "previous_tables" and not spec.path.exists():
            from sv_assessment.build import staging

            staging.ensure_demo_inputs(config)
            write_previous_tables(config, spec.path)


def write_previous_tables(config: AssessmentConfig, target: Path) -> Path:
    from sv_assessment.build.staging import _read_input

    offences, _ = _read_input(config, config.inputs["offences"])
    population, _ = _read_input(config, config.inputs["population"])
    target.mkdir(parents=True, exist_ok=True)
    for name, table in previous_tables(offences, population, config).items():
        table.to_csv(target / f"{name}.csv", index=False, lineterminator="\n")
    (target / "README.txt").write_text(
        "SYNTHETIC DATA - the tables a previous edition of the demo assessment would have\n"
        f"published for {config.assessment_year - 1}, made from the synthetic demo extract.\n",
        encoding="utf-8",
    )
    return target
