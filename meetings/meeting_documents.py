"""The execution group's meeting papers, in the formats of the 文書處理手冊 (docs/domain.md,
「The paper」): the meeting notice (開會通知單), the agenda (議程) and the minutes (會議紀錄).

Each is made from one data function (`notice_data`, `agenda_data`, `minutes_data`: plain
strings and lists, in the agency's language) that two writers share: a PDF/A for the record
(governance.pdf.render_pdf, templates/pdf/meeting_*.html) and an ODT the office edits further
and sends through its 公文 system (governance.odt), which is why 發文日期 and 發文字號 stay
blank. A cancelled meeting has none of them; the minutes exist once the meeting is held.
Whoever may view the meeting page may download them (meetings.services.may_view_meetings).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.documents import Document, roc_timestamp
from governance.models import Membership, TrailEvent, User
from governance.odt import OdtDocument
from governance.rocdate import TAIPEI, format_roc, format_roc_short
from governance.roles import AgencyRole, UnitRole, group_name

from . import services as meetings
from .models import AgendaItem, GroupMeeting

NOTICE = "notice"
AGENDA = "agenda"
MINUTES = "minutes"
TITLES = {NOTICE: "開會通知單", AGENDA: "議程", MINUTES: "會議紀錄"}
TEMPLATES = {
    NOTICE: "pdf/meeting_notice.html",
    AGENDA: "pdf/meeting_agenda.html",
    MINUTES: "pdf/meeting_minutes.html",
}
PDF, ODT = "pdf", "odt"
# The group's name as it heads its papers: 115 年度提升服務品質執行小組第 3 次會議.
DEFAULT_GROUP_NAME = "提升服務品質執行小組"
SPEED = "普通件"  # 速別: the office changes it in the ODT when the meeting is urgent
WEEKDAYS = "一二三四五六日"
RECORDED = "登錄會議紀錄"  # the trail action of meetings.services.record_meeting
NO_DECISION = "未作成決議。"  # printed as recorded: no decision is made up
Kind = AgendaItem.Kind


class NotAvailable(ValidationError):
    """The meeting has no such paper: cancelled, or its minutes asked for before it is held."""


def kinds_available(meeting: GroupMeeting) -> list[str]:
    """The papers a meeting offers: none when cancelled, the minutes only once held."""
    if meeting.state == GroupMeeting.State.CANCELLED:
        return []
    if meeting.state == GroupMeeting.State.HELD:
        return [NOTICE, AGENDA, MINUTES]
    return [NOTICE, AGENDA]


def refusal(meeting: GroupMeeting, kind: str) -> str | None:
    """Why the meeting has no `kind` paper (a message for the reader), or None when it has."""
    if kind in kinds_available(meeting):
        return None
    if meeting.state == GroupMeeting.State.CANCELLED:
        return _("本次會議已取消，沒有開會通知單、議程或會議紀錄。")
    return _("會議紀錄於會議召開並登錄紀錄後才能產製。")


# ---------------------------------------------------------------- pieces


def group_name_text() -> str:
    return getattr(settings, "EXECUTION_GROUP_NAME", DEFAULT_GROUP_NAME)


def meeting_heading(meeting: GroupMeeting) -> str:
    """115 年度提升服務品質執行小組第 3 次會議: 開會事由, and the heading of every paper."""
    return f"{meeting.roc_year} 年度{group_name_text()}第 {meeting.number} 次會議"


def meeting_time_text(meeting: GroupMeeting) -> str:
    """中華民國115年5月15日（星期五）下午2時30分: the date in prose, the weekday, the time."""
    local = timezone.localtime(meeting.scheduled_for, TAIPEI)
    noon = "上午" if local.hour < 12 else "下午"
    hour = local.hour if local.hour <= 12 else local.hour - 12
    minutes = f"{local.minute}分" if local.minute else ""
    return f"中華民國{format_roc(local.date())}（星期{WEEKDAYS[local.weekday()]}）{noon}{hour}時{minutes}"


def _units_of(user_ids, day) -> dict[int, str]:
    """{person id: the name of the unit they belong to on `day`} (their first unit in the
    agency's order; a head's unit before others). One query."""
    rows = (
        Membership.objects.active_on(day)
        .filter(user_id__in=list(user_ids))
        .order_by("user_id", "unit__sort_order", "unit__code")
        .values_list("user_id", "unit__name", "role")
    )
    units, heads = {}, set()
    for user_id, name, role in rows:
        if role == UnitRole.HEAD and user_id not in heads:
            units[user_id] = name
            heads.add(user_id)
        else:
            units.setdefault(user_id, name)
    return units


def person_text(person: User | None, units: dict[int, str]) -> str:
    """閱覽典藏組 組主任 王大明: unit and title, then the name (as far as they are known)."""
    if person is None:
        return ""
    return " ".join(p for p in (units.get(person.pk, ""), person.job_title, person.get_full_name()) if p)


def _people(ids, units, by_id):
    return [person_text(by_id[i], units) for i in ids if i in by_id]


def _called(meeting, day):
    """Who the meeting is called for: (出席者 ids, 列席者 ids). The group's members attend:
    its chair, the director who convenes it and the unit heads; the units' liaisons, who
    report their units' progress, and the 管考 office, which keeps the group's papers, sit in."""
    directors = User.objects.filter(is_active=True, groups__name=group_name(AgencyRole.DIRECTOR))
    tracking = User.objects.filter(is_active=True, groups__name=group_name(AgencyRole.TRACKING_OFFICE))
    memberships = (
        Membership.objects.active_on(day)
        .filter(role__in=(UnitRole.HEAD, UnitRole.LIAISON), user__is_active=True)
        .order_by("unit__sort_order", "unit__code", "user__username")
        .values_list("user_id", "role")
    )
    members = [meeting.chair_id] if meeting.chair_id else []
    members += [pk for pk in directors.order_by("username").values_list("pk", flat=True)]
    members += [pk for pk, role in memberships if role == UnitRole.HEAD]
    sitting = [pk for pk, role in memberships if role == UnitRole.LIAISON]
    sitting += list(tracking.order_by("username").values_list("pk", flat=True))
    members = list(dict.fromkeys(members))
    sitting = [pk for pk in dict.fromkeys(sitting) if pk not in members]
    return members, sitting


def _recorder(meeting):
    """Who recorded the minutes (紀錄): the person who entered them (meetings.services.record_meeting)."""
    event = (
        TrailEvent.objects.filter(case_kind=meetings.CASE_KIND, case_ref=str(meeting.pk), action=RECORDED)
        .select_related("actor")
        .order_by("-sequence")
        .first()
    )
    return event


def _heading(meeting, kind):
    return {
        "agency_name": settings.AGENCY_NAME,
        "meeting_heading": meeting_heading(meeting),
        "kind_title": TITLES[kind],
        "title": f"{meeting_heading(meeting)}{TITLES[kind]}",
        "time": meeting_time_text(meeting),
        "location": meeting.location or "另行通知",
    }


def _agenda_sections(items):
    """(報告事項, 討論事項): the follow-up of earlier decisions and the progress of plan
    practices and proposals are reported; the findings (which the meeting reviews: their lead
    unit and due date) and the items the 管考 office added are discussed."""
    reports, discussions = [], []
    for item in items:
        reported = item.kind in (Kind.PRACTICE, Kind.PROPOSAL) or (
            item.kind == Kind.OTHER and item.reason == meetings.FOLLOW_UP
        )
        (reports if reported else discussions).append(item)
    return reports, discussions


def _item_row(number, item):
    return {
        "pk": item.pk,
        "number": number,
        "label": f"第{number}案",
        "kind": str(Kind(item.kind).label),
        "reference": item.reference,
        "title": item.title,
        "reason": item.reason,
    }


# ---------------------------------------------------------------- the data


def notice_data(meeting: GroupMeeting) -> dict:
    """Everything the meeting notice (開會通知單) prints."""
    day = meetings.meeting_day(meeting)
    members, sitting = _called(meeting, day)
    contact = meeting.created_by
    ids = set(members) | set(sitting) | {contact.pk}
    by_id = User.objects.in_bulk(ids)
    units = _units_of(ids, day)
    items = list(meeting.agenda.all())
    reviews = [i for i in items if i.kind == Kind.FINDING and i.reason == meetings.AWAITING_REVIEW]
    notes = ["議程如附件。"] if items else []
    if reviews:
        notes.append(
            f"本次會議併同召開上級機關考核結果檢討會議，檢討待檢討會議之考核意見 {len(reviews)} 項，"
            "確認各項主辦單位及改善期限，請各主辦單位指派人員列席說明。"
        )
    notes.append("請準時出席；如不克出席，請指派代理人出席。")
    return {
        **_heading(meeting, NOTICE),
        # 開會事由: the group's meeting, which is also the review meeting of an audit's findings.
        "purpose": meeting_heading(meeting) + ("（併召開考核結果檢討會議）" if reviews else ""),
        "recipients": "如出席者及列席者" if sitting else "如出席者",
        "sent_on": "",
        "document_number": "",
        "speed": SPEED,
        "secrecy": "",
        "attachments": "議程" if items else "",
        "chair": person_text(meeting.chair, units),
        "attendees": _people(members, units, by_id),
        "sitting_in": _people(sitting, units, by_id),
        "contact": person_text(contact, units),
        "phone": "",
        "email": contact.email,
        "copies": "",
        "notes": notes,
    }


def agenda_data(meeting: GroupMeeting) -> dict:
    """Everything the agenda (議程) prints: 主席致詞, 報告事項, 討論事項 (numbered 第1案 … each
    with its case number, 案由 and why it is on the agenda), 臨時動議, 散會."""
    day = meetings.meeting_day(meeting)
    chair = meeting.chair
    units = _units_of([chair.pk], day) if chair else {}
    reports, discussions = _agenda_sections(list(meeting.agenda.all()))
    return {
        **_heading(meeting, AGENDA),
        "chair": person_text(chair, units),
        "reports": [_item_row(n, item) for n, item in enumerate(reports, start=1)],
        "discussions": [_item_row(n, item) for n, item in enumerate(discussions, start=1)],
    }


def _done_text(decision):
    if decision.action_unit_id is None:
        return ""
    if decision.action_done_at is not None:
        return f"{format_roc_short(decision.action_done_at)} 辦結：{decision.action_done_note}"
    return "追蹤中"


def minutes_data(meeting: GroupMeeting) -> dict:
    """Everything the minutes (會議紀錄) print: the heading, 時間, 地點, 主席, 紀錄, 出席人員,
    the minutes as recorded, each agenda item with its decisions (決議), the decisions tied to
    no agenda item as 臨時動議, and the follow-up actions (追蹤事項) with their state."""
    if meeting.state != GroupMeeting.State.HELD:
        raise NotAvailable(refusal(meeting, MINUTES))
    day = meetings.meeting_day(meeting)
    attendees = meetings.attendees_of(meeting)
    recorded = _recorder(meeting)
    recorder = recorded.actor if recorded is not None else None
    chair = meeting.chair
    ids = {p.pk for p in attendees} | {p.pk for p in (chair, recorder) if p is not None}
    units = _units_of(ids, day)
    decisions = list(meeting.decisions.select_related("action_unit").order_by("pk"))
    by_item = {}
    for decision in decisions:
        by_item.setdefault(decision.agenda_item_id, []).append(decision.text)
    reports, discussions = _agenda_sections(list(meeting.agenda.all()))

    def rows(items):
        return [
            {**_item_row(n, item), "decisions": by_item.get(item.pk, [])}
            for n, item in enumerate(items, start=1)
        ]

    actions = [
        {
            "number": n,
            "text": d.text,
            "unit": d.action_unit.name,
            "due": format_roc_short(d.action_due),
            "done": _done_text(d),
        }
        for n, d in enumerate((d for d in decisions if d.action_unit_id is not None), start=1)
    ]
    return {
        **_heading(meeting, MINUTES),
        "chair": person_text(chair, units),
        "recorder": person_text(recorder, units) if recorder else (recorded.actor_name if recorded else ""),
        "attendees": [person_text(p, units) for p in attendees],
        "minutes": meeting.minutes,
        "reports": rows(reports),
        "discussions": rows(discussions),
        "motions": by_item.get(None, []),
        "actions": actions,
    }


DATA = {NOTICE: notice_data, AGENDA: agenda_data, MINUTES: minutes_data}


# ---------------------------------------------------------------- the writers


def filename(meeting: GroupMeeting, kind: str, fmt: str) -> str:
    return f"{TITLES[kind]}-{meeting.roc_year}年第{meeting.number}次執行小組會議.{fmt}"


def meeting_pdf(meeting: GroupMeeting, kind: str, *, now: datetime.datetime | None = None, fetcher=None):
    """The paper as PDF/A bytes."""
    from governance.pdf import render_pdf  # loads WeasyPrint: only when a document is made

    data = DATA[kind](meeting)
    context = {**data, "generated_at": roc_timestamp(now or timezone.now())}
    return render_pdf(TEMPLATES[kind], context, fetcher=fetcher)


def _odt_notice(doc, data):
    doc.paragraph(data["agency_name"], bold=True, align="center")
    doc.title(data["kind_title"])
    doc.field("受文者", data["recipients"])
    doc.field("發文日期", data["sent_on"])
    doc.field("發文字號", data["document_number"])
    doc.field("速別", data["speed"])
    doc.field("密等及解密條件或保密期限", data["secrecy"])
    doc.field("附件", data["attachments"])
    doc.field("開會事由", data["purpose"])
    doc.field("開會時間", data["time"])
    doc.field("開會地點", data["location"])
    doc.field("主持人", data["chair"])
    email = f"　電子郵件：{data['email']}" if data["email"] else ""
    doc.field("聯絡人及電話", f"{data['contact']}　電話：{data['phone']}{email}")
    doc.field("出席者", "、".join(data["attendees"]))
    doc.field("列席者", "、".join(data["sitting_in"]))
    doc.field("副本", data["copies"])
    doc.numbered("備註", data["notes"])


def _odt_items(doc, items, with_decisions=False):
    if not items:
        doc.paragraph("無。")
    for item in items:
        reference = f"　案號：{item['reference']}" if item["reference"] else ""
        doc.paragraph(f"{item['label']}{reference}", bold=True)
        doc.field("案由", item["title"])
        if item["reason"]:
            doc.field("列入原因", item["reason"])
        if with_decisions:
            doc.numbered("決議", item["decisions"] or [NO_DECISION])


def _odt_heading(doc, data):
    doc.paragraph(data["agency_name"], bold=True, align="center")
    doc.title(f"{data['meeting_heading']}{data['kind_title']}")
    doc.field("時間", data["time"])
    doc.field("地點", data["location"])
    doc.field("主席", data["chair"])


def _odt_agenda(doc, data):
    _odt_heading(doc, data)
    doc.heading("一、主席致詞")
    doc.heading("二、報告事項")
    _odt_items(doc, data["reports"])
    doc.heading("三、討論事項")
    _odt_items(doc, data["discussions"])
    doc.heading("四、臨時動議")
    doc.heading("五、散會")


def _odt_minutes(doc, data):
    _odt_heading(doc, data)
    doc.field("紀錄", data["recorder"])
    doc.field("出席人員", "、".join(data["attendees"]))
    doc.heading("一、會議紀要")
    doc.paragraph(data["minutes"])
    doc.heading("二、報告事項")
    _odt_items(doc, data["reports"], with_decisions=True)
    doc.heading("三、討論事項")
    _odt_items(doc, data["discussions"], with_decisions=True)
    doc.heading("四、臨時動議")
    if data["motions"]:
        doc.numbered("決議", data["motions"])
    else:
        doc.paragraph("無。")
    doc.heading("五、追蹤事項")
    if data["actions"]:
        doc.table(
            ["項次", "決議事項", "追蹤單位", "追蹤期限", "辦理情形"],
            [[str(a["number"]), a["text"], a["unit"], a["due"], a["done"]] for a in data["actions"]],
            widths=[8, 42, 16, 12, 22],
        )
    else:
        doc.paragraph("無。")
    doc.heading("六、散會")


ODT_WRITERS = {NOTICE: _odt_notice, AGENDA: _odt_agenda, MINUTES: _odt_minutes}


def meeting_odt(meeting: GroupMeeting, kind: str) -> bytes:
    """The paper as an ODT (governance.odt) the office edits further."""
    data = DATA[kind](meeting)
    doc = OdtDocument(title=data["title"], landscape=False)
    ODT_WRITERS[kind](doc, data)
    return doc.content()


def meeting_document(meeting: GroupMeeting, kind: str, fmt: str) -> Document:
    """The paper in `fmt` (PDF or ODT); NotAvailable when the meeting has none of that kind."""
    reason = refusal(meeting, kind)
    if reason:
        raise NotAvailable(reason)
    content = meeting_pdf(meeting, kind) if fmt == PDF else meeting_odt(meeting, kind)
    return Document(filename(meeting, kind, fmt), content)
