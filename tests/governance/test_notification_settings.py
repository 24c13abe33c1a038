"""What a person chooses to receive; escalations are not a choice."""

import pytest
from django.urls import reverse

from governance.models import NotificationPreference

pytestmark = pytest.mark.django_db


def test_defaults_then_saved_choices(org, client, person):
    liaison = person("readers-liaison")
    client.force_login(liaison)
    page = client.get(reverse("notifications:settings")).content.decode()
    assert page.count("checked") == 5 and "逾期陳報" in page and "不能關閉" in page
    assert "新任務" in page and "案件動態" in page
    response = client.post(reverse("notifications:settings"), {"digest": "on", "tasks": "on"}, follow=True)
    assert "通知設定已儲存" in response.content.decode()
    preference = NotificationPreference.objects.get(person=liaison)
    assert (
        preference.tasks,
        preference.events,
        preference.reminders,
        preference.digest,
        preference.email,
    ) == (
        True,
        False,
        False,
        True,
        False,
    )
    # Another person's choices are untouched.
    assert not NotificationPreference.objects.filter(person=person("readers-head")).exists()
