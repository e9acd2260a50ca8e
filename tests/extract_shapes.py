"""Three differently shaped partner extracts made in code from one canonical offence frame.

Each writer returns the ``inputs.offences`` settings (mapping included) that read its file back
to exactly the canonical frame, so a test can stage both and compare.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sv_assessment.demo.partner import _csv_frame  # the demo extract's text conventions

PUBLIC_PLACES = ("Street / highway", "Park / open space", "Licensed premises")
PRIVATE_PLACES = ("Dwelling", "Residential garden")
GROUP_CODES = {
    "Homicide": "HOM",
    "Attempted murder": "ATM",
    "Violence with injury": "VWI",
    "Violence without injury": "VWO",
    "Robbery": "ROB",
    "Possession of weapons": "POW",
}
SEX_CODES = {"Male": "M", "Female": "F", "Unknown": "U"}


def _text(values: pd.Series) -> pd.Series:
    return values.astype("string").fillna("")


def _dates(values: pd.Series, fmt: str) -> pd.Series:
    return values.dt.strftime(fmt).astype("string").fillna("")


def write_canonical(frame: pd.DataFrame, path: Path) -> dict:
    _csv_frame(frame.drop(columns=["source_row"], errors="ignore")).to_csv(path, index=False)
    return {"path": str(path), "kind": "police_offences"}


def write_rms_export(frame: pd.DataFrame, path: Path, seed: int = 3) -> dict:
    """A record-management export: its own headers, codes and date format, extra columns."""
    rng = np.random.default_rng(seed)
    public = frame["public_place_flag"].to_numpy(dtype=bool)
    place = np.where(
        public,
        rng.choice(PUBLIC_PLACES, len(frame)),
        rng.choice(PRIVATE_PLACES, len(frame)),
    )
    export = pd.DataFrame(
        {
            "Crime Number": frame["offence_id"],
            "Officer in Case": "PC " + pd.Series(rng.integers(1000, 9999, len(frame))).astype(str),
            "Date Recorded": _dates(frame["recorded_date"], "%d.%m.%Y"),
            "Committed From Date": _dates(frame["occurred_at"], "%d/%m/%Y %H:%M"),
            "HO Class": frame["offence_code"],
            "Crime Type": frame["offence_description"],
            "Crime Category": frame["offence_group"].map(GROUP_CODES),
            "Weapon Used": np.where(frame["knife_flag"].to_numpy(dtype=bool), "K", ""),
            "Firearm Used": np.where(frame["firearm_flag"].to_numpy(dtype=bool), "F", ""),
            "DA Marker": np.where(frame["domestic_abuse_flag"].to_numpy(dtype=bool), "DA", ""),
            "Location Type": place,
            "LA Code": frame["district_code"],
            "Local Authority": frame["district_name"],
            "LSOA": _text(frame["lsoa_code"]),
            "IP Age": _text(frame["victim_age"].astype("string")),
            "IP Gender": _text(frame["victim_sex"].map(SEX_CODES)),
            "Offender Age": _text(frame["suspect_age"].astype("string")),
            "Offender Gender": _text(frame["suspect_sex"].map(SEX_CODES)),
            "MO Text": "free text that must never be read",
        }
    )
    ids = {"IP Nominal": "victim_id", "Offender Nominal": "suspect_id"}  # pseudonymised ids
    for header, field in ids.items():
        export[header] = _text(frame[field]) if field in frame.columns else ""
    # Where the offence happened, as the export writes it (repr: the same float read back).
    coordinates = {
        header: field
        for header, field in {"Lon": "longitude", "Lat": "latitude"}.items()
        if field in frame.columns
    }
    for header, field in coordinates.items():
        export[header] = frame[field].map(lambda v: "" if pd.isna(v) else repr(float(v)))
    export.to_csv(path, index=False, encoding="cp1252")
    return {
        "path": str(path),
        "kind": "police_offences",
        "columns": {
            "Crime Number": "offence_id",
            "Date Recorded": "recorded_date",
            "Committed From Date": "occurred_at",
            "HO Class": "offence_code",
            "Crime Type": "offence_description",
            "Crime Category": "offence_group",
            "Weapon Used": "knife_flag",
            "Firearm Used": "firearm_flag",
            "DA Marker": "domestic_abuse_flag",
            "Location Type": "public_place_flag",
            "LA Code": "district_code",
            "Local Authority": "district_name",
            "LSOA": "lsoa_code",
            "IP Age": "victim_age",
            "IP Gender": "victim_sex",
            "Offender Age": "suspect_age",
            "Offender Gender": "suspect_sex",
            **ids,
            **coordinates,
        },
        "values": {
            "offence_group": {code: group for group, code in GROUP_CODES.items()},
            "knife_flag": {"K": True, "": False},
            "firearm_flag": {"F": True, "": False},
            "domestic_abuse_flag": {"DA": True, "": False},
            "public_place_flag": {
                **{p: True for p in PUBLIC_PLACES},
                **{p: False for p in PRIVATE_PLACES},
            },
            "victim_sex": {"M": "Male", "F": "Female", "U": "Unknown"},
            "suspect_sex": {"M": "Male", "F": "Female", "U": "Unknown"},
        },
        "date_format": {"recorded_date": "%d.%m.%Y"},
    }


def write_workbook(frame: pd.DataFrame, path: Path) -> dict:
    """An Excel workbook: a notes sheet, then the data under a three-row title block, with
    real Excel dates, Yes/No flags and headers in other words."""
    import openpyxl

    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Notes"
    notes.append(["Violence extract for the needs assessment"])
    notes.append(["Produced by the force analysis team"])
    sheet = book.create_sheet("Offences")
    sheet.append(["Serious violence extract"])
    sheet.append(["Run on 02/01/2025 by analyst"])
    sheet.append([])
    headers = {
        "offence_id": "Reference",
        "recorded_date": "Recorded",
        "occurred_at": "Occurred",
        "offence_code": "HO code",
        "offence_description": "Offence",
        "offence_group": "Group",
        "knife_flag": "Knife?",
        "firearm_flag": "Firearm?",
        "domestic_abuse_flag": "Domestic abuse?",
        "public_place_flag": "Public place?",
        "district_code": "District code",
        "district_name": "District",
        "lsoa_code": "LSOA code",
        "victim_age": "Victim age",
        "victim_sex": "Victim sex",
        "suspect_age": "Suspect age",
        "suspect_sex": "Suspect sex",
    }
    sheet.append(list(headers.values()))
    for row in frame[list(headers)].itertuples(index=False):
        cells = []
        for name, value in zip(headers, row, strict=True):
            if value is pd.NA or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
                cells.append(None)
            elif name.endswith("_flag"):
                cells.append("Yes" if value else "No")
            elif isinstance(value, pd.Timestamp):
                cells.append(value.to_pydatetime())
            elif name.endswith("_age"):
                cells.append(int(value))
            else:
                cells.append(value)
        sheet.append(cells)
    book.save(path)
    columns = {
        header: name
        for name, header in headers.items()
        if name not in ("district_code", "lsoa_code", "victim_age", "victim_sex")
    }
    return {"path": str(path), "kind": "police_offences", "sheet": "Offences", "columns": columns}


def write_lsoa_only(frame: pd.DataFrame, path: Path, lookup: Path, districts) -> dict:
    """An extract with Home Office codes and LSOA codes only (no group, description or
    district), and an ONS-format OA -> LSOA -> MSOA -> LAD lookup file for its LSOAs."""
    text = _csv_frame(frame.drop(columns=["source_row"], errors="ignore"))
    keep = [
        c
        for c in text.columns
        if c not in ("offence_group", "offence_description", "district_code", "district_name")
    ]
    text[keep].to_csv(path, index=False)
    names = {d.code: d.name for d in districts}
    pairs = frame[["lsoa_code", "district_code"]].dropna().drop_duplicates("lsoa_code")
    rows = []
    for i, (lsoa, lad) in enumerate(pairs.itertuples(index=False)):
        for oa in range(2):  # a row per output area: LSOAs repeat, as in the ONS file
            rows.append(
                {
                    "OA21CD": f"E00{i:05d}{oa}",
                    "LSOA21CD": lsoa,
                    "LSOA21NM": f"{names[lad]} {i % 1000:03d}A",
                    "LSOA21NMW": "",
                    "MSOA21CD": f"E02{i:06d}",
                    "MSOA21NM": f"{names[lad]} {i % 1000:03d}",
                    "MSOA21NMW": "",
                    "LAD22CD": lad,
                    "LAD22NM": names[lad],
                    "LAD22NMW": "",
                    "ObjectId": len(rows) + 1,
                }
            )
    pd.DataFrame(rows).to_csv(lookup, index=False, encoding="utf-8-sig")
    return {"path": str(path), "kind": "police_offences", "lsoa_lookup": str(lookup)}
