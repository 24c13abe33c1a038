"""HR's evidence batches: one PDF per person made in the background, progress, the ZIP.

Here Celery runs eagerly in the test process; tests/evidence/test_batch_worker.py runs the
same batch through a real worker and Redis.
"""

import datetime
import io
import zipfile
from unittest import mock
from urllib.parse import quote

import pytest
from django.db import OperationalError
from django.urls import reverse

from evidence import batches as evidence_batches
from evidence.models import EvidenceBatch, EvidenceBatchItem, EvidenceDocument
from governance.models import FailedTask
from governance.rocdate import TAIPEI
from tests.helpers import READERS, flat, pdf_text

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 25, 10, 30, tzinfo=TAIPEI)  # 民國 115 年: `proposal` is closed then


def start(client, capture, **fields):
    with capture(execute=True):
        response = client.post(reverse("evidence:batch_start"), fields)
    assert response.status_code == 302, response.content[:300]
    return EvidenceBatch.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def test_batch_makes_one_pdf_per_person_and_offers_the_zip(
    proposal, client, person, django_capture_on_commit_callbacks
):
    client.force_login(person("hr"))
    batch = start(client, django_capture_on_commit_callbacks, year="115", unit="readers")
    assert batch.unit.code == "readers" and batch.requested_by == person("hr")
    progress = client.get(reverse("evidence:batch_progress", args=[batch.pk])).json()
    assert progress == {
        "total": 4,
        "done": 4,
        "failed": 0,
        "files": 4,
        "finished": True,
        "zip_url": reverse("evidence:batch_zip", args=[batch.pk]),
    }
    page = client.get(reverse("evidence:batch", args=[batch.pk])).content.decode()
    assert 'value="4"' in page and "4 / 4" in page and "下載 ZIP（4 份 PDF）" in page
    assert "115 年度（115年1月1日至115年12月31日）" in page and "閱覽典藏組" in page

    response = client.get(reverse("evidence:batch_zip", args=[batch.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert quote("考績佐證-115-閱覽典藏組.zip") in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.namelist() == [f"考績佐證-115-{person(login).full_name}-{login}.pdf" for login in READERS]
    assert archive.namelist()[2] == "考績佐證-115-許志偉-readers-staff1.pdf"  # the name HR looks for
    assert "共同提案人 40%" in flat(pdf_text(archive.read("考績佐證-115-鄭雅雯-readers-staff2.pdf")))
    assert EvidenceDocument.objects.filter(generated_by=person("hr")).count() == 4
    # The list page shows the batch.
    page = client.get(reverse("evidence:index")).content.decode()
    assert reverse("evidence:batch", args=[batch.pk]) in page and "4 / 4（完成）" in page


def test_unchanged_data_gives_the_same_fingerprints(
    proposal, client, person, django_capture_on_commit_callbacks
):
    client.force_login(person("hr"))
    first = start(client, django_capture_on_commit_callbacks, year="115", unit="readers")
    second = start(client, django_capture_on_commit_callbacks, year="115", unit="readers")
    fingerprints = [dict(b.items.values_list("person__username", "fingerprint")) for b in (first, second)]
    assert fingerprints[0] == fingerprints[1] and len(set(fingerprints[0].values())) == 4
    issued = EvidenceDocument.objects.filter(person=person("readers-staff1"))
    assert {d.fingerprint for d in issued} == {fingerprints[0]["readers-staff1"]} and issued.count() == 2


def test_only_people_with_items(proposal, client, person, django_capture_on_commit_callbacks):
    client.force_login(person("hr"))
    batch = start(client, django_capture_on_commit_callbacks, year="115", unit="readers", with_items="on")
    assert client.get(reverse("evidence:batch_progress", args=[batch.pk])).json()["files"] == 2
    page = client.get(reverse("evidence:batch", args=[batch.pk])).content.decode()
    assert "2 人在期間內沒有紀錄" in page
    content = b"".join(client.get(reverse("evidence:batch_zip", args=[batch.pk])).streaming_content)
    assert zipfile.ZipFile(io.BytesIO(content)).namelist() == [
        "考績佐證-115-許志偉-readers-staff1.pdf",
        "考績佐證-115-鄭雅雯-readers-staff2.pdf",
    ]


def test_unfinished_batch_shows_progress_and_refuses_the_zip(org, client, person):
    client.force_login(person("hr"))
    # Not committed inside the test's transaction, so nothing is queued: the items wait.
    batch = evidence_batches.start_evidence_batch(
        actor=person("hr"),
        start=__import__("datetime").date(2026, 1, 1),
        end=__import__("datetime").date(2026, 12, 31),
        unit=person("readers-head").memberships.first().unit,
    )
    evidence_batches.render_item(batch.items.first().pk)
    progress = client.get(reverse("evidence:batch_progress", args=[batch.pk])).json()
    assert progress["done"] == 1 and progress["total"] == 4 and not progress["finished"]
    assert progress["zip_url"] is None
    page = client.get(reverse("evidence:batch", args=[batch.pk])).content.decode()
    assert 'max="4" value="1"' in page and "背景產製中" in page
    response = client.get(reverse("evidence:batch_zip", args=[batch.pk]))
    assert response.status_code == 409 and "尚未產製完成" in response.content.decode()


def test_rendering_an_item_twice_makes_one_document(org, person):
    import datetime

    batch = evidence_batches.start_evidence_batch(
        actor=person("hr"), start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31)
    )
    item = batch.items.get(person=person("readers-staff1"))
    evidence_batches.render_item(item.pk)
    evidence_batches.render_item(item.pk)  # a redelivered task
    assert EvidenceDocument.objects.filter(person=person("readers-staff1")).count() == 1
    # Everyone with a membership is in an everyone-batch.
    assert batch.items.count() == evidence_batches.progress(batch).total >= 32


def test_items_whose_tasks_were_lost_are_queued_again_once_stalled(
    org, person, settings, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    settings.EVIDENCE_REQUEUE_AFTER_SECONDS = 600
    # Not committed inside the test's transaction, so nothing is queued: as if the broker
    # had lost every task of the batch.
    batch = evidence_batches.start_evidence_batch(
        actor=person("hr"),
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 12, 31),
        unit=person("readers-head").memberships.first().unit,
    )
    done, failed, stalled, fresh = batch.items.all()
    evidence_batches.render_item(done.pk)
    evidence_batches.mark_item_failed(failed.pk, "gave up")
    long_ago = timezone.now() - datetime.timedelta(seconds=601)
    batch.items.exclude(pk=fresh.pk).update(queued_at=long_ago)

    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert evidence_batches.requeue_stalled_items() == 1
    assert len(queued) == 1
    progress = evidence_batches.progress(batch)
    assert (progress.done, progress.failed) == (2, 1)  # the stalled one, rendered now
    stalled.refresh_from_db()
    assert stalled.done_at is not None and bytes(stalled.content).startswith(b"%PDF-")
    # A failed item waits for HR, a done one is never rendered again, a fresh one waits its turn.
    assert EvidenceDocument.objects.filter(person=done.person).count() == 1
    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert evidence_batches.requeue_stalled_items() == 0
    assert queued == []
    # Queued again at most once per period: right after a requeue, the item is fresh again.
    fresh.refresh_from_db()
    assert fresh.done_at is None
    assert evidence_batches.requeue_stalled_items(now=timezone.now() + datetime.timedelta(seconds=601)) == 1
    assert evidence_batches.requeue_stalled_items(now=timezone.now() + datetime.timedelta(seconds=602)) == 0


def test_a_task_that_fails_for_good_is_shown_and_recorded(
    org, client, person, django_capture_on_commit_callbacks
):
    client.force_login(person("hr"))
    with mock.patch(
        "evidence.batches.appraisal_evidence", side_effect=OperationalError("database went away")
    ):
        batch = start(client, django_capture_on_commit_callbacks, year="115", unit="readers")
    progress = client.get(reverse("evidence:batch_progress", args=[batch.pk])).json()
    assert progress["failed"] == 4 and progress["done"] == 0 and progress["finished"]
    page = client.get(reverse("evidence:batch", args=[batch.pk])).content.decode()
    assert "失敗 4 人" in page and "database went away" in page
    failures = FailedTask.objects.filter(task_name="governance.render_evidence_item")
    assert failures.count() == 4
    assert failures.first().retries == 5 and "OperationalError" in failures.first().error
    assert not EvidenceBatchItem.objects.filter(content__isnull=False).exists()


def test_only_hr_starts_and_reads_batches(org, client, person, django_capture_on_commit_callbacks):
    client.force_login(person("hr"))
    batch = start(client, django_capture_on_commit_callbacks, year="115", unit="readers")
    for login in ("readers-head", "readers-staff1", "director", "tracking"):
        client.force_login(person(login))
        assert client.post(reverse("evidence:batch_start"), {"year": "115"}).status_code == 403, login
        for name in ("evidence:batch", "evidence:batch_progress", "evidence:batch_zip"):
            assert client.get(reverse(name, args=[batch.pk])).status_code == 403, (login, name)
    client.force_login(person("hr"))
    assert client.get(reverse("evidence:batch", args=[999999])).status_code == 404
    assert client.get(reverse("evidence:batch_start")).status_code == 405
    response = client.post(reverse("evidence:batch_start"), {"year": "abc"})
    assert response.status_code == 400 and "無法辨識" in response.content.decode()
