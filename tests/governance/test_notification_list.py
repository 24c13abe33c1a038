"""The notification list: one's own only, unread marked and counted in the menu, mark read."""

import pytest
from django.urls import reverse

from governance.models import Notification

pytestmark = pytest.mark.django_db


def notify(user, subject, kind=Notification.Kind.REMINDER, key=None):
    return Notification.objects.create(
        recipient=user, kind=kind, key=key or subject, subject=subject, body="內容", url="/audits/"
    )


def test_lists_only_ones_own_and_counts_unread(org, client, person):
    liaison = person("readers-liaison")
    notify(liaison, "【到期提醒】缺失改善辦理情形：115-0001（尚有 7 天）")
    notify(
        liaison, "【逾期陳報】缺失改善辦理情形：115-0002（已逾期 1 天）", kind=Notification.Kind.ESCALATION
    )
    notify(person("readers-head"), "主管的通知")
    client.force_login(liaison)
    assert reverse("notifications:index") == "/notifications/"
    page = client.get(reverse("notifications:index")).content.decode()
    assert "115-0001" in page and "115-0002" in page and "主管的通知" not in page
    assert "2 則未讀" in page and "逾期陳報" in page
    # The menu shows the unread count on every page.
    home = client.get(reverse("home:index")).content.decode()
    assert 'aria-label="2 則未讀"' in home


def test_mark_one_then_all_read(org, client, person):
    liaison = person("readers-liaison")
    first = notify(liaison, "一")
    notify(liaison, "二")
    other = notify(person("readers-head"), "三")
    client.force_login(liaison)
    response = client.post(reverse("notifications:read"), {"pk": first.pk})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    assert "1 則未讀" in client.get(reverse("notifications:index")).content.decode()
    # Someone else's notification cannot be marked through one's own form.
    client.post(reverse("notifications:read"), {"pk": other.pk})
    other.refresh_from_db()
    assert other.read_at is None
    client.post(reverse("notifications:read"))
    assert not Notification.objects.filter(recipient=liaison, read_at__isnull=True).exists()
    assert "則未讀" not in client.get(reverse("notifications:index")).content.decode()
    # Bad input: a clear message, nothing changed; GET is refused.
    response = client.post(reverse("notifications:read"), {"pk": "abc"}, follow=True)
    assert "通知編號有誤" in response.content.decode()
    assert client.get(reverse("notifications:read")).status_code == 405


def test_anonymous_is_sent_to_login(client):
    for name in ("notifications:index", "notifications:settings"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
