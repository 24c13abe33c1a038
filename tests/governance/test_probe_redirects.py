"""A `next` given by the browser leads only to a path on this site (issue "Step 13": the
notification form redirected to //evil.example/)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from governance.models import Notification
from governance.nexturl import safe_next
from plan.practice_report_views import _next_or

OFF_SITE = [
    "//evil.example/",
    "https://evil.example/",
    "http://evil.example/x",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    " //evil.example/",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_anything_but_a_path_on_this_site_falls_back(target, rf):
    assert safe_next(rf.post("/"), target, "fallback") == "fallback"
    assert safe_next(rf.post("/"), None, "fallback") == "fallback"


@pytest.mark.parametrize("target", ["/", "/proposals/1/", "/plan/reports/?period=115Q1&unit=3"])
def test_a_path_on_this_site_is_kept(target, rf):
    assert safe_next(rf.post("/"), target, "fallback") == target


@pytest.mark.parametrize("target", OFF_SITE)
def test_practice_report_forms_fall_back_too(target):
    request = RequestFactory().post("/", {"next": target})
    assert _next_or(request, "/plan/reports/") == "/plan/reports/"


@pytest.mark.django_db
@pytest.mark.parametrize("target", OFF_SITE)
def test_marking_a_notification_read_does_not_leave_the_site(target, org, client, person):
    liaison = person("readers-liaison")
    item = Notification.objects.create(
        recipient=liaison, kind=Notification.Kind.REMINDER, key="k", subject="一", body="內容"
    )
    client.force_login(liaison)
    response = client.post(reverse("notifications:read"), {"pk": item.pk, "next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:index")


@pytest.mark.django_db
def test_marking_a_notification_read_goes_back_to_the_page(org, client, person):
    liaison = person("readers-liaison")
    item = Notification.objects.create(
        recipient=liaison, kind=Notification.Kind.REMINDER, key="k", subject="一", body="內容"
    )
    client.force_login(liaison)
    response = client.post(reverse("notifications:read"), {"pk": item.pk, "next": "/audits/?page=2"})
    assert response["Location"] == "/audits/?page=2"


@pytest.mark.django_db
@pytest.mark.parametrize("target", OFF_SITE)
def test_switching_language_does_not_leave_the_site(target, client):
    response = client.post(reverse("set_language"), {"language": "en", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"
