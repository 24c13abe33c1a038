"""Notices, reminders, escalations, digests: notifications in the app and by e-mail.

Notices of events go out as the change commits (transaction.on_commit, then a Celery task:
eager in the quick start): every human task saved tells its owner, or those who may claim it
(`announce_task`, from a post_save signal, then `task_notice`); services tell the people a
decision concerns (`notify`). Each is written once per person and key.

Each process says what is due through a selector listed in settings.REMINDER_SOURCES:
`due_for_reminders(due_dates)` returns DueItems whose due date is one of `due_dates`.
The daily job asks for the dates that sit on a reminder offset today (one query per
source, whatever the number of open items), decides who hears of each, and writes the
notifications in bulk; a notification's key is unique per person, so a job run twice,
or a task delivered again after its worker died, adds nothing. E-mails then go out one
notification at a time, each marked sent in the transaction that sends it.
"""

import datetime
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from . import inbox, taskbrief, tasks, todo
from .background import MailDeliveryError
from .models import Membership, Notification, NotificationPreference, ReminderOffset
from .rocdate import format_roc, today_taipei
from .roles import AgencyRole, UnitRole, group_name

Level = ReminderOffset.Level


@dataclass(frozen=True)
class DueItem:
    """Something a person must do by a date.

    `responsible_ids` are the people who do it; when empty, the liaisons of `unit_id`.
    Escalation goes to the unit's heads, or, for an item with no unit (a committee score),
    to `escalation_ids` (the 管考 office), then to the director.
    """

    key: str  # what it is, stable across runs: "finding:12", "proposal:5:115Q4"
    what: str  # 改善辦理情形, 季進度報告, 評分
    case_number: str
    title: str
    due_date: datetime.date
    url: str
    unit_id: int | None = None
    responsible_ids: tuple = ()
    escalation_ids: tuple = field(default=())


@dataclass(frozen=True)
class CaseNews:
    """Something that happened to a case that its people should hear of: a task for them, a
    decision that concerns them (a proposal refused, adopted, closed; a new due date)."""

    key: str  # what it is, unique for its people: "proposal:5:decision"
    recipient_ids: tuple
    subject: str
    text: str
    url: str
    due_date: datetime.date | None = None
    kind: str = "event"  # Notification.Kind: EVENT, or TASK for a task's notice


def sources():
    return [import_string(path) for path in settings.REMINDER_SOURCES]


def offsets():
    return list(ReminderOffset.objects.order_by("days").values_list("days", "level"))


def due_dates_for(today, offset_rows):
    """{due date: (offset days, level)} for the reminders that go out today."""
    return {today - datetime.timedelta(days=days): (days, level) for days, level in offset_rows}


def _people_by_unit(unit_ids, today):
    """{(unit_id, role): [user ids]} for liaisons and heads, in one query."""
    rows = (
        Membership.objects.active_on(today)
        .filter(unit_id__in=unit_ids, role__in=[UnitRole.LIAISON, UnitRole.HEAD])
        .values_list("unit_id", "role", "user_id")
    )
    people = {}
    for unit_id, role, user_id in rows:
        people.setdefault((unit_id, role), []).append(user_id)
    return people


def _directors():
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=group_name(AgencyRole.DIRECTOR))
        .values_list("pk", flat=True)
    )


def recipients(item, level, people, directors):
    """[(user id, escalated)] for an item at a level: each level adds the next people up."""
    first = list(item.responsible_ids) or people.get((item.unit_id, UnitRole.LIAISON), [])
    chosen = [(pk, False) for pk in first]
    if level >= Level.HEAD:
        up = people.get((item.unit_id, UnitRole.HEAD), []) if item.unit_id else list(item.escalation_ids)
        chosen += [(pk, True) for pk in up]
    if level >= Level.DIRECTOR:
        chosen += [(pk, True) for pk in directors]
    seen, result = set(), []
    for pk, escalated in chosen:
        if pk not in seen:
            seen.add(pk)
            result.append((pk, escalated))
    return result


def _days_text(due, today):
    return todo.days_text(due, today)


def _absolute(url):
    return settings.SITE_URL.rstrip("/") + url if url.startswith("/") else url


def _message(item, today, escalated):
    with translation.override("zh-hant"):
        context = {
            "item": item,
            "due": format_roc(item.due_date),
            "days": _days_text(item.due_date, today),
            "escalated": escalated,
            "link": _absolute(item.url),
            "agency_name": settings.AGENCY_NAME,
        }
        subject = render_to_string("governance/email/reminder_subject.txt", context).strip()
        body = render_to_string("governance/email/reminder.txt", context)
    return subject, body


class Preference(NamedTuple):
    tasks: bool
    events: bool
    reminders: bool
    digest: bool
    email: bool


DEFAULT_PREFERENCE = Preference(True, True, True, True, True)


def _preferences(user_ids):
    """{user id: Preference}; people without a row take the defaults."""
    rows = NotificationPreference.objects.filter(person_id__in=user_ids).values_list(
        "person_id", *Preference._fields
    )
    return {pk: Preference(*values) for pk, *values in rows}


# ---------------------------------------------------------------- services


def plan_reminders(today=None):
    """Write today's reminders and escalations (nothing twice). Returns how many are due
    today, those written by an earlier run included."""
    today = today or today_taipei()
    dates = due_dates_for(today, offsets())
    if not dates:
        return 0
    items = [item for source in sources() for item in source(list(dates))]
    people = _people_by_unit({i.unit_id for i in items if i.unit_id}, today)
    directors = _directors()
    planned = []
    for item in items:
        days, level = dates[item.due_date]
        for user_id, escalated in recipients(item, level, people, directors):
            planned.append((item, days, user_id, escalated))
    preferences = _preferences({user_id for _i, _d, user_id, _e in planned})
    notifications = []
    for item, days, user_id, escalated in planned:
        preference = preferences.get(user_id, DEFAULT_PREFERENCE)
        wants_email = preference.email
        if not escalated and not preference.reminders:
            continue
        subject, body = _message(item, today, escalated)
        notifications.append(
            Notification(
                recipient_id=user_id,
                kind=Notification.Kind.ESCALATION if escalated else Notification.Kind.REMINDER,
                key=f"{item.key}:due{item.due_date.isoformat()}:{days:+d}",
                subject=subject,
                body=body,
                url=item.url,
                due_date=item.due_date,
                email_wanted=escalated or wants_email,
            )
        )
    # Those already written (an earlier run today) are skipped by the unique key.
    Notification.objects.bulk_create(notifications, ignore_conflicts=True, batch_size=1000)
    return len(notifications)


def deliver_emails(limit=None, max_attempts=None):
    """Send the e-mails of notifications not yet sent, one per transaction.

    A row is locked (SKIP LOCKED) while its mail goes out, so two jobs never send the same
    one; it is marked sent in the same transaction. A failed send is counted on the row and
    raised at the end, so the task retries the rest later; after `max_attempts` a row is
    left with its error for the administrator. Returns the number sent.
    """
    max_attempts = max_attempts or settings.NOTIFICATION_MAX_EMAIL_ATTEMPTS
    outbox = Notification.objects.filter(
        emailed_at__isnull=True, email_wanted=True, email_attempts__lt=max_attempts
    ).exclude(recipient__email="")
    sent, failed = 0, []
    connection = get_connection()
    skipped = set()
    while limit is None or sent < limit:
        with transaction.atomic():
            notification = (
                outbox.exclude(pk__in=skipped)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient")
                .order_by("pk")
                .first()
            )
            if notification is None:
                break
            message = EmailMessage(
                notification.subject,
                notification.body,
                to=[notification.recipient.email],
                # Unique per e-mail: what it is about, and to whom.
                headers={"X-Governance-Notification": f"{notification.key}@{notification.recipient_id}"},
                connection=connection,
            )
            try:
                message.send()
            except Exception as error:  # counted on the row, then raised for a retry
                notification.email_attempts += 1
                notification.email_error = f"{type(error).__name__}: {error}"[:2000]
                notification.save(update_fields=["email_attempts", "email_error"])
                failed.append(notification.pk)
                skipped.add(notification.pk)
                continue
            notification.emailed_at = timezone.now()
            notification.email_attempts += 1
            notification.email_error = ""
            notification.save(update_fields=["emailed_at", "email_attempts", "email_error"])
            sent += 1
    if failed:
        raise MailDeliveryError(f"{len(failed)} 封通知信寄送失敗，稍後重試（通知 {failed[:10]}）")
    return sent


DIGEST_ROWS = 10


def send_weekly_digest(today=None):
    """One notification per person with something to do, once per ISO week: the first rows of
    their to-do list (governance.todo, the list the home page shows) and how many there are."""

    today = today or today_taipei()
    year, week, _day = today.isocalendar()
    people = list(get_user_model().objects.filter(is_active=True).order_by("pk"))
    preferences = _preferences([person.pk for person in people])
    notifications = []
    todo_url = reverse("todo:index")
    link = _absolute(todo_url)
    for person in people:
        preference = preferences.get(person.pk, DEFAULT_PREFERENCE)
        wants_email = preference.email
        if not preference.digest:
            continue
        with translation.override("zh-hant"):
            page = todo.todo_page(person, size=DIGEST_ROWS, today=today)
            if not page.count:
                continue
            rows = [
                {
                    "item": item,
                    "due": format_roc(item.due) if item.due else "",
                    "days": todo.days_text(item.due, today) if item.due else "",
                    "link": _absolute(item.url) if item.url else "",
                }
                for item in page.items
            ]
            context = {
                "count": page.count_text,
                "rows": rows,
                "more": page.count - len(rows),
                "link": link,
                "week": f"{year}-W{week:02d}",
                "today": format_roc(today),
                "agency_name": settings.AGENCY_NAME,
            }
            subject = render_to_string("governance/email/digest_subject.txt", context).strip()
            body = render_to_string("governance/email/digest.txt", context)
        notifications.append(
            Notification(
                recipient_id=person.pk,
                kind=Notification.Kind.DIGEST,
                key=f"digest:{year}-W{week:02d}",
                subject=subject,
                body=body,
                url=todo_url,
                email_wanted=wants_email,
            )
        )
    Notification.objects.bulk_create(notifications, ignore_conflicts=True, batch_size=1000)
    return len(notifications)


def _event_notices(news, preferences):
    """The notices of one CaseNews, one per recipient who takes its kind; e-mailed to those who
    take e-mail."""
    kind = news.kind
    with translation.override("zh-hant"):
        body = render_to_string(
            "governance/email/event.txt",
            {"text": news.text, "link": _absolute(news.url), "agency_name": settings.AGENCY_NAME},
        )
    notices = []
    for pk in news.recipient_ids:
        preference = preferences.get(pk, DEFAULT_PREFERENCE)
        if not (preference.tasks if kind == Notification.Kind.TASK else preference.events):
            continue
        notices.append(
            Notification(
                recipient_id=pk,
                kind=kind,
                key=news.key,
                subject=news.subject[:300],
                body=body,
                url=news.url,
                due_date=news.due_date,
                email_wanted=preference.email,
            )
        )
    return notices


def notify(*, recipient_ids, key, subject, text, url, due_date=None) -> None:
    """Tell people what was decided about a case that concerns them (a refusal with its reason,
    an adoption, a new due date, a meeting): once the change commits, through Celery (eager in
    the quick start), in the app and by e-mail as each person chose. Call it inside the
    transaction that makes the change: a rolled-back change tells nobody. Once per person and
    `key`, so a form posted twice or a task retried adds nothing."""

    recipient_ids = sorted({pk for pk in recipient_ids if pk})
    if not recipient_ids:
        return
    payload = {
        "key": key,
        "recipient_ids": recipient_ids,
        "subject": str(subject),
        "text": str(text),
        "url": url,
        "due_date": due_date.isoformat() if due_date else None,
    }
    transaction.on_commit(lambda: tasks.send_notice.delay(payload))


def send_notice(payload: dict) -> int:
    """Write one CaseNews's notices (nothing twice). Returns how many were new."""
    due = payload.get("due_date")
    news = CaseNews(
        key=payload["key"],
        recipient_ids=tuple(payload["recipient_ids"]),
        subject=payload["subject"],
        text=payload["text"],
        url=payload["url"],
        due_date=datetime.date.fromisoformat(due) if due else None,
    )
    return _write(news)


def _write(news):
    active = set(
        get_user_model()
        .objects.filter(pk__in=news.recipient_ids, is_active=True)
        .exclude(notifications__key=news.key)  # told already: a retry, a form posted twice
        .values_list("pk", flat=True)
    )
    news = replace(news, recipient_ids=tuple(pk for pk in news.recipient_ids if pk in active))
    if not news.recipient_ids:
        return 0
    notices = _event_notices(news, _preferences(news.recipient_ids))
    # Two workers at once: the unique key keeps one.
    Notification.objects.bulk_create(notices, ignore_conflicts=True)
    return len(notices)


def announce_task(task_id: int) -> None:
    """A human task was saved: once the change commits, its people hear of it (see
    task_notice), reading the task as it is then. A step saves a task several times (made,
    assigned; started, done): one notice job per task and transaction is enough, so a save
    whose task already waits for the commit queues nothing more."""
    queued = transaction.get_connection().run_on_commit  # (savepoints, callback, robust)
    if any(
        getattr(callback, "task_id", None) == task_id and not callback.sent
        for _sids, callback, _robust in queued
    ):
        return

    def send():
        send.sent = True  # a test's capture runs callbacks without emptying the list
        tasks.send_task_notice.delay(task_id)

    send.task_id, send.sent = task_id, False
    transaction.on_commit(send)


def _trail_note(task):
    """What happened on the case just before this task came: the last event of its trail, with
    its comment (a head's reasons for a return), as the task page shows it above its form."""
    event = taskbrief.last_case_event(task.process)
    if event is None:
        return ""
    note = _("前一步：%(actor)s「%(action)s」") % {"actor": event.actor_name, "action": event.action}
    if event.comment:
        comment = event.comment if len(event.comment) <= 500 else event.comment[:500] + "…"
        note += _("。意見：%(comment)s") % {"comment": comment}
    return note


def task_notice(task_id: int) -> int:
    """Tell people of a human task in its state now, once per task and state:
    - assigned to someone by the flow: its owner (nobody, of a task they claimed themselves);
    - waiting in a queue: everyone who may claim it (governance.inbox.claimers);
    - claimed, done or cancelled: the notices nobody needs any more are marked read.
    Returns how many notices were written."""

    task = Task.objects.select_related("process").filter(pk=task_id, flow_task_type="HUMAN").first()
    if task is None:
        return 0
    if task.status in (STATUS.DONE, STATUS.CANCELED):
        settle(f"task:{task.pk}:")
        return 0
    if task.status == STATUS.ASSIGNED and task.owner_id:
        settle(f"task:{task.pk}:queued")  # taken: the others' 【待認領】 is not theirs to do
        if task.assigned is not None:  # governance.workflow._claim stamps a claim
            return 0
        recipients, key, template = (task.owner_id,), f"task:{task.pk}:assigned", ASSIGNED_TEXT
    elif task.status == STATUS.NEW and task.owner_id is None:
        recipients, key, template = tuple(inbox.claimers(task)), f"task:{task.pk}:queued", QUEUED_TEXT
    else:
        return 0
    if not recipients:
        return 0
    # Kept texts: in the agency's language, as the reminders are, whoever's request runs this.
    with translation.override("zh-hant"):
        [row] = inbox.task_rows([task])
        case = f"{row.case_number} {row.case_title}".strip()
        due = _("，期限 %(date)s") % {"date": format_roc(row.due)} if row.due else ""
        text = str(template[1]) % {"flow": row.flow_title, "case": case, "task": row.task_title, "due": due}
        note = _trail_note(task)
        news = CaseNews(
            key=key,
            recipient_ids=recipients,
            subject=str(template[0]) % {"task": row.task_title, "case": case},
            text=f"{text}\n{note}" if note else text,
            url=row.url if key.endswith("assigned") else reverse("todo:index") + "?kind=queue",
            due_date=row.due if isinstance(row.due, datetime.date) else None,
            kind=Notification.Kind.TASK,
        )
        return _write(news)


ASSIGNED_TEXT = (
    gettext_lazy("【新任務】%(task)s：%(case)s"),
    gettext_lazy("%(flow)s「%(case)s」的「%(task)s」已指派給您%(due)s。"),
)
QUEUED_TEXT = (
    gettext_lazy("【待認領】%(task)s：%(case)s"),
    gettext_lazy("%(flow)s「%(case)s」的「%(task)s」待認領%(due)s；您可以在待辦事項按「認領並辦理」。"),
)


def settle(key_prefix):
    """Mark read, for everyone, the notices about something now handled (keys starting with
    `key_prefix`): a report confirmed leaves no head with a 【待確認】 to clear by hand."""
    return Notification.objects.filter(
        kind__in=[Notification.Kind.EVENT, Notification.Kind.TASK],
        read_at__isnull=True,
        key__startswith=key_prefix,
    ).update(read_at=timezone.now())


def mark_read(*, actor, notification_ids=None):
    """Mark the actor's notifications read (all of them, or those given)."""
    if not actor.is_authenticated:
        raise PermissionDenied
    unread = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


def set_preferences(*, actor, reminders, digest, email, tasks=True, events=True):
    if not actor.is_authenticated:
        raise PermissionDenied
    preference, _created = NotificationPreference.objects.update_or_create(
        person=actor,
        defaults={"tasks": tasks, "events": events, "reminders": reminders, "digest": digest, "email": email},
    )
    return preference


# ---------------------------------------------------------------- selectors


def unread_count(user):
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_of(user):
    """A person's notifications, newest first (the list pages them by this order; the index
    notification_list walks it)."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def preference_of(user):
    preference = NotificationPreference.objects.filter(person=user).first()
    return preference or NotificationPreference(person=user)


def undelivered():
    """Notifications whose e-mail gave up: for the administrator."""
    return Notification.objects.filter(Q(emailed_at__isnull=True) & Q(email_wanted=True) & ~Q(email_error=""))
