"""Reading service-quality plans: the list, a version's tree and table, differences between
versions. Each function runs a fixed number of queries, whatever the plan's size."""

from dataclasses import dataclass, field

from django.db.models import Count, Max, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from governance.models import Unit

from .models import Plan, PlanArea, PlanItem, PlanPractice, PlanVersion
from .services import PlanRow, path_label


def plans() -> QuerySet[Plan]:
    """Every plan, newest year first, with its current version number and its number of
    versions."""
    return Plan.objects.annotate(current_number=Max("versions__number"), version_count=Count("versions"))


def versions_of(plan: Plan) -> QuerySet[PlanVersion]:
    return PlanVersion.objects.filter(plan=plan).select_related("created_by").order_by("number")


def current_version(plan: Plan) -> PlanVersion | None:
    return PlanVersion.objects.filter(plan=plan).order_by("-number").first()


def practices_to_link() -> QuerySet[PlanPractice]:
    """The practices a proposal may name: the newest plan's current version's, in the
    plan's order, with their area for the label."""
    plan = Plan.objects.order_by("-roc_year").first()
    version = current_version(plan) if plan else None
    return (
        PlanPractice.objects.filter(item__area__version=version)
        .select_related("item__area")
        .order_by("item__area__sort_order", "item__sort_order", "sort_order", "pk")
    )


def practice_numbered(number: str | None) -> PlanPractice | None:
    """The first practice with that number (e.g. 1.2) in practices_to_link(), or None:
    numbers repeat across areas, so only demo data and old text links are read this way."""
    return practices_to_link().filter(number=number).first() if number else None


def _shortened(text, limit):
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def practice_label(practice: PlanPractice) -> str:
    """Where the practice sits (一（一）1. 1.1: numbers repeat across areas, dimensions and
    items) and its words."""
    item = practice.item
    return f"{path_label(item.area.number, item.dimension, item.number, practice.number)} {practice.text}"


def item_label(item: PlanItem) -> str:
    """A plan item with its area, as the heading of its practices in a list to choose from."""
    where = path_label(item.area.number, item.dimension, item.number)
    return f"{where} {item.area.title}／{_shortened(item.title, 40)}"


# ---------------------------------------------------------------- a version's tree


@dataclass
class PracticeNode:
    practice: PlanPractice
    area: PlanArea
    item: PlanItem
    units: list
    deadlines: list  # dates, in order

    @property
    def key(self):
        return self.practice.key

    @property
    def label(self):
        """一（一）1. 1.1: where the practice sits in the table."""
        return path_label(self.area.number, self.item.dimension, self.item.number, self.practice.number)

    @property
    def unit_codes(self):
        return [unit.code for unit in self.units]


@dataclass
class ItemNode:
    item: PlanItem
    practices: list = field(default_factory=list)


@dataclass
class AreaNode:
    area: PlanArea
    items: list = field(default_factory=list)


@dataclass
class PlanTree:
    version: PlanVersion
    areas: list

    def practices(self):
        return [p for area in self.areas for item in area.items for p in item.practices]

    def rows(self):
        """The version as import rows (one per practice, one per item without practices)."""
        rows = []
        for area in self.areas:
            for node in area.items:
                item = node.item
                common = dict(
                    area_number=area.area.number,
                    area_title=area.area.title,
                    dimension=item.dimension,
                    item_number=item.number,
                    item_title=item.title,
                )
                if not node.practices:
                    rows.append(PlanRow(**common))
                for p in node.practices:
                    rows.append(
                        PlanRow(
                            **common,
                            practice_number=p.practice.number,
                            practice_text=p.practice.text,
                            deadline_text=p.practice.deadline_text,
                            deadlines=tuple(p.deadlines),
                            unit_text=p.practice.unit_text,
                            unit_codes=tuple(p.unit_codes),
                        )
                    )
        return rows


def version_tree(version: PlanVersion) -> PlanTree:
    """Areas → items → practices with their units and deadlines, in five queries."""
    practices = PlanPractice.objects.order_by("sort_order", "pk").prefetch_related(
        Prefetch("units", queryset=Unit.objects.order_by("sort_order", "code")), "deadlines"
    )
    items = PlanItem.objects.order_by("sort_order", "pk").prefetch_related(
        Prefetch("practices", queryset=practices)
    )
    areas = (
        PlanArea.objects.filter(version=version)
        .order_by("sort_order", "pk")
        .prefetch_related(Prefetch("items", queryset=items))
    )
    tree = []
    for area in areas:
        area_node = AreaNode(area)
        for item in area.items.all():
            item_node = ItemNode(item)
            for practice in item.practices.all():
                item_node.practices.append(
                    PracticeNode(
                        practice=practice,
                        area=area,
                        item=item,
                        units=list(practice.units.all()),
                        deadlines=[d.due_date for d in practice.deadlines.all()],
                    )
                )
            area_node.items.append(item_node)
        tree.append(area_node)
    return PlanTree(version=version, areas=tree)


# ---------------------------------------------------------------- the table


@dataclass
class Cell:
    """A merged cell of the table: shown on the first row it covers, spanning `rows`."""

    value: object
    rows: int


@dataclass
class TableRow:
    area: Cell | None
    dimension: Cell | None
    item: Cell | None
    practice: PracticeNode | None


def table_rows(tree: PlanTree) -> list[TableRow]:
    """The tree as the document's table: one row per practice (or per item without practices),
    with the area, dimension and item cells merged over their rows."""
    rows = []
    for area in tree.areas:
        area_rows = [_item_rows(node) for node in area.items]
        if not area_rows:
            rows.append(TableRow(Cell(area.area, 1), None, None, None))
            continue
        area_cell = Cell(area.area, sum(len(r) for r in area_rows))
        first_of_area = True
        index = 0
        while index < len(area.items):
            # Consecutive items under one dimension heading share its cell.
            dimension = area.items[index].item.dimension
            end = index
            while end < len(area.items) and area.items[end].item.dimension == dimension:
                end += 1
            dimension_cell = Cell(dimension, sum(len(r) for r in area_rows[index:end]))
            for position in range(index, end):
                node = area.items[position]
                item_cell = Cell(node.item, len(area_rows[position]))
                for practice in area_rows[position]:
                    rows.append(
                        TableRow(area_cell if first_of_area else None, dimension_cell, item_cell, practice)
                    )
                    first_of_area = False
                    dimension_cell = item_cell = None
            index = end
    return rows


def _item_rows(node):
    return node.practices or [None]


# ---------------------------------------------------------------- differences


FIELD_LABELS = {"text": _("推動作法"), "deadlines": _("完成期限"), "units": _("承辦單位")}


@dataclass
class PracticeChange:
    old: PracticeNode
    new: PracticeNode
    fields: list  # what changed: "text", "deadlines", "units"

    @property
    def field_labels(self):
        return [FIELD_LABELS[name] for name in self.fields]


@dataclass
class VersionChanges:
    old: PlanVersion
    new: PlanVersion
    added: list
    removed: list
    changed: list

    @property
    def unchanged(self):
        return not (self.added or self.removed or self.changed)


def _changed_fields(old, new):
    fields = []
    if old.practice.text != new.practice.text or old.practice.number != new.practice.number:
        fields.append("text")
    if old.deadlines != new.deadlines or old.practice.deadline_text != new.practice.deadline_text:
        fields.append("deadlines")
    if sorted(old.unit_codes) != sorted(new.unit_codes) or old.practice.unit_text != new.practice.unit_text:
        fields.append("units")
    return fields


def version_changes(old: PlanVersion, new: PlanVersion) -> VersionChanges:
    """Practices added, removed and changed (text, deadlines or units) from `old` to `new`,
    matched by their key; added and changed in `new`'s order, removed in `old`'s."""
    before = {p.key: p for p in version_tree(old).practices()}
    after = version_tree(new).practices()
    after_keys = {p.key for p in after}
    added, changed = [], []
    for practice in after:
        previous = before.get(practice.key)
        if previous is None:
            added.append(practice)
            continue
        fields = _changed_fields(previous, practice)
        if fields:
            changed.append(PracticeChange(previous, practice, fields))
    removed = [p for key, p in before.items() if key not in after_keys]
    return VersionChanges(old=old, new=new, added=added, removed=removed, changed=changed)
