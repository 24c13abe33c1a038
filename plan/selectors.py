"""Reading service-quality plans: the list, a version's tree and table, differences between
versions. Each function runs a fixed number of queries, whatever the plan's size."""

from dataclasses import dataclass, field

from django.db.models import Count, Max, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from governance.models import Unit

from .models import Plan, PlanArea, PlanDraft, PlanItem, PlanPractice, PlanVersion
from .rows import row_from_data
from .services import PlanRow, next_year_date, next_year_text, path_label


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
                            key=p.key,
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
    new: PlanVersion | PlanDraft
    added: list
    removed: list
    changed: list

    @property
    def unchanged(self):
        return not (self.added or self.removed or self.changed)


def _changed_fields(old, new, old_year=None):
    """What changed from `old` to `new`; with `old_year`, `old` is of last year's plan (the year
    `old_year`) and its deadlines count as moved a year on (only other changes show)."""
    old_deadlines, old_deadline_text = old.deadlines, old.practice.deadline_text
    if old_year is not None:
        old_deadlines = [next_year_date(d) for d in old_deadlines]
        old_deadline_text = next_year_text(old_deadline_text, old_year)
    fields = []
    if old.practice.text != new.practice.text or old.practice.number != new.practice.number:
        fields.append("text")
    if old_deadlines != new.deadlines or old_deadline_text != new.practice.deadline_text:
        fields.append("deadlines")
    if sorted(old.unit_codes) != sorted(new.unit_codes) or old.practice.unit_text != new.practice.unit_text:
        fields.append("units")
    return fields


def _year_of(version):
    """The ROC year of a version's plan, or a draft's."""
    return version.roc_year if isinstance(version, PlanDraft) else version.plan.roc_year


def version_changes(old: PlanVersion, new: PlanVersion) -> VersionChanges:
    """Practices added, removed and changed (text, deadlines or units) from `old` to `new`,
    matched by their key; added and changed in `new`'s order, removed in `old`'s. From last
    year's plan to this year's, deadlines a year on are not a change."""
    return tree_changes(version_tree(old), version_tree(new))


def tree_changes(old_tree: PlanTree, new_tree: PlanTree) -> VersionChanges:
    """version_changes of two trees: a version's, or a draft's (draft_tree)."""
    old_year = _year_of(old_tree.version)
    moved = old_year if _year_of(new_tree.version) == old_year + 1 else None
    before = {p.key: p for p in old_tree.practices()}
    after = new_tree.practices()
    after_keys = {p.key for p in after}
    added, changed = [], []
    for practice in after:
        previous = before.get(practice.key)
        if previous is None:
            added.append(practice)
            continue
        fields = _changed_fields(previous, practice, moved)
        if fields:
            changed.append(PracticeChange(previous, practice, fields))
    removed = [p for key, p in before.items() if key not in after_keys]
    return VersionChanges(
        old=old_tree.version, new=new_tree.version, added=added, removed=removed, changed=changed
    )


# ---------------------------------------------------------------- next year's draft


def previous_year_version(roc_year: int) -> PlanVersion | None:
    """The current version of the plan of the year before `roc_year` (what a draft of
    `roc_year`, or the version 1 approved from it, is compared with), or None."""
    return (
        PlanVersion.objects.filter(plan__roc_year=roc_year - 1)
        .select_related("plan")
        .order_by("-number")
        .first()
    )


def open_drafts() -> QuerySet[PlanDraft]:
    """The drafts not approved yet, newest year first (only the 管考 office sees them)."""
    return PlanDraft.objects.filter(approved_version=None).order_by("-roc_year")


def draft_rows(draft: PlanDraft) -> list[PlanRow]:
    """The draft's rows as PlanRows, each practice with its key."""
    return [row_from_data(data) for data in draft.rows]


def draft_tree(draft: PlanDraft) -> PlanTree:
    """The draft as a version's tree (unsaved areas, items and practices), for the plan's
    table and for comparing with last year's version. Two queries (units, then none)."""
    rows = draft_rows(draft)
    codes = {code for row in rows for code in row.unit_codes}
    units = Unit.objects.in_bulk(codes, field_name="code") if codes else {}
    unit_order = {code: (unit.sort_order, code) for code, unit in units.items()}
    areas, items = {}, {}
    for order, row in enumerate(rows):
        area_node = areas.get(row.area_number)
        if area_node is None:
            area = PlanArea(number=row.area_number, title=row.area_title, sort_order=len(areas))
            area_node = areas[row.area_number] = AreaNode(area)
        item_id = (row.area_number, row.dimension, row.item_number, row.item_title)
        item_node = items.get(item_id)
        if item_node is None:
            item = PlanItem(
                dimension=row.dimension, number=row.item_number, title=row.item_title, sort_order=len(items)
            )
            item_node = items[item_id] = ItemNode(item)
            area_node.items.append(item_node)
        if not row.has_practice:
            continue
        practice = PlanPractice(
            key=row.key,
            number=row.practice_number,
            text=row.practice_text,
            deadline_text=row.deadline_text,
            unit_text=row.unit_text,
            sort_order=order,
        )
        item_node.practices.append(
            PracticeNode(
                practice=practice,
                area=area_node.area,
                item=item_node.item,
                units=[
                    units[c]
                    for c in sorted({c for c in row.unit_codes if c in units}, key=unit_order.__getitem__)
                ],
                deadlines=sorted(set(row.deadlines)),
            )
        )
    return PlanTree(version=draft, areas=list(areas.values()))
