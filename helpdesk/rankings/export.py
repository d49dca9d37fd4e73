"""The monthly export, exactly as metrics.md section 10: JSON array or CSV with a header."""

import json
from decimal import Decimal
from functools import lru_cache

from helpdesk.csv_export import csv_text
from helpdesk.rankings.models import RankingSnapshot

FIELDS = (
    "month", "coach", "answered", "needs_improvement", "communication_quality", "cq_rank",
    "eligible", "samples", "breaches", "mean_response_seconds", "fast_responder_rank",
    "fast_responder_tier", "client_success_rate", "client_success_tier",
    "client_happiness", "client_happiness_tier", "moderated", "approved_later_rejected",
    "moderation_accuracy", "moderation_tier", "base_compensation",
    "ad_credit_compensation", "bonus_client_success", "bonus_client_happiness",
    "bonus_fast_responder", "bonus_moderation",
)
RATE_FIELDS = ("communication_quality", "mean_response_seconds", "client_success_rate", "client_happiness",
               "moderation_accuracy")
MONEY_FIELDS = ("base_compensation", "ad_credit_compensation", "bonus_client_success", "bonus_client_happiness",
                "bonus_fast_responder", "bonus_moderation")


def _plain(value: Decimal) -> str:
    """A decimal as a plain JSON number: no exponent, no trailing zeros."""
    return format(value.normalize(), "f")


def export_record(row) -> dict:
    """One coach's export object: rates as numbers, money as strings with two decimals, None for none."""
    record = {}
    for field in FIELDS:
        value = getattr(row, field) if not isinstance(row, dict) else row[field]
        if value is None:
            record[field] = None
        elif field in MONEY_FIELDS:
            record[field] = f"{Decimal(value):.2f}"
        elif field in RATE_FIELDS:
            record[field] = Decimal(value)
        else:
            record[field] = value
    return record


def _rows(source) -> list:
    """The rows to export: a list of rows (as read in one statement), or a snapshot's own rows."""
    return source.rows if isinstance(source, RankingSnapshot) else list(source)


def to_json(source) -> str:
    """The JSON array of section 10 (rates printed exactly as stored, e.g. 0.95 or 12600)."""
    parts = []
    for row in _rows(source):
        record = export_record(row)
        items = []
        for key, value in record.items():
            if isinstance(value, Decimal):
                text = _plain(value)
            else:
                text = json.dumps(value)
            items.append(f"{json.dumps(key)}: {text}")
        parts.append("{" + ", ".join(items) + "}")
    return "[" + ",\n".join(parts) + "]"


def _csv_values(record: dict) -> list:
    """A record's values for the CSV writer: rates as plain decimals, money as decimals with two places
    (numbers, so a negative amount stays a number), text as text (neutralised by the writer)."""
    values = []
    for field, value in record.items():
        if field in MONEY_FIELDS and value is not None:
            value = Decimal(value)
        elif isinstance(value, Decimal):
            value = value.normalize()
        values.append(value)
    return values


def to_csv(source) -> str:
    """The same columns as CSV with a header; none is an empty cell, booleans true/false (helpdesk.csv_export)."""
    return csv_text(FIELDS, (_csv_values(export_record(row)) for row in _rows(source)))


# The CSV from the stored integers (reading.read_raw_rows), exactly as to_csv writes the same rows, without
# turning each of 130,000 cells at 5,000 coaches into a Decimal and back (#15: 198 ms of the CSV's time).
def plain_scaled(raw: int, places: int) -> str:
    """raw / 10**places in plain notation without trailing zeros, as format(Decimal.normalize(), "f")."""
    sign, digits = ("-", str(-raw)) if raw < 0 else ("", str(raw))
    digits = digits.rjust(places + 1, "0")
    fraction = digits[-places:].rstrip("0")
    return f"{sign}{digits[:-places]}.{fraction}" if fraction else sign + digits[:-places]


def money_text(raw: int, places: int = 4) -> str:
    """raw / 10**places rounded half to even to two decimals, as f"{Decimal:.2f}" (a negative zero keeps its
    sign, as Decimal's does)."""
    unit = 10 ** (places - 2)
    cents, rest = divmod(raw, unit)
    if rest * 2 > unit or (rest * 2 == unit and cents % 2):
        cents += 1
    whole, part = divmod(abs(cents), 100)
    return f"{'-' if raw < 0 else ''}{whole}.{part:02d}"


@lru_cache(maxsize=1 << 16)  # many cells repeat (0.00, a tier's bonus): a hit costs no Python call
def _money_cell(raw):
    return None if raw is None else money_text(raw)


def _rate_cell(raw):
    return None if raw is None else plain_scaled(raw, 9)


# Per column, what turns its stored value into what csv_text writes (ints, booleans and text as they are).
_RAW_CELL = tuple(_money_cell if f in MONEY_FIELDS else _rate_cell if f in RATE_FIELDS else None for f in FIELDS)


def _raw_cells(rows) -> list:
    """The rows' cells, a column at a time."""
    if not rows:
        return []
    columns = zip(*rows, strict=True)
    return list(zip(*(column if make is None else map(make, column)
                      for make, column in zip(_RAW_CELL, columns, strict=True)), strict=True))


def raw_to_csv(rows) -> str:
    """to_csv of rows read as stored integers (FIELDS in order; rates in 1e-9 units, money in 1e-4)."""
    return csv_text(FIELDS, _raw_cells(rows))
