"""Meetings are numbered by their date within the ROC year, a cancelled one not counted
(docs/domain.md, 執行小組): the meetings not yet held are renumbered by date after the held ones,
whose numbers are on their minutes and stay. The agendas of the meetings not yet held name cases
by their prefixed numbers (proposals 0008, audits 0005).

Backwards, a cancelled meeting whose number another meeting took is given a free one, as the
old key (every meeting of a year numbered once) requires; the numbers of the others stay."""

import re

from django.db import migrations, models

# As they were when written.
PREFIXES = {"proposal": "提", "finding": "列"}
OLD_NUMBER = re.compile(r"\d{2,3}-\d{4,}")


def _set_numbers(GroupMeeting, wanted):
    """Give each meeting pk its number; the unique key is checked row by row, so the moving ones
    first step aside to numbers no one has or will take."""
    rows = {m.pk: m.number for m in GroupMeeting.objects.filter(pk__in=wanted)}
    moved = [pk for pk, number in wanted.items() if rows[pk] != number]
    if not moved:
        return
    aside = max(GroupMeeting.objects.aggregate(n=models.Max("number"))["n"], *wanted.values()) + 1
    for offset, pk in enumerate(moved):
        GroupMeeting.objects.filter(pk=pk).update(number=aside + offset)
    for pk in moved:
        GroupMeeting.objects.filter(pk=pk).update(number=wanted[pk])


def number_by_date(apps, schema_editor):
    GroupMeeting = apps.get_model("meetings", "GroupMeeting")
    AgendaItem = apps.get_model("meetings", "AgendaItem")
    for year in GroupMeeting.objects.values_list("roc_year", flat=True).distinct():
        counted = list(
            GroupMeeting.objects.filter(roc_year=year)
            .exclude(state="cancelled")
            .order_by("scheduled_for", "pk")
        )
        first = max((m.number for m in counted if m.state == "held"), default=0) + 1
        waiting = [m for m in counted if m.state == "scheduled"]
        _set_numbers(GroupMeeting, {m.pk: n for n, m in enumerate(waiting, start=first)})
    # A held meeting's agenda is a record of what it discussed under the numbers of the time.
    for item in AgendaItem.objects.filter(meeting__state="scheduled", kind__in=PREFIXES):
        if OLD_NUMBER.fullmatch(item.reference):
            item.reference = PREFIXES[item.kind] + item.reference
            item.save(update_fields=["reference"])


def number_once(apps, schema_editor):
    GroupMeeting = apps.get_model("meetings", "GroupMeeting")
    AgendaItem = apps.get_model("meetings", "AgendaItem")
    for year in GroupMeeting.objects.values_list("roc_year", flat=True).distinct():
        meetings = list(GroupMeeting.objects.filter(roc_year=year).order_by("scheduled_for", "pk"))
        taken = {m.number for m in meetings if m.state != "cancelled"}
        free = max(m.number for m in meetings) + 1
        wanted = {}
        for m in meetings:
            if m.state == "cancelled":
                if m.number in taken:
                    wanted[m.pk], free = free, free + 1
                taken.add(wanted.get(m.pk, m.number))
        _set_numbers(GroupMeeting, wanted)
    for kind, prefix in PREFIXES.items():
        for item in AgendaItem.objects.filter(kind=kind, reference__startswith=prefix):
            if OLD_NUMBER.fullmatch(item.reference[len(prefix) :]):
                item.reference = item.reference[len(prefix) :]
                item.save(update_fields=["reference"])


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0003_meeting_number_counted"),
    ]

    operations = [
        migrations.RunPython(number_by_date, number_once, elidable=False),
    ]
