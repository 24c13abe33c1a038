"""The proposal page: state, whole history from the trail, scores to those allowed, files."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.support.proposal_http import proposal_form, scored

pytestmark = pytest.mark.django_db


def scored_proposal(drive):
    proposal = drive.submit("readers-staff1")
    drive.first_review("readers-head", proposal, "accepted")
    values = {"創意性": 91, "可行性": 87, "效益性": 83, "完整性": 79}
    return scored(drive, proposal, members=("committee1",), values=values, comment="具體可行")


def test_history_lists_every_event_in_order(drive):
    proposal = drive.submit("readers-staff1")
    drive.first_review("readers-head", proposal, "returned", reasons="請補充經費")
    html = drive.as_("readers-staff1").get(f"/proposals/{proposal.pk}/").content.decode()
    assert proposal.case_number in html and "退回修正" in html
    created, submitted, returned = (html.index(a) for a in ("建立提案草稿", "送出提案", "初審退回修正"))
    assert created < submitted < returned
    assert "請補充經費" in html
    assert "辦理：修正提案" in html  # the proposer's next step is one click away


def test_scores_are_hidden_from_proposers_until_decided_and_shown_to_tracking(drive):
    proposal = scored_proposal(drive)
    staff_html = drive.as_("readers-staff1").get(f"/proposals/{proposal.pk}/").content.decode()
    assert "具體可行" not in staff_html and "創意性 91" not in staff_html
    tracking_html = drive.as_("tracking").get(f"/proposals/{proposal.pk}/").content.decode()
    assert "創意性 91" in tracking_html and "具體可行" in tracking_html
    assert "加權總分" in tracking_html


def test_files_are_listed_with_fingerprint_and_download_for_those_allowed(drive):
    client = drive.as_("readers-staff1")
    upload = SimpleUploadedFile("說明.txt", "語音導引說明".encode(), content_type="text/plain")
    response = client.post("/proposals/new/", {**proposal_form(), "attachments": [upload], "submit": "1"})
    assert response.status_code == 302
    from proposals.models import Attachment

    attachment = Attachment.objects.get()
    import hashlib

    assert attachment.sha256 == hashlib.sha256("語音導引說明".encode()).hexdigest()
    html = client.get(f"/proposals/{attachment.proposal_id}/").content.decode()
    assert "說明.txt" in html and attachment.sha256[:16] in html
    url = f"/proposals/{attachment.proposal_id}/files/{attachment.pk}/"
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == "語音導引說明".encode()
    assert drive.as_("planning-staff1").get(url).status_code == 403


def test_bad_attachments_are_refused_with_a_clear_message(drive, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    client = drive.as_("readers-staff1")
    big = SimpleUploadedFile("大檔.pdf", b"x" * 11, content_type="application/pdf")
    exe = SimpleUploadedFile("病毒.exe", b"MZ", content_type="application/octet-stream")
    response = client.post("/proposals/new/", {**proposal_form(), "attachments": [big, exe], "submit": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "超過上限" in html and "檔案類型不接受" in html
    from proposals.models import Proposal

    assert not Proposal.objects.exists()


def test_co_proposer_shares_are_checked(drive):
    client = drive.as_("readers-staff1")
    for co, message in (
        ("readers-staff2 100", "合計須小於 100%"),
        ("nobody 10", "找不到姓名或帳號 nobody"),
        ("readers-staff2", "格式應為"),
        ("readers-staff1 10", "不可包含提案人本人"),
    ):
        response = client.post("/proposals/new/", {**proposal_form(co_proposers=co), "submit": "1"})
        assert response.status_code == 200, co
        assert message in response.content.decode(), co
    response = client.post(
        "/proposals/new/", {**proposal_form(co_proposers="readers-staff2 30\nreaders-head 20"), "submit": "1"}
    )
    assert response.status_code == 302
    from proposals.models import Proposal

    shares = [(p.person.username, p.share) for p in Proposal.objects.get().proposers.all()]
    assert shares == [("readers-staff1", 50), ("readers-staff2", 30), ("readers-head", 20)]


def test_co_proposers_may_be_named_by_their_name(drive, person):
    from governance.models import User
    from proposals.models import Proposal

    client = drive.as_("readers-staff1")
    name = person("readers-staff2").get_full_name()
    response = client.post("/proposals/new/", {**proposal_form(co_proposers=f"{name} 30"), "submit": "1"})
    assert response.status_code == 302
    assert [(p.person.username, p.share) for p in Proposal.objects.get().proposers.all()] == [
        ("readers-staff1", 70),
        ("readers-staff2", 30),
    ]
    # Two people of that name: the login is asked for.
    User.objects.create(username="namesake", full_name=name)
    response = client.post(
        "/proposals/new/", {**proposal_form(co_proposers=f"{name} 30", title="另一案"), "submit": "1"}
    )
    assert response.status_code == 200
    assert f"有不只一位同仁名為 {name}，請改填帳號" in response.content.decode()


def test_an_adopted_proposal_below_every_grade_shows_no_reward_rather_than_zero(drive):
    import datetime

    proposal = drive.submit("readers-staff1")
    drive.first_review("readers-head", proposal, "accepted")
    drive.assign_reviewers(proposal, ["committee1"])
    drive.score("committee1", proposal, {"創意性": 50, "可行性": 50, "效益性": 50, "完整性": 50})
    due = (datetime.date.today() + datetime.timedelta(days=90)).isoformat()
    drive.decide(proposal, "adopt", lead_unit=proposal.unit, due=due)
    assert proposal.grade == "" and proposal.reward_amount == 0
    html = drive.as_("readers-staff1").get(f"/proposals/{proposal.pk}/").content.decode()
    assert "獎勵：無（未達等第）" in html and "獎金 0 元" not in html
