"""Data for the meeting and plan-document tests, written straight to the database with the ORM.

Units are the demo units (the `org` fixture must be loaded). Plans are built here rather than
through the xlsx import, which is tested on its own.
"""

import datetime
import itertools

from django.utils import timezone

from audits.models import FINDING_NUMBER_PREFIX, Audit, Finding
from governance.casenumber import format_number
from governance.models import Unit
from governance.rocdate import quarter_label
from meetings.models import GroupMeeting, MeetingDecision
from plan.models import Plan, PlanArea, PlanDeadline, PlanItem, PlanPractice, PlanVersion, PracticeReport
from proposals.models import CASE_NUMBER_PREFIX, Proposal, ScopeCategory
from tests.helpers import taipei, unit, user

_numbers = itertools.count(1)

# ---------------------------------------------------------------- plans


def practice_spec(
    key,
    number,
    text,
    units,
    deadlines,
    area=("一", "服務流程"),
    item=("1.", "單一窗口服務全功能程度"),
    dimension="（一）服務流程便捷性",
):
    return {
        "key": key,
        "number": number,
        "text": text,
        "units": units,
        "deadlines": deadlines,
        "area": area,
        "item": item,
        "dimension": dimension,
    }


def plan_version(roc_year, practices, *, number=1, plan=None, approved_on=None, title=None):
    """A plan version with areas, items and practices as `practices` (practice_spec dicts) say."""
    plan = plan or Plan.objects.create(
        roc_year=roc_year, title=title or f"{roc_year} 年度提升服務品質執行計畫"
    )
    version = PlanVersion.objects.create(
        plan=plan, number=number, approved_on=approved_on, note=f"第 {number} 版"
    )
    areas, items = {}, {}
    for order, spec in enumerate(practices):
        if spec["area"] not in areas:
            areas[spec["area"]] = PlanArea.objects.create(
                version=version, number=spec["area"][0], title=spec["area"][1], sort_order=len(areas)
            )
        item_key = (spec["area"], spec["dimension"], spec["item"])
        if item_key not in items:
            items[item_key] = PlanItem.objects.create(
                area=areas[spec["area"]],
                dimension=spec["dimension"],
                number=spec["item"][0],
                title=spec["item"][1],
                sort_order=len(items),
            )
        practice = PlanPractice.objects.create(
            item=items[item_key],
            key=spec["key"],
            number=spec["number"],
            text=spec["text"],
            deadline_text="、".join(f"{d.month} 月" for d in spec["deadlines"]),
            unit_text="、".join(spec["units"]),
            sort_order=order,
        )
        practice.units.set(Unit.objects.filter(code__in=spec["units"]))
        PlanDeadline.objects.bulk_create(
            [PlanDeadline(practice=practice, due_date=d) for d in spec["deadlines"]]
        )
    return version


def report(practice_, unit_code, due, status, text, *, confirmed=True, confirmed_at=None):
    """The unit's report on the practice for the quarter of `due`, confirmed by its head unless told."""
    state = PracticeReport.State.CONFIRMED if confirmed else PracticeReport.State.SUBMITTED
    return PracticeReport.objects.create(
        practice=practice_,
        unit=unit(unit_code),
        period=quarter_label(due),
        status=status,
        text=text,
        state=state,
        submitted_by=user(f"{unit_code}-liaison"),
        confirmed_by=user(f"{unit_code}-head") if confirmed else None,
        confirmed_at=(confirmed_at or timezone.now()) if confirmed else None,
    )


# ---------------------------------------------------------------- proposals and findings


def proposal(unit_code, title, *, due, state=Proposal.State.EXECUTING, year=115):
    """A proposal in execution (or another state) led by the unit, due on `due`."""
    sequence = next(_numbers)
    return Proposal.objects.create(
        case_number=format_number(CASE_NUMBER_PREFIX, year, sequence),
        roc_year=year,
        sequence=sequence,
        state=state,
        unit=unit(unit_code),
        submitter=user(f"{unit_code}-staff1"),
        title=title,
        situation="現況",
        improvement="作法",
        benefit="效益",
        category=ScopeCategory.objects.first(),
        lead_unit=unit(unit_code),
        due_date=due,
        decision=Proposal.Decision.ADOPT,
    )


def finding(unit_code, text, *, due, state=Finding.State.PLANNING, year=115):
    audit = Audit.objects.create(
        agency="教育部",
        kind=Audit.Kind.APPRAISAL,
        title=f"{year} 年度服務品質考核",
        held_on=datetime.date(year + 1911, 1, 20),
        document_number=f"臺教綜（一）字第{year}00{next(_numbers):05d}號",
        registered_by=user("tracking"),
    )
    sequence = next(_numbers)
    return Finding.objects.create(
        audit=audit,
        tracking_number=format_number(FINDING_NUMBER_PREFIX, year, sequence),
        roc_year=year,
        sequence=sequence,
        kind=Finding.Kind.DEFICIENCY,
        text=text,
        severity=Finding.Severity.MEDIUM,
        lead_unit=unit(unit_code),
        due_date=due,
        state=state,
    )


# ---------------------------------------------------------------- meetings


def meeting(day, *, state=GroupMeeting.State.SCHEDULED, number=None, minutes="", location="本館第一會議室"):
    """A meeting on `day` at 14:00 Taipei time, numbered next in its ROC year unless told."""
    year = day.year - 1911
    if number is None:
        number = GroupMeeting.objects.filter(roc_year=year).count() + 1
    return GroupMeeting.objects.create(
        roc_year=year,
        number=number,
        scheduled_for=taipei(day, 14),
        location=location,
        chair=user("director"),
        state=state,
        minutes=minutes or ("會議紀錄" if state == GroupMeeting.State.HELD else ""),
        created_by=user("tracking"),
    )


def held(day, decisions=(), **options):
    """A held meeting with `decisions`: (text, unit code or None, due date or None, done note or None)."""
    held_meeting = meeting(day, state=GroupMeeting.State.HELD, **options)
    held_meeting.attendees.set([user("director"), user("tracking")])
    for text, unit_code, due, done in decisions:
        MeetingDecision.objects.create(
            meeting=held_meeting,
            text=text,
            action_unit=unit(unit_code) if unit_code else None,
            action_due=due,
            action_done_at=timezone.now() if done else None,
            action_done_note=done or "",
        )
    return held_meeting
