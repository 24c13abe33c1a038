"""The 管考 office corrects an audit's 來文文號 or 考核日期 (and a replied audit's reply), with the
reason, on its trail; a date is refused when the findings' own dates would come before it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audits import services
from governance.models import TrailEvent
from tests.helpers import days, user
from tests.support.audit_http import AuditDriver, finding_fields

pytestmark = pytest.mark.django_db
NUMBER = "臺教綜（一）字第1150012399號"


@pytest.fixture
def drive(client, person, org):
    return AuditDriver(client, person)


def correct(audit, **overrides):
    data = {
        "actor": user("tracking"),
        "audit": audit,
        "document_number": NUMBER,
        "held_on": audit.held_on,
        "reason": "來文文號誤植",
    }
    data.update(overrides)
    return services.correct_audit(**data)


def test_a_correction_is_on_the_trail_with_before_after_and_reason(drive):
    audit = drive.register([finding_fields(0, due=30)])
    before = audit.document_number
    earlier = audit.held_on - datetime.timedelta(days=2)
    corrected = correct(audit, held_on=earlier)
    assert corrected.document_number == NUMBER and corrected.held_on == earlier
    assert corrected.document_key == "臺教綜(一)字第1150012399號"
    event = TrailEvent.objects.filter(case_kind="audit", case_ref=str(audit.pk)).last()
    assert event.action == "更正考核資料"
    assert f"來文文號 {before} → {NUMBER}" in event.comment and event.comment.endswith("理由：來文文號誤植")


def test_refusals_say_why(drive):
    audit = drive.register([finding_fields(0, due=-5)])  # due 5 days ago; held 10 days ago
    with pytest.raises(ValidationError, match="請說明更正的理由"):
        correct(audit, reason="")
    with pytest.raises(ValidationError, match="沒有任何更正"):
        correct(audit, document_number=audit.document_number)
    with pytest.raises(ValidationError, match="不可晚於其考核意見已有的日期"):
        correct(audit, held_on=datetime.date.fromisoformat(days(-3)))
    with pytest.raises(ValidationError, match="不可晚於今天"):
        correct(audit, held_on=datetime.date.fromisoformat(days(1)))
    with pytest.raises(PermissionDenied):
        correct(audit, actor=user("readers-head"))


def test_the_page_corrects_and_others_cannot_open_it(drive):
    audit = drive.register([finding_fields(0)])
    client = drive.as_("tracking")
    assert f"/audits/{audit.pk}/correct/" in client.get(f"/audits/{audit.pk}/").content.decode()
    page = client.get(f"/audits/{audit.pk}/correct/").content.decode()
    assert audit.document_number in page
    refused = client.post(
        f"/audits/{audit.pk}/correct/", {"document_number": NUMBER, "held_on": days(-10), "reason": ""}
    )
    assert "請說明更正的理由" in refused.content.decode()
    done = client.post(
        f"/audits/{audit.pk}/correct/",
        {"document_number": NUMBER, "held_on": days(-10), "reason": "文號誤植"},
        follow=True,
    ).content.decode()
    assert "已更正" in done and NUMBER in done
    assert drive.as_("readers-head").get(f"/audits/{audit.pk}/correct/").status_code == 403
