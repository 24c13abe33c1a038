"""A row of the plan's table as imported (from an xlsx sheet or the seed document)."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PlanRow:
    """One row of the plan's table: a practice with its area and item, or an item alone.

    `line` is where the row came from (the sheet's row number), for error messages.
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

    @property
    def has_practice(self):
        return bool(self.practice_number or self.practice_text)
