"""Values for the fast CSV path, parsed with Arrow compute exactly as the strict reader
(``canonical``) parses them, or ``Fallback`` so that the strict reader reads the file itself."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sv_assessment.ingest.columns import DATE_FORMATS, DATETIME_FORMATS


class Fallback(Exception):
    """The fast path cannot read this exactly; the reference reader will."""


def line_count(path: Path) -> int:
    """Lines in the file (a last line without a line break counts): one C-speed pass."""
    count, last = 0, b"\n"
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 24), b""):
            count += block.count(b"\n")
            last = block[-1:]
    return count + (last != b"\n")


# ISO 8601 date and time as the strict reader accepts it; Arrow's cast then checks the calendar.
_ISO_DATETIME = r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$"


def parse_datetimes(text, blank, with_time: bool) -> pd.Series:
    """Dates (or date-times) from trimmed text; Fallback unless every value is exact."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if with_time and pc.all(pc.or_(blank, pc.match_substring_regex(text, _ISO_DATETIME))).as_py():
        try:  # the common case in one pass: no strptime/strftime round trip per format
            parsed = pc.cast(pc.if_else(blank, None, text), pa.timestamp("s"))
        except pa.ArrowInvalid:
            raise Fallback from None
        return pd.Series(parsed.to_numpy(zero_copy_only=False).astype("datetime64[ns]"))
    parsed = None
    for fmt in DATETIME_FORMATS if with_time else DATE_FORMATS:
        # At seconds, not nanoseconds: there strftime's %S prints a fraction.
        attempt = pc.strptime(text, format=fmt, unit="s", error_is_null=True)
        # Arrow's strptime rolls 31/02 over into March: keep only exact round trips.
        exact = pc.equal(pc.strftime(attempt, format=fmt), text)
        attempt = pc.if_else(pc.fill_null(exact, False), attempt, None)
        parsed = attempt if parsed is None else pc.coalesce(parsed, attempt)
        if not pc.any(pc.and_(pc.invert(blank), pc.is_null(parsed))).as_py():
            return pd.Series(parsed.to_numpy(zero_copy_only=False).astype("datetime64[ns]"))
    raise Fallback


def parse_whole_numbers(text, blank) -> pd.Series:
    """Plain whole numbers, commas only as thousands separators; anything else ("NaN", "1,7",
    "20.0", "0x10") is Fallback, for the strict reader to accept or explain."""
    import pyarrow as pa
    import pyarrow.compute as pc

    present = pc.invert(blank)
    if not pc.all(pc.or_(blank, pc.match_substring_regex(text, r"^[+-]?\d{1,18}$"))).as_py():
        grouped = pc.match_substring_regex(text, r"^[+-]?\d{1,3}(,\d{3}){1,5}$")
        if pc.any(pc.and_(present, pc.invert(grouped))).as_py():
            raise Fallback
        text = pc.replace_substring(text, ",", "")
    numbers = pc.cast(pc.if_else(blank, None, text), pa.int64())
    return pd.Series(numbers.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get))
