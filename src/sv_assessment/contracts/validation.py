"""The data contracts, validated by Great Expectations in a way that stays fast at 10M rows.

Same suites (``data_contracts/*.json``), same GX, same report as ``contracts.validate_input``;
three things make it cheap:

1. GX runs with the ``SUMMARY`` result format. ``COMPLETE`` builds the list of failing row ids
   one row at a time in Python, which dominates at scale; only failed expectations need rows.
2. Each group of expectations is validated on a frame of only the columns it names (GX's
   pandas engine filters the whole batch per metric, so every extra column costs a copy).
3. GX's pandas engine fingerprints every batch under 1 GB by hashing all its values (a batch
   marker only, unused by validation) each time it fetches the batch, including inside
   ``batch.validate``; that is switched off for the whole validation.
4. Nullable integers are given to GX as floats (NaN for missing): GX compares ``Int64`` values
   one by one in Python but floats vectorised; nulls, bounds and sets behave the same.

Failing rows of a failed row-level expectation are then found with one vectorised mask whose
count must equal GX's ``unexpected_count``; where it does not (or the expectation type has no
mask here), that one expectation is re-validated by GX with ``COMPLETE`` to get its rows.
"""

from __future__ import annotations

import contextlib
import dataclasses
from typing import Any

import pandas as pd

from sv_assessment.contracts import suites
from sv_assessment.contracts.suites import MAX_EXAMPLES, ROW_ID, ContractReport


def _resolve(value: Any, parameters: dict[str, Any]) -> Any:
    if isinstance(value, dict) and "$PARAMETER" in value:
        return parameters[value["$PARAMETER"]]
    return value


def _for_gx(frame: pd.DataFrame) -> pd.DataFrame:
    """Nullable integers as float64 for GX's vectorised comparisons (no other change)."""
    converted = {
        c: frame[c].astype("float64")
        for c in frame.columns
        if isinstance(frame[c].dtype, pd.Int64Dtype) and c != ROW_ID
    }
    return frame.assign(**converted) if converted else frame


def failing_mask(frame: pd.DataFrame, kind: str, kwargs: dict[str, Any]) -> pd.Series | None:
    """Rows failing a row-level expectation, vectorised; None where no mask is defined here."""
    column = kwargs.get("column")
    if column not in frame.columns:
        return None
    values = frame[column]
    present = values.notna()
    if kind == "expect_column_values_to_not_be_null":
        return ~present
    if kind == "expect_column_values_to_be_in_set":
        return present & ~values.isin(list(kwargs["value_set"]))
    if kind == "expect_column_values_to_be_between":
        low, high = kwargs.get("min_value"), kwargs.get("max_value")
        ok = pd.Series(True, index=frame.index)
        if low is not None:
            ok &= (values > low) if kwargs.get("strict_min") else (values >= low)
        if high is not None:
            ok &= (values < high) if kwargs.get("strict_max") else (values <= high)
        return present & ~ok.fillna(False).astype(bool)
    if kind == "expect_column_values_to_match_regex":
        return present & ~values.astype("string").str.contains(kwargs["regex"], regex=True)
    if kind == "expect_column_values_to_be_unique":
        return present & values.duplicated(keep=False)
    return None


@contextlib.contextmanager
def _no_fingerprint():
    """No "pandas_data_fingerprint" batch marker while validating: GX's pandas engine hashes
    every value of a batch under 1 GB each time the batch is fetched (``get_batch``, and again
    inside ``batch.validate``), which costs seconds per group at scale and is unused here."""
    from great_expectations.execution_engine import pandas_execution_engine as engine

    threshold = engine.HASH_THRESHOLD
    engine.HASH_THRESHOLD = 0
    try:
        yield
    finally:
        engine.HASH_THRESHOLD = threshold


def _groups(suite, columns: list[str]) -> dict[tuple[str, ...], list]:
    """Expectations grouped by the columns they name, in suite order."""
    groups: dict[tuple[str, ...], list] = {}
    for index, expectation in enumerate(suite.expectations):
        kwargs = expectation.configuration.kwargs
        named = [kwargs["column"]] if kwargs.get("column") else list(kwargs.get("column_list", []))
        key = tuple(c for c in named if c in columns) or ("(table)",)
        groups.setdefault(key, []).append((index, expectation))
    return groups


def validate_input(
    frame: pd.DataFrame, kind: str, input_name: str, source: str, parameters: dict[str, Any]
) -> ContractReport:
    """Run the kind's GX suite on a staged frame; outcomes and rows to set aside, as
    ``contracts.validate_input`` returns them."""
    with _no_fingerprint():
        return _validate_input(frame, kind, input_name, source, parameters)


def _validate_input(
    frame: pd.DataFrame, kind: str, input_name: str, source: str, parameters: dict[str, Any]
) -> ContractReport:
    import great_expectations as gx

    suite = suites.load_suite(kind)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    asset = context.data_sources.add_pandas(f"{input_name}_source").add_dataframe_asset(input_name)
    definition = asset.add_batch_definition_whole_dataframe("whole")
    gx_frame = _for_gx(frame)
    summary = {"result_format": "SUMMARY", "partial_unexpected_count": MAX_EXAMPLES}
    results: dict[int, tuple[Any, pd.DataFrame]] = {}
    for columns, expectations in _groups(suite, list(frame.columns)).items():
        part = gx_frame[[c for c in columns if c in gx_frame.columns]]
        batch = definition.get_batch(batch_parameters={"dataframe": part})
        configs = []
        for index, expectation in expectations:
            config = expectation.configuration.to_domain_obj().configuration
            config.meta = {**(config.meta or {}), "lean_index": index}
            configs.append(config.to_domain_obj())
        sub_suite = gx.ExpectationSuite(
            name=f"{suite.name}:{','.join(columns)}", expectations=configs
        )
        validated = batch.validate(
            sub_suite, expectation_parameters=parameters, result_format=summary
        )
        for result in validated.results:
            results[int(result.expectation_config.meta["lean_index"])] = (result, part)
    report = ContractReport(input_name, source, len(frame), [])
    for index, expectation in enumerate(suite.expectations):
        result, _ = results[index]
        outcome, _ = suites._outcome(input_name, result)
        rows: list[int] = []
        if not outcome.success and outcome.severity in ("critical", "warning"):
            rows = _failing_rows(frame, expectation, result, outcome, parameters, definition)
            outcome = dataclasses.replace(outcome, example_rows=rows[:MAX_EXAMPLES])
        report.add(outcome, rows)
    return report


def _failing_rows(frame, expectation, result, outcome, parameters, definition) -> list[int]:
    config = expectation.configuration
    kwargs = {k: _resolve(v, parameters) for k, v in config.kwargs.items()}
    if outcome.error or not kwargs.get("column"):
        return []
    mask = failing_mask(frame, config.type, kwargs)
    if mask is not None and int(mask.sum()) == outcome.unexpected_count:
        return sorted(int(r) for r in frame.loc[mask, ROW_ID])
    # No mask, or it disagrees with GX: ask GX itself for this expectation's rows.
    import great_expectations as gx

    batch = definition.get_batch(batch_parameters={"dataframe": frame})
    one = gx.ExpectationSuite(name=f"{config.type}-rows", expectations=[config.to_domain_obj()])
    complete = {
        "result_format": "COMPLETE",
        "unexpected_index_column_names": [ROW_ID],
        "partial_unexpected_count": MAX_EXAMPLES,
    }
    full = batch.validate(one, expectation_parameters=parameters, result_format=complete)
    return suites._outcome(outcome.input_name, full.results[0])[1]


def split_quarantine(
    frame: pd.DataFrame, report: ContractReport
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``contracts.split_quarantine``, without copying the whole frame when no row is set aside."""
    if report.set_aside_reasons:
        return suites.split_quarantine(frame, report)
    empty = frame.iloc[:0].copy()
    empty["set_aside_reason"] = pd.Series([], dtype=object)
    return frame, empty
