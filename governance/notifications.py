"""Reminders, escalations, digests: notifications in the app and by e-mail.

Each process says what is due through a selector listed in settings.REMINDER_SOURCES:
`due_for_reminders(due_dates)` returns DueItems whose due date is one of `due_dates`.
The daily job asks for the dates that sit on a reminder offset today (one query per
source, whatever the number of open items), decides who hears of each, and writes the
notifications in bulk; a notification's key is unique per person, so a job run twice,
or a task delivered again after its worker died, adds nothing. E-mails then go out one
notification at a time, each marked sent in the transaction that sends it.
"""

import datetime
from dataclasses import dataclass, field

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
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from . import inbox, todo
from .background import MailDeliveryError
from .models import Membership, Notification, NotificationPreference, ReminderOffset
from .rocdate import format_roc, today_taipei
from .roles import AgencyRole, UnitRole, group_name
from .tasks import deliver_notification_emails

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
    """Something decided about a case that its people should hear of, though it gives them no
    task (a proposal refused, adopted, closed). Sources list them (settings.NEWS_SOURCES)."""

    key: str  # what it is, unique for its people: "proposal:5:decision"
    recipient_ids: tuple
    subject: str
    text: str
    url: str


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


def _preferences(user_ids):
    """{user id: (reminders, digest, email)}; people without a row take the defaults."""
    rows = NotificationPreference.objects.filter(person_id__in=user_ids).values_list(
        "person_id", "reminders", "digest", "email"
    )
    return {pk: (reminders, digest, email) for pk, reminders, digest, email in rows}


DEFAULT_PREFERENCE = (True, True, True)


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
        wants_reminders, _digest, wants_email = preferences.get(user_id, DEFAULT_PREFERENCE)
        if not escalated and not wants_reminders:
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
        _reminders, wants_digest, wants_email = preferences.get(person.pk, DEFAULT_PREFERENCE)
        if not wants_digest:
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
                "count": page.count,
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


def _event_notices(news, preferences, due_date=None):
    """The notices of one CaseNews, one per recipient; e-mailed to those who take e-mail."""
    with translation.override("zh-hant"):
        body = render_to_string(
            "governance/email/event.txt",
            {"text": news.text, "link": _absolute(news.url), "agency_name": settings.AGENCY_NAME},
        )
    return [
        Notification(
            recipient_id=pk,
            kind=Notification.Kind.EVENT,
            key=news.key,
            subject=news.subject[:300],
            body=body,
            url=news.url,
            due_date=due_date,
            email_wanted=preferences.get(pk, DEFAULT_PREFERENCE)[2],
        )
        for pk in news.recipient_ids
    ]


def notify(*, recipient_ids, key, subject, text, url):
    """Tell people that something happened to a case they must act on (a report awaits
    their confirmation, theirs was returned): in the app, and by e-mail to those who take
    e-mail. Once per person and `key`. Call inside the transaction that made it happen:
    the e-mails go out when it commits."""

    recipient_ids = tuple(sorted({pk for pk in recipient_ids if pk}))
    if not recipient_ids:
        return
    news = CaseNews(key=key, recipient_ids=recipient_ids, subject=subject, text=text, url=url)
    Notification.objects.bulk_create(_event_notices(news, _preferences(recipient_ids)), ignore_conflicts=True)
    transaction.on_commit(deliver_notification_emails.delay)


def notify_case_news(now=None):
    """Notices of what each source (settings.NEWS_SOURCES) says was decided lately, once per
    person and item; run by beat with the task notices. Returns how many items were seen."""
    now = now or timezone.now()
    since = now - datetime.timedelta(minutes=settings.NOTICE_LOOKBACK_MINUTES)
    items = [item for path in settings.NEWS_SOURCES for item in import_string(path)(since)]
    preferences = _preferences({pk for item in items for pk in item.recipient_ids})
    notices = [notice for item in items for notice in _event_notices(item, preferences)]
    Notification.objects.bulk_create(notices, ignore_conflicts=True, batch_size=1000)
    return len(items)


def notify_assigned_tasks(now=None):
    """Tell each person of the tasks the flows assigned to them lately (a committee member of
    the proposals to score, a head of a first review): once per task, in the app and by e-mail
    to those who take e-mail. Run by beat every minute; it looks back
    settings.NOTICE_LOOKBACK_MINUTES, so a beat that was down a while misses nothing recent.
    Returns how many tasks were looked at."""

    now = now or timezone.now()
    since = now - datetime.timedelta(minutes=settings.NOTICE_LOOKBACK_MINUTES)
    tasks = list(
        Task.objects.filter(
            flow_task_type="HUMAN",
            status=STATUS.ASSIGNED,
            created__gte=since,
            owner__isnull=False,
            owner__is_active=True,
            # A claim stamps `assigned` (governance.workflow._claim); viewflow's own assignment
            # does not. So this leaves out what people took from a queue themselves.
            assigned__isnull=True,
        )
        .select_related("process")
        .order_by("created", "pk")
    )
    if not tasks:
        return 0
    preferences = _preferences({task.owner_id for task in tasks})
    notices = []
    # Kept texts: in the agency's language, as the reminders are, whoever's request runs this.
    with translation.override("zh-hant"):
        for row in inbox.task_rows(tasks):
            case = f"{row.case_number} {row.case_title}".strip()
            due = _("，期限 %(date)s") % {"date": format_roc(row.due)} if row.due else ""
            news = CaseNews(
                key=f"task:{row.task.pk}:assigned",
                recipient_ids=(row.task.owner_id,),
                subject=_("【新任務】%(task)s：%(case)s") % {"task": row.task_title, "case": case},
                text=_("%(flow)s「%(case)s」的「%(task)s」已指派給您%(due)s。")
                % {"flow": row.flow_title, "case": case, "task": row.task_title, "due": due},
                url=row.url,
            )
            notices += _event_notices(
                news, preferences, due_date=row.due if isinstance(row.due, datetime.date) else None
            )
    Notification.objects.bulk_create(notices, ignore_conflicts=True, batch_size=1000)
    return len(tasks)


def settle(key_prefix):
    """Mark read, for everyone, the notices about something now handled (keys starting with
    `key_prefix`): a report confirmed leaves no head with a 【待確認】 to clear by hand."""
    return Notification.objects.filter(
        kind=Notification.Kind.EVENT,
        read_at__isnull=True,
        key__startswith=key_prefix,
    ).update(read_at=timezone.now())


def settle_done_task_notices():
    """Mark read the notices of assigned tasks that are done (or cancelled) since."""

    unread = list(
        Notification.objects.filter(
            kind=Notification.Kind.EVENT, key__startswith="task:", read_at__isnull=True
        ).values_list("pk", "key")
    )
    task_of = {pk: int(key.split(":")[1]) for pk, key in unread}
    still_open = set(
        Task.objects.filter(pk__in=set(task_of.values()), status=STATUS.ASSIGNED).values_list("pk", flat=True)
    )
    done = [pk for pk, task_id in task_of.items() if task_id not in still_open]
    return Notification.objects.filter(pk__in=done).update(read_at=timezone.now())


def mark_read(*, actor, notification_ids=None):
    """Mark the actor's notifications read (all of them, or those given)."""
    if not actor.is_authenticated:
        raise PermissionDenied
    unread = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


def set_preferences(*, actor, reminders, digest, email):
    if not actor.is_authenticated:
        raise PermissionDenied
    preference, _created = NotificationPreference.objects.update_or_create(
        person=actor, defaults={"reminders": reminders, "digest": digest, "email": email}
    )
    return preference


# ---------------------------------------------------------------- selectors


def unread_count(user):
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_of(user, limit=100):
    return list(Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")[:limit])


def preference_of(user):
    preference = NotificationPreference.objects.filter(person=user).first()
    return preference or NotificationPreference(person=user)


def undelivered():
    """Notifications whose e-mail gave up: for the administrator."""
    return Notification.objects.filter(Q(emailed_at__isnull=True) & Q(email_wanted=True) & ~Q(email_error=""))
