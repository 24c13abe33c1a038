"""Everything that changes a service-quality plan: import it, revise it, load the seed's.

A plan is imported or revised from rows shaped like its table (and like its xlsx): one row per
practice, or per item without practices. Each import or revision makes a new PlanVersion in
one transaction and writes one trail event (case kind "plan", case ref the plan's pk); earlier
versions are never touched. A practice keeps its `key` from the plan's latest version when its
number path (area, dimension, item and practice numbers) is the same, so its reports and its
changes can be followed across versions.
"""

import calendar
import dataclasses
import datetime
import re
import unicodedata
import uuid
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.models import Unit, User
from governance.permissions import require
from governance.rocdate import ROC_OFFSET, format_roc, roc_year_range, today_taipei
from governance.roles import Capability
from governance.trail import record_event

from .models import Plan, PlanArea, PlanDeadline, PlanDraft, PlanItem, PlanPractice, PlanVersion
from .rows import PlanRow, row_data, row_from_data
from .seed import plan_102

PLAN_KIND = "plan"

# Field lengths of the models, checked before anything is written (no database error halfway).
LIMITS = {
    "area_number": (gettext_lazy("實施要項編號"), PlanArea._meta.get_field("number").max_length),
    "area_title": (gettext_lazy("實施要項"), PlanArea._meta.get_field("title").max_length),
    "dimension": (gettext_lazy("構面"), PlanItem._meta.get_field("dimension").max_length),
    "item_number": (gettext_lazy("執行項目編號"), PlanItem._meta.get_field("number").max_length),
    "practice_number": (gettext_lazy("推動作法編號"), PlanPractice._meta.get_field("number").max_length),
    "deadline_text": (gettext_lazy("完成期限"), PlanPractice._meta.get_field("deadline_text").max_length),
    "unit_text": (gettext_lazy("承辦單位"), PlanPractice._meta.get_field("unit_text").max_length),
}
PLAN_TITLE_MAX = Plan._meta.get_field("title").max_length


class PlanImportError(ValidationError):
    """The rows cannot be imported; `messages` lists every problem, row by row."""


# ---------------------------------------------------------------- number paths

_ORDINAL = re.compile(r"^\s*[（(]\s*([一二三四五六七八九十百]+)\s*[)）]")
_NUMBER_END = re.compile(r"[\s.．、,，]+$")


def _folded(text):
    return unicodedata.normalize("NFKC", text or "").strip()


def dimension_ordinal(dimension: str | None) -> str:
    """「（一）服務流程便捷性」→「一」; a heading without an ordinal stands for itself."""
    match = _ORDINAL.match(dimension or "")
    return match.group(1) if match else _folded(dimension)


def plain_number(number: str | None) -> str:
    """「1.」「1、」「１．」→「1」: how a number is compared, whatever its punctuation."""
    return _NUMBER_END.sub("", _folded(number))


def number_path(
    area_number: str | None, dimension: str | None, item_number: str | None, practice_number: str | None
) -> tuple[str, str, str, str]:
    """What identifies a practice within a version: 一 / 一 / 1 / 1.1."""
    return (
        _folded(area_number),
        dimension_ordinal(dimension),
        plain_number(item_number),
        plain_number(practice_number),
    )


def path_label(area_number: str, dimension: str | None, item_number: str, practice_number: str = "") -> str:
    """How a practice is named in messages: 一（一）1. 1.1."""
    ordinal = _ORDINAL.match(dimension or "")
    label = f"{area_number}{f'（{ordinal.group(1)}）' if ordinal else ''}{item_number}"
    return f"{label} {practice_number}".strip()


def row_path(row: PlanRow) -> tuple[str, str, str, str]:
    return number_path(row.area_number, row.dimension, row.item_number, row.practice_number)


# ---------------------------------------------------------------- checking rows


def _where(row, index):
    return row.line if row.line is not None else index + 1


def check_rows(
    rows: Sequence[PlanRow],
    *,
    roc_year: int | None = None,
    units_by_code: dict[str, Unit] | None = None,
    first_errors: Iterable[tuple[int, str]] = (),
) -> list[str]:
    """Every problem of `rows` as "第 N 列：…" messages (an empty list if they can be imported).

    `roc_year`: the plan's year, which every deadline falls in (an annual plan; a file of
    another year imported by mistake would otherwise file its whole table under this one).
    `first_errors` are (line, message) pairs found earlier (e.g. unreadable cells), listed in
    row order with the rest.
    """
    year_range = roc_year_range(roc_year) if roc_year else None
    errors = list(first_errors)
    if not rows and not errors:
        return [_("沒有任何資料列：請至少填一列推動作法。")]
    if units_by_code is None:
        codes = {code for row in rows for code in row.unit_codes}
        units_by_code = Unit.objects.in_bulk(codes, field_name="code") if codes else {}
    area_titles, item_titles, seen_paths = {}, {}, {}
    for index, row in enumerate(rows):
        line = _where(row, index)

        def add(message, line=line):
            errors.append((line, message))

        for name, (label, limit) in LIMITS.items():
            if len(getattr(row, name) or "") > limit:
                add(_("%(label)s過長（最多 %(limit)s 字）。") % {"label": label, "limit": limit})
        if not row.area_number or not row.area_title:
            add(_("缺少實施要項（編號與名稱，如「一、服務流程」）。"))
        elif area_titles.setdefault(row.area_number, row.area_title) != row.area_title:
            add(
                _("實施要項「%(number)s」的名稱「%(title)s」與前面的列「%(first)s」不同。")
                % {"number": row.area_number, "title": row.area_title, "first": area_titles[row.area_number]}
            )
        if not row.item_title:
            add(_("缺少執行項目。"))
        elif row.item_number:
            item_path = row_path(row)[:3]
            first_title, first_line = item_titles.setdefault(item_path, (row.item_title, line))
            if first_title != row.item_title:
                add(
                    _("執行項目「%(item)s」的名稱與第 %(line)s 列不同。")
                    % {
                        "item": path_label(row.area_number, row.dimension, row.item_number),
                        "line": first_line,
                    }
                )
        if row.has_practice:
            if not row.practice_number:
                add(_("推動作法缺少編號。"))
            if not row.practice_text:
                add(_("推動作法「%(number)s」缺少內容。") % {"number": row.practice_number})
            if row.practice_number:
                path = row_path(row)
                if path in seen_paths:
                    label = path_label(row.area_number, row.dimension, row.item_number, row.practice_number)
                    add(
                        _("推動作法編號「%(label)s」與第 %(line)s 列重複。")
                        % {"label": label, "line": seen_paths[path]}
                    )
                else:
                    seen_paths[path] = line
        elif row.deadline_text or row.deadlines or row.unit_text or row.unit_codes:
            add(_("沒有推動作法，不能填完成期限或承辦單位。"))
        if not all(isinstance(d, datetime.date) for d in row.deadlines):
            add(_("完成期限日期須為日期。"))
        elif year_range:
            outside = [d for d in row.deadlines if not year_range[0] <= d <= year_range[1]]
            if outside:
                add(
                    _("完成期限 %(date)s 不在 %(year)s 年度內。")
                    % {"date": format_roc(outside[0]), "year": roc_year}
                )
        for code in row.unit_codes:
            if code not in units_by_code:
                add(unknown_unit(code))
    errors.sort(key=lambda pair: pair[0])
    return [at_line(line, message) for line, message in errors]


def at_line(line: int, message: str) -> str:
    return _("第 %(line)s 列：%(message)s") % {"line": line, "message": message}


def unknown_unit(name: str) -> str:
    return _("承辦單位「%(name)s」不存在。") % {"name": name[:30]}


def _raise_if(errors):
    if errors:
        raise PlanImportError(errors)


# ---------------------------------------------------------------- writing versions


def _coerce(rows):
    """PlanRows from PlanRows or dicts of the same fields."""
    return [
        row
        if isinstance(row, PlanRow)
        else PlanRow(
            **{
                **row,
                "deadlines": tuple(row.get("deadlines", ())),
                "unit_codes": tuple(row.get("unit_codes", ())),
            }
        )
        for row in rows
    ]


def _latest_keys(plan):
    """path → key of the practices of the plan's latest version."""
    latest = plan.versions.order_by("-number").first()
    if latest is None:
        return {}
    practices = PlanPractice.objects.filter(item__area__version=latest).values_list(
        "item__area__number", "item__dimension", "item__number", "number", "key"
    )
    return {number_path(a, d, i, p): key for a, d, i, p, key in practices}


def _write_version(plan, number, rows, *, actor, note, approved_on, keys):
    version = PlanVersion.objects.create(
        plan=plan, number=number, note=note or "", approved_on=approved_on, created_by=actor
    )
    units = Unit.objects.in_bulk({c for row in rows for c in row.unit_codes}, field_name="code")
    areas, items = {}, {}
    deadlines, unit_links = [], []
    Through = PlanPractice.units.through
    for order, row in enumerate(rows):
        area = areas.get(row.area_number)
        if area is None:
            area = areas[row.area_number] = PlanArea.objects.create(
                version=version, number=row.area_number, title=row.area_title, sort_order=len(areas)
            )
        item_id = (row.area_number, row.dimension, row.item_number, row.item_title)
        item = items.get(item_id)
        if item is None:
            item = items[item_id] = PlanItem.objects.create(
                area=area,
                dimension=row.dimension,
                number=row.item_number,
                title=row.item_title,
                sort_order=len(items),
            )
        if not row.has_practice:
            continue
        practice = PlanPractice.objects.create(
            item=item,
            key=keys.get(row_path(row)) or uuid.uuid4().hex,
            number=row.practice_number,
            text=row.practice_text,
            deadline_text=row.deadline_text,
            unit_text=row.unit_text,
            sort_order=order,
        )
        deadlines.extend(PlanDeadline(practice=practice, due_date=d) for d in sorted(set(row.deadlines)))
        unit_links.extend(
            Through(planpractice_id=practice.pk, unit_id=units[code].pk)
            for code in dict.fromkeys(row.unit_codes)
        )
    PlanDeadline.objects.bulk_create(deadlines)
    Through.objects.bulk_create(unit_links)
    return version


def _locked_plan(roc_year, title):
    """(plan of the year, locked; whether it was created now, with `title`)."""
    plan = Plan.objects.select_for_update().filter(roc_year=roc_year).first()
    if plan is not None:
        return plan, False
    try:
        with transaction.atomic():
            return Plan.objects.create(roc_year=roc_year, title=title), True
    except IntegrityError:
        # Someone created it meanwhile: this import becomes a revision of theirs.
        return Plan.objects.select_for_update().get(roc_year=roc_year), False


def _new_version(plan, created, rows, *, actor, note, approved_on):
    last = plan.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = _write_version(
        plan,
        last + 1,
        rows,
        actor=actor,
        note=note,
        approved_on=approved_on,
        keys={} if created else _latest_keys(plan),
    )
    areas = len({row.area_number for row in rows})
    practices = sum(1 for row in rows if row.has_practice)
    record_event(
        case_kind=PLAN_KIND,
        case_ref=str(plan.pk),
        actor=actor,
        action="匯入計畫" if created else "修正計畫",
        from_state=f"第 {last} 版" if last else "",
        to_state=f"第 {version.number} 版",
        comment=f"{note or ''}（{areas} 項實施要項、{practices} 項推動作法）",
    )
    return version


def _import(*, actor, roc_year, title, rows, note, approved_on, only_if_new=False):
    if actor is not None:
        require(actor, Capability.MANAGE_TRACKING)
    rows = _coerce(rows)
    title = (title or "").strip()
    errors = check_rows(rows, roc_year=roc_year)
    if len(title) > PLAN_TITLE_MAX:
        errors.insert(0, _("計畫名稱過長（最多 %(limit)s 字）。") % {"limit": PLAN_TITLE_MAX})
    _raise_if(errors)
    with transaction.atomic():
        plan, created = _locked_plan(roc_year, title or f"{roc_year} 年度提升服務品質執行計畫")
        if not created and only_if_new:
            return None
        return _new_version(plan, created, rows, actor=actor, note=note, approved_on=approved_on)


def import_plan(
    *,
    actor: User | None,
    roc_year: int,
    title: str | None,
    rows: Iterable[PlanRow | dict],
    note: str | None,
    approved_on: datetime.date | None = None,
) -> PlanVersion:
    """A plan of `roc_year` with version 1 from `rows`, or the plan's next version if it exists
    (its title then stays). Only the 管考 office; `actor=None` is the seed command."""
    return _import(actor=actor, roc_year=roc_year, title=title, rows=rows, note=note, approved_on=approved_on)


def revise_plan(
    *,
    actor: User | None,
    plan: Plan,
    rows: Iterable[PlanRow | dict],
    note: str | None,
    approved_on: datetime.date | None = None,
) -> PlanVersion:
    """The plan's next version from `rows`; earlier versions stay as they are."""
    if actor is not None:
        require(actor, Capability.MANAGE_TRACKING)
    rows = _coerce(rows)
    _raise_if(check_rows(rows, roc_year=plan.roc_year))
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        return _new_version(plan, False, rows, actor=actor, note=note, approved_on=approved_on)


def load_seed_plan(actor: User | None = None) -> PlanVersion | None:
    """The 102 plan of the seed document (plan/seed/plan_102.py), once: if the year
    already has a plan (seeded or imported), nothing is loaded. Returns the new version or None."""
    if Plan.objects.filter(roc_year=plan_102.ROC_YEAR).exists():
        return None
    return _import(
        actor=actor,
        roc_year=plan_102.ROC_YEAR,
        title=plan_102.TITLE,
        rows=plan_102.rows(),
        note=plan_102.NOTE,
        approved_on=plan_102.APPROVED_ON,
        only_if_new=True,
    )


def load_demo() -> list[str]:
    """seed_demo's loader (settings.DEMO_LOADERS): the 102 plan of the seed document."""
    version = load_seed_plan()
    return [f"已載入 {version.plan.title}（原始計畫書）。"] if version else []


# ---------------------------------------------------------------- next year's plan: the draft
#
# The 管考 office starts next year's plan as a PlanDraft copied from the current version of a
# plan (keys, units and texts kept, deadlines moved a year on), replaces its rows from an
# edited xlsx or ODS (plan.xlsx.replace_draft_from_spreadsheet), and approves it as version 1
# of the year's plan. Each step writes one event to the draft's trail (case kind "plan_draft",
# case ref the draft's pk); the approval also opens the new plan's trail.

DRAFT_KIND = "plan_draft"
_DEFAULT_TITLE = "{year} 年度提升服務品質執行計畫"


class DraftRefused(ValidationError):
    """The draft cannot be started, changed or approved (the message says why)."""


def next_year_date(day: datetime.date) -> datetime.date:
    """The same day a year on; the last day of a month stays the last day (2015-02-28 →
    2016-02-29, and 2016-02-29 → 2017-02-28)."""
    last = calendar.monthrange(day.year, day.month)[1]
    if day.day == last:
        return datetime.date(day.year + 1, day.month, calendar.monthrange(day.year + 1, day.month)[1])
    return day.replace(year=day.year + 1)


def next_year_text(text: str, roc_year: int) -> str:
    """`text` with the year `roc_year` (ROC, or its AD form) written as the next one:
    「102 年 3 月、6 月」→「103 年 3 月、6 月」, 102/03/31 → 103/03/31."""
    text = re.sub(rf"(?<!\d){roc_year}(?=\s*年|/)", str(roc_year + 1), text or "")
    ad = roc_year + ROC_OFFSET
    return re.sub(rf"(?<!\d){ad}(?=\s*年|[/-])", str(ad + 1), text)


def next_year_row(row: PlanRow, roc_year: int) -> PlanRow:
    """A row of the plan of `roc_year` as the next year's: deadlines (dates and text) a year
    on; key, numbers, texts and units kept."""
    return dataclasses.replace(
        row,
        deadlines=tuple(next_year_date(d) for d in row.deadlines),
        deadline_text=next_year_text(row.deadline_text, roc_year),
        line=None,
    )


def _refuse_if_year_taken(roc_year, *, ignore_draft=None):
    if Plan.objects.filter(roc_year=roc_year).exists():
        raise DraftRefused(
            _("民國 %(year)s 年度已有計畫，不能再建立草案；請改以滾動修正（匯入修正版）修改該計畫。")
            % {"year": roc_year}
        )
    draft = PlanDraft.objects.filter(roc_year=roc_year).exclude(pk=getattr(ignore_draft, "pk", None)).first()
    if draft is not None:
        raise DraftRefused(
            _("民國 %(year)s 年度已有計畫草案（%(title)s），每個年度只能有一份草案。")
            % {"year": roc_year, "title": draft.title}
        )


def _open_draft(draft):
    """The draft, locked; refused once approved."""
    locked = PlanDraft.objects.select_for_update().get(pk=draft.pk)
    if locked.approved_version_id is not None:
        raise DraftRefused(_("這份草案已核定為計畫第 1 版，不能再修改。"))
    return locked


def _row_counts(rows):
    return len({row.area_number for row in rows}), sum(1 for row in rows if row.has_practice)


def start_next_year_draft(*, actor: User, plan: Plan) -> PlanDraft:
    """Next year's plan as a draft, copied from the current version of `plan`. Refused when
    next year already has a plan or a draft."""
    from .selectors import version_tree  # selectors reads through this module's helpers

    require(actor, Capability.MANAGE_TRACKING)
    year = plan.roc_year + 1
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        _refuse_if_year_taken(year)
        source = plan.versions.order_by("-number").first()
        if source is None:
            raise DraftRefused(_("這個計畫還沒有任何版本，無從複製。"))
        rows = [next_year_row(row, plan.roc_year) for row in version_tree(source).rows()]
        title = next_year_text(plan.title, plan.roc_year)
        if title == plan.title:
            title = _DEFAULT_TITLE.format(year=year)
        note = (
            f"依 {plan.roc_year} 年度計畫第 {source.number} 版複製"
            f"（{format_roc(today_taipei())}），完成期限移至 {year} 年"
        )
        try:
            with transaction.atomic():
                draft = PlanDraft.objects.create(
                    roc_year=year,
                    title=title[:PLAN_TITLE_MAX],
                    source=source,
                    rows=[row_data(row) for row in rows],
                    note=note,
                    created_by=actor,
                    updated_by=actor,
                )
        except IntegrityError:
            # Someone started it meanwhile.
            _refuse_if_year_taken(year)
            raise
        areas, practices = _row_counts(rows)
        record_event(
            case_kind=DRAFT_KIND,
            case_ref=draft.trail_ref,
            actor=actor,
            action="建立下年度計畫草案",
            to_state="草案",
            comment=f"{note}（{areas} 項實施要項、{practices} 項推動作法）",
        )
    return draft


def replace_draft_rows(
    *, actor: User, draft: PlanDraft, rows: Iterable[PlanRow | dict], attachments: Sequence[dict] = ()
) -> PlanDraft:
    """The draft's rows replaced by `rows` (an edited table), checked as an import is (every
    deadline in the draft's year). A practice keeps the key of the draft's practice at the same
    number path (area, dimension, item and practice numbers); a new one gets a new key."""
    require(actor, Capability.MANAGE_TRACKING)
    rows = _coerce(rows)
    _raise_if(check_rows(rows, roc_year=draft.roc_year))
    with transaction.atomic():
        draft = _open_draft(draft)
        old = [row_from_data(data) for data in draft.rows]
        keys = {row_path(row): row.key for row in old if row.has_practice and row.key}
        rows = [
            dataclasses.replace(
                row, key=(keys.get(row_path(row)) or uuid.uuid4().hex) if row.has_practice else ""
            )
            for row in rows
        ]
        kept = {row.key for row in rows} & set(keys.values())
        draft.rows = [row_data(row) for row in rows]
        draft.updated_by, draft.updated_at = actor, timezone.now()
        draft.save(update_fields=["rows", "updated_by", "updated_at"])
        areas, practices = _row_counts(rows)
        record_event(
            case_kind=DRAFT_KIND,
            case_ref=draft.trail_ref,
            actor=actor,
            action="修改計畫草案",
            from_state="草案",
            to_state="草案",
            comment=(
                f"{areas} 項實施要項、{practices} 項推動作法"
                f"（沿用 {len(kept)} 項、新增 {practices - len(kept)} 項、刪除 {len(keys) - len(kept)} 項）"
            ),
            attachments=attachments,
        )
    return draft


def approve_draft(*, actor: User, draft: PlanDraft, approved_on: datetime.date, note: str) -> PlanVersion:
    """The draft approved as version 1 of its year's plan (approved on `approved_on`, with
    `note`); the draft stays as the record of where version 1 came from."""
    require(actor, Capability.MANAGE_TRACKING)
    with transaction.atomic():
        draft = _open_draft(draft)
        _refuse_if_year_taken(draft.roc_year, ignore_draft=draft)
        rows = [row_from_data(data) for data in draft.rows]
        # Units may have been dissolved since the draft was written.
        _raise_if(check_rows(rows, roc_year=draft.roc_year))
        try:
            with transaction.atomic():
                plan = Plan.objects.create(roc_year=draft.roc_year, title=draft.title)
        except IntegrityError:
            _refuse_if_year_taken(draft.roc_year, ignore_draft=draft)
            raise
        keys = {row_path(row): row.key for row in rows if row.has_practice and row.key}
        version = _write_version(plan, 1, rows, actor=actor, note=note, approved_on=approved_on, keys=keys)
        # Version 1 keeps last year's keys, so what hangs on a practice by key follows it:
        # its 承辦人 are offered from last year's last named quarter until the unit names the
        # new year's (plan.practice_officers.officers_by_duty); reports start afresh.
        draft.approved_version = version
        draft.updated_by, draft.updated_at = actor, timezone.now()
        draft.save(update_fields=["approved_version", "updated_by", "updated_at"])
        areas, practices = _row_counts(rows)
        comment = f"{note}（{format_roc(approved_on)}通過；{areas} 項實施要項、{practices} 項推動作法）"
        record_event(
            case_kind=DRAFT_KIND,
            case_ref=draft.trail_ref,
            actor=actor,
            action="核定計畫草案",
            from_state="草案",
            to_state="第 1 版",
            comment=comment,
        )
        record_event(
            case_kind=PLAN_KIND,
            case_ref=str(plan.pk),
            actor=actor,
            action="核定計畫草案",
            from_state="草案",
            to_state="第 1 版",
            comment=f"{comment}；{draft.note}",
        )
    return version


def discard_draft(*, actor: User, draft: PlanDraft) -> None:
    """A draft not approved yet deleted (its trail stays), so the year's draft can start over."""
    require(actor, Capability.MANAGE_TRACKING)
    with transaction.atomic():
        draft = _open_draft(draft)
        record_event(
            case_kind=DRAFT_KIND,
            case_ref=draft.trail_ref,
            actor=actor,
            action="刪除計畫草案",
            from_state="草案",
            to_state="已刪除",
            comment=draft.title,
        )
        draft.delete()
