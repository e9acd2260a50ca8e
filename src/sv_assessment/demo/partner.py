"""A seeded SYNTHETIC demo extract: recorded violence, population and A&E assault attendances.

Nothing here describes a real person or event. The generator lets the pipeline be run, tested and
shown end to end without sharing police or NHS data. Its shapes (offence mix, timing, hot spots,
missing values) are set to resemble a county force's extract so the report reads plausibly; the
numbers estimate nothing. Everything is vectorised so a five-year county extract takes seconds.

Long because about a third of it is data, not logic: the offence-code table and the age, timing
and place profiles the generator draws from, kept beside the code that reads them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sv_assessment.schema import AE_FIELDS, AGE_BANDS, OFFENCE_FIELDS, POPULATION_FIELDS

District = tuple[str, str, int]  # (ONS district code, name, Census 2021 usual residents)

# Codes and descriptions are notifiable offence codes from the Home Office Counting Rules for
# Recorded Crime and its offence classification index. Columns: code, description, group, share
# of all violent offences (a county force's mix: without injury ~55%, with injury ~38%, robbery
# 3.5%, weapons possession 3%, attempted murder 0.06%, homicide 0.04%), P(knife or sharp
# instrument), P(firearm), P(domestic abuse), P(public place if not domestic), age profile.
# Groups are abbreviated to keep the table readable; _GROUPS spells them out.
_CODE_TEXT = """
1|Murder|HOM|0.00034|0.55|0.04|0.25|0.50|young
4.1|Manslaughter|HOM|0.00005|0.20|0|0.25|0.40|adult
4.2|Infanticide|HOM|0.00001|0|0|1|0|child
2|Attempted murder|AM|0.0006|0.50|0.05|0.25|0.55|young
8N|Assault with injury|VWI|0.3287|0.045|0.0005|0.36|0.62|adult
5D|Assault with intent to cause serious harm|VWI|0.0266|0.30|0.01|0.20|0.65|young
8S|Assault with injury on a constable|VWI|0.0114|0.01|0|0|0.80|police
8P|Racially or religiously aggravated assault with injury|VWI|0.0076|0.04|0|0.02|0.70|adult
5E|Endangering life|VWI|0.0057|0.05|0|0.20|0.50|adult
105A|Assault without injury|VWO|0.288|0.01|0|0.33|0.60|adult
8L|Harassment|VWO|0.089|0|0|0.35|0.35|adult
8Q|Stalking|VWO|0.044|0|0|0.55|0.30|adult
3B|Threats to kill|VWO|0.022|0.08|0.01|0.30|0.40|adult
104|Assault without injury on a constable|VWO|0.033|0|0|0|0.85|police
105B|Racially or religiously aggravated assault without injury|VWO|0.017|0|0|0.02|0.70|adult
8M|Racially or religiously aggravated harassment|VWO|0.017|0|0|0.02|0.50|adult
8R|Malicious communications|VWO|0.033|0|0|0.30|0.15|adult
11A|Cruelty to children/young persons|VWO|0.011|0|0|0.60|0.10|child
34B|Robbery of personal property|ROB|0.031|0.30|0.01|0.02|0.90|young
34A|Robbery of business property|ROB|0.004|0.35|0.03|0|0.60|adult
10D|Possession of article with blade or point|POW|0.018|1|0|0.02|0.85|young
10C|Possession of other weapons|POW|0.0099|0|0|0.02|0.80|young
10B|Possession of firearms offences|POW|0.0015|0|1|0.02|0.30|young
10A|Possession of firearms with intent|POW|0.0006|0|1|0.02|0.50|young
"""
_GROUPS = {
    "HOM": "Homicide",
    "AM": "Attempted murder",
    "VWI": "Violence with injury",
    "VWO": "Violence without injury",
    "ROB": "Robbery",
    "POW": "Possession of weapons",
}
_CODES = pd.DataFrame(
    [line.split("|") for line in _CODE_TEXT.strip().splitlines()],
    columns=[
        "code",
        "description",
        "group",
        "share",
        "knife",
        "firearm",
        "domestic",
        "public",
        "profile",
    ],
).astype({k: float for k in ("share", "knife", "firearm", "domestic", "public")})
# Age profiles: (victim offset, gamma shape, scale, P(victim female) if not domestic), then the
# suspect's (offset, shape, scale). Serious violence skews young for victims and suspects alike.
_AGE_PROFILES = {
    "young": (10, 2.0, 7.0, 0.25, 10, 2.2, 5.5),
    "adult": (5, 3.0, 10.0, 0.42, 10, 3.0, 8.5),
    "child": (0, 2.0, 3.0, 0.50, 16, 3.0, 8.0),
    "police": (20, 4.0, 3.5, 0.30, 10, 3.0, 8.5),
}
# Night-time-economy uplift on population: town centres with busy evening economies record more
# violence per resident; commuter and rural districts less. Unknown districts get 1.
_NTE_UPLIFT = {
    "Medway": 1.25,
    "Thanet": 1.4,
    "Maidstone": 1.2,
    "Canterbury": 1.2,
    "Dartford": 1.15,
    "Gravesham": 1.2,
    "Folkestone and Hythe": 1.1,
    "Swale": 1.05,
    "Dover": 1.05,
    "Tonbridge and Malling": 0.8,
    "Tunbridge Wells": 0.75,
    "Sevenoaks": 0.7,
}
# Covid: lockdowns from late March 2020 cut recorded violence hardest in April-May (the year
# ~14% down); the January-March 2021 lockdown a little.
_COVID = {
    2020: np.array([1.0, 1.0, 0.9, 0.66, 0.7, 0.8, 0.9, 0.92, 0.92, 0.9, 0.8, 0.84]),
    2021: np.array([0.88, 0.88, 0.93, 1, 1, 1, 1, 1, 1, 1, 1, 1]),
}
_WEEKDAY = np.array([0.92, 0.9, 0.92, 0.95, 1.06, 1.2, 1.05])  # Monday..Sunday, mean 1
_HOURS = np.array(
    [
        3.0,
        2.4,
        2.0,
        1.5,
        1.0,
        0.7,
        0.8,
        1.2,
        1.8,
        2.3,
        2.7,
        3.0,
        3.3,
        3.5,
        3.8,
        4.2,
        4.6,
        4.9,
        5.0,
        5.0,
        5.0,
        5.0,
        4.6,
        3.8,
    ]
)
_LSOA_RESIDENTS = 1600  # LSOAs hold 1,000-3,000 residents; ~1,600 on average
_LSOA_ZIPF = 0.75  # hot-spot skew: the top 10% of a district's LSOAs get ~40% of its offences
_AE_PER_1000 = 1.6  # assault-related ED attendances per 1,000 residents a year (~3,000 in Kent)
_CENSUS_AGE_SHARES = np.array([11.4, 9.5, 8.3, 13.6, 19.3, 19.4, 18.5]) / 100


def _district_weights(districts: list[District]) -> np.ndarray:
    w = np.array([pop * _NTE_UPLIFT.get(name, 1.0) for _, name, pop in districts], dtype=float)
    return w / w.sum()


def _daily_weights(first_year: int, last_year: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Days in the range, a relative volume per day (mean 1 in a normal year) and the weekday."""
    days = np.arange(np.datetime64(f"{first_year}-01-01"), np.datetime64(f"{last_year + 1}-01-01"))
    year = days.astype("datetime64[Y]").astype(int) + 1970
    month = days.astype("datetime64[M]").astype(int) % 12
    doy = (days - days.astype("datetime64[Y]")).astype(int)
    dow = (days.astype(int) + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
    season = 1 + 0.12 * np.cos(2 * np.pi * (doy - 195) / 365.25)  # mid-July peak
    trend = 1.02 ** (year - (first_year + last_year) / 2)  # gentle rise, level mid-period
    covid = np.ones(days.size)
    for y, factors in _COVID.items():
        covid[year == y] = factors[month[year == y]]
    return days, season * trend * covid * _WEEKDAY[dow], dow


def district_lsoas(districts: list[District], seed: int) -> pd.DataFrame:
    """Synthetic 2021-format LSOA codes per district with fixed hot-spot weights.

    Codes come from E01900000 upwards, beyond any real LSOA, so they cannot be joined to real
    boundaries by mistake. Weights are Zipf-like over a shuffled rank, so a few LSOAs stay hot
    in every year. Columns: district_code, lsoa_code, weight (sums to 1 within a district).
    """
    rng = np.random.default_rng([seed, 1])
    sizes = np.array([max(1, round(pop / _LSOA_RESIDENTS)) for _, _, pop in districts])
    if sizes.sum() > 99_999:
        raise ValueError("too many residents for the synthetic LSOA code block")
    numbers = 900_000 + rng.choice(99_999, size=sizes.sum(), replace=False) + 1
    owner = np.repeat(np.arange(len(districts)), sizes)
    starts = np.repeat(np.cumsum(sizes) - sizes, sizes)
    # A random rank within each district: argsort of random keys grouped by district.
    order = np.lexsort((rng.random(sizes.sum()), owner))
    rank = np.empty(sizes.sum(), dtype=int)
    rank[order] = np.arange(sizes.sum()) - starts + 1
    weight = rank.astype(float) ** -_LSOA_ZIPF
    weight /= np.bincount(owner, weights=weight)[owner]
    return pd.DataFrame(
        {
            "district_code": pd.array([districts[i][0] for i in owner], dtype="string"),
            "lsoa_code": pd.array(np.char.add("E01", numbers.astype(str)), dtype="string"),
            "weight": weight,
        }
    )


def generate_offences(
    districts: list[District], first_year: int, last_year: int, offences_per_year: int, seed: int
) -> pd.DataFrame:
    """Recorded violent offences, one row each, with exactly the OFFENCE_FIELDS columns.

    Rows are ordered by recorded date. Offences recorded after the last year are dropped, as an
    extract by recorded date would, so the last year holds slightly under its share.
    """
    rng = np.random.default_rng([seed, 0])
    days, day_w, dow = _daily_weights(first_year, last_year)
    n = round(float(offences_per_year * day_w.sum() / 365.25))

    # Hour of day by weekday; Friday and Saturday nights (into Saturday/Sunday small hours) peak.
    hours = np.tile(_HOURS, (7, 1))
    hours[4, 20:] *= 1.5
    hours[5, 20:] *= 1.6
    hours[5, :5] *= 2.2
    hours[6, :5] *= 2.4
    hours /= hours.sum(axis=1, keepdims=True)
    cells = (day_w[:, None] * hours[dow]).ravel()
    cell = rng.choice(cells.size, size=n, p=cells / cells.sum())
    day = cell // 24
    occurred = (
        days[day].astype("datetime64[m]")
        + (cell % 24) * 60
        + rng.integers(0, 60, n).astype("timedelta64[m]")
    )
    # Recording lag: mostly same or next day, a long tail of late reports up to a year.
    u = rng.random(n)
    tail = 3 + np.minimum(rng.exponential(25.0, n), 362).astype(int)
    lag = np.select([u < 0.70, u < 0.85, u < 0.92], [0, 1, 2], tail)
    recorded = days[day] + lag.astype("timedelta64[D]")

    codes = {name: col.to_numpy() for name, col in _CODES.items()}
    codes["group"] = np.array([_GROUPS[g] for g in codes["group"]])
    c = rng.choice(len(_CODES), size=n, p=codes["share"] / codes["share"].sum())
    knife = rng.random(n) < codes["knife"][c]
    firearm = rng.random(n) < codes["firearm"][c]
    domestic = rng.random(n) < codes["domestic"][c]
    public = rng.random(n) < np.where(domestic, 0.1, codes["public"][c])  # abuse is mostly at home

    lsoas = district_lsoas(districts, seed)
    owner = pd.Index([d[0] for d in districts]).get_indexer(lsoas["district_code"])
    p_lsoa = _district_weights(districts)[owner] * lsoas["weight"].to_numpy()
    place = rng.choice(len(lsoas), size=n, p=p_lsoa / p_lsoa.sum())
    dist = owner[place]

    prof = np.array([_AGE_PROFILES[p] for p in codes["profile"]])[c]
    group = codes["group"][c]
    no_victim = group == "Possession of weapons"  # the state is the victim: no person recorded
    victim_age = np.clip(prof[:, 0] + rng.gamma(prof[:, 1], prof[:, 2]), 0, 99).astype(int)
    victim_age_na = no_victim | (rng.random(n) < 0.05)
    victim_sex = np.where(rng.random(n) < np.where(domestic, 0.75, prof[:, 3]), "Female", "Male")
    v_unknown = rng.random(n)
    # Suspects are least often identified for robbery, most often for domestic abuse and
    # weapons possession (found on the person); ~30% unidentified overall.
    p_no_suspect = np.select([no_victim, domestic, group == "Robbery"], [0.02, 0.1, 0.5], 0.39)
    suspect_na = rng.random(n) < p_no_suspect
    suspect_age = np.clip(prof[:, 4] + rng.gamma(prof[:, 5], prof[:, 6]), 10, 90).astype(int)
    suspect_age_na = suspect_na | (rng.random(n) < 0.07)
    suspect_sex = np.where(rng.random(n) < np.where(domestic, 0.78, 0.85), "Male", "Female")
    suspect_sex = np.where(rng.random(n) < 0.02, "Unknown", suspect_sex)

    keep = recorded < np.datetime64(f"{last_year + 1}-01-01")  # recorded after the extract: out
    occurred_na = rng.random(n) < 0.03
    lsoa_na = rng.random(n) < 0.02
    order = np.lexsort((occurred, recorded))
    order = order[keep[order]]
    m = order.size
    rec_year = recorded[order].astype("datetime64[Y]").astype(int) + 1970
    width = max(6, len(str(m)))
    seq = pd.Series((rng.permutation(m) + 1).astype(str)).str.zfill(width)

    def s(values: np.ndarray, na: np.ndarray | None = None) -> pd.Series:
        out = pd.Series(values[order], dtype="string")
        return out.mask(na[order]) if na is not None else out

    def i(values: np.ndarray, na: np.ndarray) -> pd.Series:
        return pd.Series(pd.array(values[order], dtype="Int64")).mask(na[order])

    frame = pd.DataFrame(
        {
            "offence_id": ("SV-" + pd.Series(rec_year.astype(str)) + "-" + seq).astype("string"),
            "recorded_date": pd.Series(recorded[order]).astype("datetime64[ns]"),
            "occurred_at": pd.Series(
                np.where(occurred_na, np.datetime64("NaT"), occurred)[order]
            ).astype("datetime64[ns]"),
            "offence_code": s(codes["code"][c]),
            "offence_description": s(codes["description"][c]),
            "offence_group": s(group),
            "knife_flag": pd.Series(knife[order], dtype="boolean"),
            "firearm_flag": pd.Series(firearm[order], dtype="boolean"),
            "domestic_abuse_flag": pd.Series(domestic[order], dtype="boolean"),
            "public_place_flag": pd.Series(public[order], dtype="boolean"),
            "district_code": s(np.array([d[0] for d in districts])[dist]),
            "district_name": s(np.array([d[1] for d in districts])[dist]),
            "lsoa_code": s(lsoas["lsoa_code"].to_numpy(dtype=str)[place], lsoa_na),
            "victim_age": i(victim_age, victim_age_na),
            # Victim sex: ~1% "Unknown" and ~1% blank besides the weapons rows with no victim.
            "victim_sex": s(
                np.where(v_unknown < 0.01, "Unknown", victim_sex), no_victim | (v_unknown > 0.99)
            ),
            "suspect_age": i(suspect_age, suspect_age_na),
            "suspect_sex": s(suspect_sex, suspect_na),
        }
    )
    victim_id, suspect_id = _person_ids(m, seed)
    frame["victim_id"] = victim_id.mask(no_victim[order])
    frame["suspect_id"] = suspect_id.mask(suspect_na[order])
    # Made-up locations near each LSOA's made-up centre in its district's block of the demo
    # boundaries (none where the LSOA is missing), from a random stream of their own so that
    # every other column stays as it was.
    from sv_assessment.demo.police_uk import map_points

    nowhere = np.full(m, np.nan)
    longitude, latitude = map_points(lsoas, districts, frame["lsoa_code"], seed, nowhere, nowhere)
    frame["longitude"] = np.round(longitude, 5)
    frame["latitude"] = np.round(latitude, 5)
    frame["easting"] = np.nan
    frame["northing"] = np.nan
    return frame.astype({f.name: f.dtype for f in OFFENCE_FIELDS})


def _person_ids(n: int, seed: int) -> tuple[pd.Series, pd.Series]:
    """Pseudonymised victim and suspect ids for ``n`` offences (own random stream, so the
    other columns are as before). Most people appear once; about one offence in eight
    involves someone from a small pool who recurs, and a share of that pool is both
    victim and suspect, as repeat victimisation and the victim-offender overlap are."""
    rng = np.random.default_rng([seed, 9])
    pool = max(1, n // 40)

    def ids(prefix: str, shared_from: int) -> pd.Series:
        fresh = np.char.add(prefix, np.arange(n).astype(str))
        recurring = rng.random(n) < 0.12
        # The pool's first third is shared by victims and suspects: the same people.
        member = shared_from + rng.integers(0, pool, n)
        pooled = np.char.add("DP", member.astype(str))
        return pd.Series(np.where(recurring, pooled, fresh), dtype="string")

    return ids("DV", 0), ids("DS", pool * 2 // 3)


def generate_population(districts: list[District], first_year: int, last_year: int) -> pd.DataFrame:
    """Residents by district, year and age band (POPULATION_FIELDS).

    A documented simplification: each district's Census 2021 total is split by the ONS Census
    2021 England and Wales age structure (rounded shares, applied uniformly to every district)
    and held constant across years. Partnerships should supply ONS mid-year estimates instead.
    """
    totals = np.array([pop for _, _, pop in districts])
    exact = totals[:, None] * _CENSUS_AGE_SHARES
    counts = np.floor(exact).astype(int)
    # Largest remainder rounding so the bands add up to the district total exactly.
    short = totals - counts.sum(axis=1)
    by_remainder = np.argsort(-(exact - counts), axis=1, kind="stable")
    bump = np.arange(len(AGE_BANDS))[None, :] < short[:, None]
    np.put_along_axis(counts, by_remainder, np.take_along_axis(counts, by_remainder, 1) + bump, 1)
    years = np.arange(first_year, last_year + 1)
    nd, ny, nb = len(districts), years.size, len(AGE_BANDS)
    frame = pd.DataFrame(
        {
            "district_code": np.repeat([d[0] for d in districts], ny * nb),
            "district_name": np.repeat([d[1] for d in districts], ny * nb),
            "year": np.tile(np.repeat(years, nb), nd),
            "age_band": np.tile(AGE_BANDS, nd * ny),
            "population": np.repeat(counts, ny, axis=0).ravel(),
        }
    )
    return frame.astype({f.name: f.dtype for f in POPULATION_FIELDS if f.name in frame})


def generate_ae_attendances(
    districts: list[District], first_year: int, last_year: int, seed: int
) -> pd.DataFrame:
    """Assault-related emergency department attendances, one row each (AE_FIELDS)."""
    rng = np.random.default_rng([seed, 2])
    days, day_w, _ = _daily_weights(first_year, last_year)
    per_year = _AE_PER_1000 * sum(pop for _, _, pop in districts) / 1000
    n = round(float(per_year * day_w.sum() / 365.25))
    day = np.sort(rng.choice(days.size, size=n, p=day_w / day_w.sum()))
    dist = rng.choice(len(districts), size=n, p=_district_weights(districts))
    band = rng.choice(len(AGE_BANDS), size=n, p=[0.02, 0.10, 0.25, 0.25, 0.22, 0.12, 0.04])
    sex = rng.choice(4, size=n, p=[0.27, 0.70, 0.02, 0.01])  # Female, Male, Unknown, blank
    mechanisms = ("Sharp object", "Blunt object", "Body part (hit, kick)", "Other", "Unknown")
    mech = rng.choice(len(mechanisms), size=n, p=[0.10, 0.12, 0.55, 0.10, 0.13])
    frame = pd.DataFrame(
        {
            "attendance_date": days[day],
            "age_band": np.array(AGE_BANDS)[band],
            "sex": pd.Series(np.array(["Female", "Male", "Unknown", ""])[sex]).mask(sex == 3),
            "mechanism": np.array(mechanisms)[mech],
            "district_code": np.array([d[0] for d in districts])[dist],
        }
    )
    return frame.astype({f.name: f.dtype for f in AE_FIELDS})


def _datetime_text(values: pd.Series, unit: str) -> np.ndarray:
    text = np.datetime_as_string(values.to_numpy(dtype=f"datetime64[{unit}]"), unit=unit)
    return np.where(values.isna().to_numpy(), "", np.char.replace(text, "T", " "))


def _csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns in the extract's conventions: ISO dates, true/false, blanks for missing."""
    out = frame.copy()
    for name, dtype in frame.dtypes.items():
        if str(dtype) == "boolean":
            flags = frame[name].fillna(False).to_numpy(dtype=bool)
            out[name] = np.where(flags, "true", "false")
        elif str(dtype).startswith("datetime64"):
            with_time = name == "occurred_at"
            out[name] = _datetime_text(frame[name], "m" if with_time else "D")
    return out


README = "README.txt"
README_FIRST_LINE = "SYNTHETIC DATA - NOT REAL RECORDS"
KINDS = {
    "police_offences": "offences",
    "population": "population",
    "ae_attendances": "ae_attendances",
}


def write_demo_inputs(
    out_dir: Path,
    districts: list[District],
    first_year: int,
    last_year: int,
    offences_per_year: int,
    seed: int,
) -> dict[str, Path]:
    """Write offences.csv, population.csv, ae_attendances.csv and README.txt; return the paths."""
    out_dir = Path(out_dir)
    targets = {kind: out_dir / f"{name}.csv" for kind, name in KINDS.items()}
    return write_inputs(targets, districts, first_year, last_year, offences_per_year, seed)


def write_inputs(
    targets: dict[str, Path],
    districts: list[District],
    first_year: int,
    last_year: int,
    offences_per_year: int,
    seed: int,
) -> dict[str, Path]:
    """Write the demo table of each input kind in ``targets`` at its path, and README.txt
    beside them. A file that already exists is never written over (FileExistsError)."""
    makers = {
        "police_offences": lambda: generate_offences(
            districts, first_year, last_year, offences_per_year, seed
        ),
        "population": lambda: generate_population(districts, first_year, last_year),
        "ae_attendances": lambda: generate_ae_attendances(districts, first_year, last_year, seed),
    }
    existing = [str(path) for path in targets.values() if path.exists()]
    if existing:
        raise FileExistsError(f"the demo never writes over a file: {', '.join(existing)}")
    paths = {}
    for kind, path in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        text = _csv_frame(makers[kind]()).to_csv(index=False, lineterminator="\n")
        with open(path, "x", encoding="utf-8", newline="") as handle:  # "x": never over a file
            handle.write(text)
        paths[KINDS[kind]] = path
    paths["readme"] = next(iter(targets.values())).parent / README
    if paths["readme"].exists():
        return paths
    paths["readme"].write_text(
        f"{README_FIRST_LINE}\n\n"
        f"These files were made by sv_assessment.demo with seed {seed} for {first_year}-"
        f"{last_year} ({len(districts)} districts, about {offences_per_year:,} offences a year).\n"
        "They describe no real person, offence, attendance or event. Offence codes are Home\n"
        "Office codes, but every row, date, place (LSOA codes from E01900000 up are not real\n"
        "LSOAs), age and flag was drawn at random to resemble a county force's extract.\n"
        "Population is Census 2021 totals split by the national age structure, held constant.\n"
        "Do not use these numbers for any decision. Re-running with the same seed reproduces\n"
        "the files byte for byte.\n",
        encoding="utf-8",
    )
    return paths
