"""Which inputs the assessment had, and what a reader is told when one is missing.

Every optional section is built from an input a partnership can really get. When that input is
not provided, the section shows ``not_available_note`` (what is missing, what to provide and
where a partnership gets it) instead of failing or drawing an empty chart, and the data gaps
chapter lists the same needs with the questions the assessment could not answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sv_assessment.config import AssessmentConfig


@dataclass(frozen=True)
class InputNeed:
    kind: str  # the input kind in the config (``inputs.<name>.kind``)
    label: str
    provide: str  # what to supply
    source: str  # where a partnership gets it
    answers: str  # the question it answers
    # Used only beside a police extract (partner data, set against police counts by age): the
    # open-data assessment, with no ages, lists it as such.
    partner_only: bool = False


NEEDS: tuple[InputNeed, ...] = (
    InputNeed(
        "police_offences",
        "Police-recorded offences with ages, sex, knife and domestic-abuse flags",
        "the force's crime extract (`kind: police_offences`; `pipeline.py init` drafts the "
        "mapping of its columns)",
        "the police force's analysts, under the Serious Violence Duty's information-sharing "
        "provisions",
        "Who is involved (ages and sex), which offences involve a knife, and the Home Office "
        "success measures (knife-enabled serious violence, non-domestic homicide, under-25s)? "
        "These are not in public data",
    ),
    InputNeed(
        "person_ids",
        "Pseudonymised victim and suspect ids in the police extract",
        "victim and suspect id columns (mapped to `victim_id` and `suspect_id`; hashed, the "
        "same person keeping the same id); they are only counted, never published",
        "the force's crime system (the person's nominal id, hashed before the extract leaves "
        "the force)",
        "How many victims and suspects are involved again and again, and how many are both?",
    ),
    InputNeed(
        "population",
        "Population by district, year and age band",
        "a CSV with district_code, district_name, year, age_band, population (`kind: population`)",
        "ONS mid-year population estimates by local authority and single year of age",
        "How large is each age group, year by year, and what are the rates per 1,000 residents?",
    ),
    InputNeed(
        "deprivation",
        "LSOA deprivation deciles",
        "the English Indices of Deprivation 2025 File 7 (or the Welsh Index of Multiple "
        "Deprivation for Welsh LSOAs) as published, as an input with `kind: deprivation`",
        "GOV.UK, English Indices of Deprivation 2025 (File 7: all ranks, deciles, scores and "
        "population denominators); Welsh Government, WIMD",
        "Is violence concentrated in the most deprived neighbourhoods, and how steep is the "
        "gradient?",
    ),
    InputNeed(
        "boundaries",
        "District boundaries (GeoJSON)",
        "a GeoJSON file of the districts in longitude and latitude, each feature with the "
        "district's ONS code among its properties (`kind: boundaries`)",
        "ONS Open Geography Portal, 'Local Authority Districts (boundaries), ultra generalised "
        "(BUC)', downloaded as GeoJSON",
        "Where on a map are rates highest?",
    ),
    InputNeed(
        "ae_attendances",
        "Assault-related A&E attendances",
        "attendances with attendance_date, age_band, sex, mechanism and district_code "
        "(`kind: ae_attendances`)",
        "the local NHS trusts' emergency departments (ISTV / Cardiff Model data-sharing) or "
        "the Integrated Care Board",
        "How many assault injuries reach hospital, and how many involve a sharp object?",
    ),
    InputNeed(
        "previous_tables",
        "Last year's published assessment tables",
        "the `tables/` folder of last year's published assessment (`outputs/<year>/tables`), "
        "as an input with `kind: previous_tables`",
        "the partnership's own previous edition of this assessment",
        "What has changed since last year's assessment: the key figures, districts and hotspots?",
    ),
    InputNeed(
        "hospital_admissions",
        "Hospital admissions for assault by a sharp object",
        "a CSV of emergency admissions for assault by a sharp object (ICD-10 X99) with the "
        "columns area code, period (e.g. 2023-24), age group and admissions, by district or "
        "local authority (`kind: hospital_admissions`)",
        "NHS England Hospital Episode Statistics (admitted patient care), through the "
        "Integrated Care Board or the Office for Health Improvement and Disparities",
        "Are under-25 hospital admissions for knife assault falling?",
        partner_only=True,
    ),
    InputNeed(
        "ambulance_callouts",
        "Ambulance call-outs for assault",
        "a CSV of assault incidents attended with the columns area code, period (e.g. 2024 or "
        "2023-24), age group and incidents, by district (`kind: ambulance_callouts`)",
        "the regional ambulance service NHS trust (its assault call-out data, shared under "
        "the Serious Violence Duty)",
        "Where and when does violence need an emergency response?",
        partner_only=True,
    ),
    InputNeed(
        "school_exclusions",
        "School suspensions and permanent exclusions",
        "the local-authority rows of the DfE file as published (time_period, new_la_code, "
        "la_name, school_type, headcount, susp, perm_excl; `kind: school_exclusions`)",
        "Department for Education, 'Suspensions and permanent exclusions in England' "
        "(explore-education-statistics.service.gov.uk, data by local authority)",
        "Are exclusions, a known risk factor, rising among local young people?",
        partner_only=True,
    ),
    InputNeed(
        "youth_justice",
        "Youth justice first-time entrants",
        "a CSV of first-time entrants aged 10 to 17 with the columns area code, period (e.g. "
        "2023-24) and first-time entrants, by local authority (`kind: youth_justice`)",
        "Ministry of Justice and Youth Justice Board, 'Youth justice statistics' (the local "
        "tables by youth justice service), or the local youth justice service",
        "Are more young people entering the justice system for the first time?",
        partner_only=True,
    ),
)


def need(kind: str) -> InputNeed:
    return next(n for n in NEEDS if n.kind == kind)


def configured_name(config: AssessmentConfig, kind: str) -> str | None:
    """The config's name for the input of this kind, if it has one."""
    return next((name for name, spec in config.inputs.items() if spec.kind == kind), None)


def provided_kinds(config: AssessmentConfig, summary: dict[str, dict]) -> set[str]:
    """Kinds of the inputs that were configured and found (``inputs.json``)."""
    return {
        spec.kind for name, spec in config.inputs.items() if summary.get(name, {}).get("provided")
    }


def not_available_note(config: AssessmentConfig, kind: str) -> str:
    """What the reader sees in place of a section whose input was not provided."""
    item = need(kind)
    name = configured_name(config, kind)
    where = (
        f" The config names `{config.inputs[name].path.name}`, which was not found." if name else ""
    )
    how = f"To add it, provide {item.provide} and list it under `inputs:` in the config."
    return (
        f"**Not available: {item.label.lower()}.** This input was not provided for this "
        f"assessment, so this section cannot answer: *{item.answers}*{where} {how} "
        f"Where to get it: {item.source}."
    )


def data_gaps(
    config: AssessmentConfig, provided: set[str], not_applicable: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Each input the assessment can use: provided or not, and if not, what to provide, where
    a partnership gets it and the question left unanswered."""
    rows = []
    for item in NEEDS:
        if item.kind in not_applicable:
            continue
        have = item.kind in provided
        status = "provided" if have else "not provided"
        if not have and item.partner_only and config.source == "police_uk":
            status = "not used by the open-data assessment (partner-data assessment only)"
        rows.append(
            {
                "input": item.label,
                "status": status,
                "question": item.answers,
                "what_to_provide": "" if have else item.provide,
                "where_to_get_it": "" if have else item.source,
            }
        )
    return pd.DataFrame(rows)


def gaps_sentence(gaps: pd.DataFrame) -> str:
    missing = gaps[gaps["status"] != "provided"]
    if missing.empty:
        return "Every input this assessment can use was provided."
    return (
        f"{len(gaps) - len(missing)} of the {len(gaps)} inputs this assessment can use were "
        f"provided. Without the other {len(missing)}, these questions are left unanswered: "
        + "; ".join(f"*{q}*" for q in missing["question"])
        + "."
    )


def gated(chapter, spec, count_columns: tuple[str, ...] = ()):
    """The chart with its data through the chapter's disclosure gate (``Chapter.figure``
    draws only a protected table); counts in it are protected again, with the same result."""
    from dataclasses import replace

    return replace(spec, data=chapter.protect(spec.data, list(count_columns)))
