"""A row of the plan's table as imported (from an xlsx sheet or the seed document)."""

import datetime
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PlanRow:
    """One row of the plan's table: a practice with its area and item, or an item alone.

    `line` is where the row came from (the sheet's row number), for error messages; `key`
    the practice's key when the row was read from a version or a draft.
    """

    area_number: str
    area_title: str
    dimension: str = ""
    item_number: str = ""
    item_title: str = ""
    practice_number: str = ""
    practice_text: str = ""
    deadline_text: str = ""
    deadlines: tuple = ()
    unit_text: str = ""
    unit_codes: tuple = ()
    line: int | None = field(default=None, compare=False)
    # The practice's key when the row comes from a version or a draft ("" from a file).
    key: str = field(default="", compare=False)

    @property
    def has_practice(self):
        return bool(self.practice_number or self.practice_text)


def row_data(row: PlanRow) -> dict:
    """The row as JSON-ready data (a draft's stored rows): dates in ISO form, no line."""
    return {
        "area_number": row.area_number,
        "area_title": row.area_title,
        "dimension": row.dimension,
        "item_number": row.item_number,
        "item_title": row.item_title,
        "practice_number": row.practice_number,
        "practice_text": row.practice_text,
        "deadline_text": row.deadline_text,
        "deadlines": [d.isoformat() for d in row.deadlines],
        "unit_text": row.unit_text,
        "unit_codes": list(row.unit_codes),
        "key": row.key,
    }


def row_from_data(data: dict) -> PlanRow:
    """row_data's inverse."""
    return PlanRow(
        **{
            **data,
            "deadlines": tuple(datetime.date.fromisoformat(d) for d in data.get("deadlines", ())),
            "unit_codes": tuple(data.get("unit_codes", ())),
        }
    )
