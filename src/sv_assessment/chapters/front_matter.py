"""The opening section of the report ("About this assessment") and the phrases it shares with
the chapters: the definition of serious violence, how to ask for another format."""

from __future__ import annotations

from sv_assessment.config import AssessmentConfig


def definition_text(config: AssessmentConfig) -> str:
    """The local definition of serious violence as a phrase, from the config."""
    sv = config.serious_violence
    parts = [
        "public-place offences" if sv.public_place_only else "offences",
        "of " + ", ".join(g.lower() for g in sv.offence_groups),
    ]
    if sv.include_knife_or_sharp_instrument:
        parts.append("or involving a knife or sharp instrument")
    if sv.include_firearm:
        parts.append("or a firearm")
    if sv.include_possession_of_weapons:
        parts.append("or possession of weapons")
    definition = " ".join(parts)
    if sv.age_under:
        definition += f", where the victim or suspect is under {sv.age_under}"
    if sv.exclude_domestic_abuse:
        definition += ", excluding domestic abuse"
    return definition


def partner_front_matter(config: AssessmentConfig) -> str:
    """The opening section, written from the config."""
    definition = definition_text(config)
    synthetic = (
        "\n\n::: {.synthetic}\n**This assessment was built from synthetic data.** The "
        "offences, people and places in it were made by a seeded generator for "
        "demonstration; they describe no real person, place or event.\n:::\n"
        if config.synthetic_data
        else ""
    )
    return (
        "# About this assessment\n\n"
        f"This is the {config.partnership} strategic needs assessment of serious violence under "
        f"the Serious Violence Duty, for {config.area_name} and its {len(config.districts)} "
        f"districts, covering {config.first_year} to {config.assessment_year}.\n\n"
        f"**Serious violence** here means {definition}.\n\n"
        f"All figures are aggregates. Counts from 1 to {config.minimum_count - 1} are suppressed "
        f"and shown as [c], with further cells hidden where a total would reveal them."
        f"{synthetic}\n"
    )


def open_data_front_matter(config: AssessmentConfig) -> str:
    settings = config.police_uk
    types = ", ".join(t.lower() for t in settings.focus_crime_types)
    synthetic = (
        "\n\n::: {.synthetic}\n**This assessment was built from synthetic data** in the "
        "data.police.uk format, made by a seeded generator for demonstration; it "
        "describes no real person, place or event.\n:::\n"
        if config.synthetic_data
        else ""
    )
    return (
        "# About this assessment\n\n"
        f"This is a strategic needs assessment of violence for {config.area_name} and its "
        f"{len(config.districts)} districts, {config.first_year} to {config.assessment_year}, "
        f"built from **public data only**: the street-level crime files that {settings.force_name} "
        "publishes on data.police.uk.\n\n"
        f"It covers {types}, as the police publish them. The public files have no ages, no knife "
        "or domestic-abuse flag, only the month of each crime and an approximate location, so the "
        "local definition of serious violence used with partner data cannot be applied here; "
        "*Scope: what public data can and cannot show* lists what is left out.\n\n"
        f"All figures are aggregates. Counts from 1 to {config.minimum_count - 1} are suppressed "
        f"and shown as [c], with further cells hidden where a total would reveal them."
        f"{synthetic}\n"
    )


def front_matter(config: AssessmentConfig) -> str:
    """The opening section for the config's source: partner data or data.police.uk files."""
    if config.source == "police_uk":
        return open_data_front_matter(config)
    return partner_front_matter(config)


def contact_line(config: AssessmentConfig) -> str:
    """How to ask for another format: the config's ``assessment.contact`` (a string, or a mapping
    with any of name, email, phone, address), else a generic line."""
    contact = config.document.assessment.contact if config.document else None
    if contact is not None and not isinstance(contact, str):
        contact = contact.model_dump()
        parts = []
        if contact.get("name"):
            parts.append(str(contact["name"]))
        if contact.get("email"):
            parts.append(f"email <{contact['email']}>")
        if contact.get("phone"):
            parts.append(f"telephone {contact['phone']}")
        if contact.get("address"):
            parts.append(f"write to {contact['address']}")
        contact = ", ".join(parts)
    if contact:
        return (
            f"If you need this assessment in another format, such as large print, easy read, "
            f"audio or an accessible spreadsheet, contact {contact}. Tell us what you need and "
            f"the format you would like."
        )
    return (
        f"If you need this assessment in another format, such as large print, easy read, audio "
        f"or an accessible spreadsheet, contact {config.partnership} through the contact details "
        f"on the website where you found it. Tell us what you need and the format you would like."
    )
