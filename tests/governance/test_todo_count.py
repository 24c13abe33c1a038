"""/todo/count/: the menu badge's number, every source counted; the menu carries the badge and
its script (filled after the page is shown, so no page pays for counting every source)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.helpers import frozen_at, log_in, unit, user
from tests.support.meeting_factory import finding, held

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_count_is_every_source_and_the_menu_carries_the_badge(client, org):
    held(D(2026, 5, 15), decisions=[("請閱覽組完成讀者動線調整", "readers", D(2026, 6, 30), None)])
    finding("planning", "借閱流程說明不清", due=D(2026, 6, 20)).supporting_units.add(unit("readers"))
    log_in(client, user("readers-liaison"))
    with frozen_at(D(2026, 6, 1)):
        with CaptureQueriesContext(connection) as counted:
            response = client.get(reverse("todo:count"))
        assert response.json() == {"count": 2, "text": "2", "label": "2 項待辦"}
        assert response["Cache-Control"] == "private, no-store"
        # One bounded count per source, and the session's own: not one per duty.
        assert len(counted) <= 12, [q["sql"] for q in counted.captured_queries]
        page = client.get(reverse("notifications:index")).content.decode()
    assert 'id="gov-todo-count" data-url="/todo/count/" hidden' in page
    assert "governance/todo_count" in page

    log_in(client, user("external1"))
    assert client.get(reverse("todo:count")).json()["count"] == 0


def test_the_count_needs_a_login(client):
    assert client.get(reverse("todo:count")).status_code == 302
