"""The trail PDF of a case: its content, its fonts, who may download it, and the command."""

import datetime
import io
import logging
import re
import shutil
import subprocess
import time
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader

from audits import documents as finding_documents
from governance import pdf, trail, verification
from governance.models import IssuedDocument, TrailEvent
from governance.rocdate import TAIPEI
from proposals import documents as proposal_documents
from proposals.models import Proposal
from tests.helpers import flat, pdf_fonts, pdf_pages, pdf_text
from tests.support import trail_tamper
from tests.support.audit_http import AuditDriver, finding_fields
from tests.support.proposal_http import Driver, proposal_form

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 25, 10, 30, tzinfo=TAIPEI)  # 民國 115 年 11 月 25 日
NUMBER = "提115-0001"
FINDING_NUMBER = "列115-0001"
OLD_NUMBER = "115-0001"  # as both were numbered before the prefixes


# ---------------------------------------------------------------- helpers


def issued_qr():
    """The inline QR image of the one document issued (its verification code's address)."""
    code = IssuedDocument.objects.get().code
    return verification.qr_data_url(verification.verification_url(code))


def tamper(event_pk, comment):
    trail_tamper.tamper("UPDATE governance_trailevent SET comment = %s WHERE id = %s", [comment, event_pk])


@pytest.fixture
def drive(frozen, client, person, org):
    return Driver(client, person)


@pytest.fixture
def proposal(drive):
    """Submitted with an attachment, returned once, revised, accepted."""
    plan = SimpleUploadedFile("語音導引方案.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    proposal = drive.submit("planning-staff1", attachments=[plan])
    drive.first_review("planning-head", proposal, "returned", reasons="請補充經費來源")
    drive.revise("planning-staff1", proposal, improvement="加入語音導引，經費由年度預算支應。")
    drive.first_review("planning-head", proposal, "accepted")
    assert proposal.case_number == NUMBER
    return proposal


@pytest.fixture
def finding(frozen, client, person, org):
    drive = AuditDriver(client, person)
    audit = drive.register(
        [finding_fields(0, lead="readers", text="閱覽區動線標示不清，讀者不易找到自助借書機。")]
    )
    (finding,) = drive.findings(audit)
    drive.meeting(finding)
    drive.plan(finding)
    return finding


# ---------------------------------------------------------------- content


def test_trail_pdf_lists_every_event_with_roc_times_actors_and_a_sound_chain(proposal):
    fetcher = pdf.SafeURLFetcher()
    document = proposal_documents.proposal_trail(proposal, fetcher=fetcher)
    assert document.filename == f"創意提案軌跡-{NUMBER}.pdf"
    text = pdf_text(document.content)
    events = trail.case_events("proposal", proposal.trail_ref)
    assert len(events) == 5
    for expected in [
        "國立臺灣圖書館",
        "創意提案",
        NUMBER,
        "圖書館自助借書機增設中文語音導引",
        "企劃推廣組",
        # Actors, actions, states (by name), comments, attachment and its fingerprint.
        "王雅婷",
        "林志明",
        "建立提案草稿",
        "送出提案",
        "初審退回修正",
        "初審受理",
        "請補充經費來源",
        "語音導引方案.pdf",
        events[0].attachments[0]["sha256"],
        # ROC date-times of the events and of the document itself.
        "115/11/25 10:30:00",
        "產製時間 115/11/25 10:30:00（臺北時間）",
        "驗證無誤",
        f"共 {len(events)} 筆事件",
        events[-1].content_hash,
    ]:
        assert expected in text, expected
    # Every event, in order, with its time.
    rows = re.findall(r"^(\d+) 115/11/25 10:30:00", text, re.M)
    assert rows == [str(e.sequence) for e in events]
    # Nothing was fetched but the verification code's QR image, inline: no file, no other URL.
    assert fetcher.served == [issued_qr()] and fetcher.refused == []


def test_tampered_event_is_printed_as_the_first_broken_one(proposal):
    events = trail.case_events("proposal", proposal.trail_ref)
    tamper(events[2].pk, "同意")  # the return's reasons rewritten after the fact
    text = pdf_text(proposal_documents.proposal_trail(proposal).content)
    assert "驗證無誤" not in text
    assert "驗證失敗：第 3 筆事件遭竄改或缺漏" in text
    assert "事件內容與其雜湊不符" in text
    assert re.search(r"^3\s*\n?驗證\s*\n?失敗", text, re.M)  # the row itself is marked


def test_deleted_last_event_is_reported(proposal):
    last = trail.case_events("proposal", proposal.trail_ref)[-1]
    trail_tamper.tamper("DELETE FROM governance_trailevent WHERE id = %s", [last.pk])
    text = pdf_text(proposal_documents.proposal_trail(proposal).content)
    assert f"驗證失敗：第 {last.sequence} 筆事件遭竄改或缺漏" in text
    assert "尾端事件被刪除或竄改" in text


def test_finding_trail_pdf(finding):
    document = finding_documents.finding_trail(finding)
    assert document.filename == f"列管事項軌跡-{finding.tracking_number}.pdf"
    text = flat(pdf_text(document.content))
    for expected in [
        finding.tracking_number,
        "考核意見列管事項",
        "閱覽區動線標示不清",
        "閱覽典藏組",
        "教育部 115 年度服務品質考核",
        "孫立群",
        "楊惠如",
        "檢討會議",
        "提報改善措施",
        "研擬改善措施 → 改善措施待核定",
        "驗證無誤",
    ]:
        assert expected in text, expected


def test_only_noto_cjk_is_embedded_and_pages_are_numbered(proposal):
    content = proposal_documents.proposal_trail(proposal).content
    fonts = pdf_fonts(content)
    assert fonts and all(name.startswith("Noto-Sans-CJK-TC") for name in fonts), fonts
    assert not any("DejaVu" in name for name in fonts)
    pages = pdf_pages(content)
    text = pdf_text(content)
    assert f"第 1 頁／共 {pages} 頁" in text
    assert f"第 {pages} 頁／共 {pages} 頁" in text


@pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler-utils not installed")
def test_pdffonts_sees_only_noto_cjk(proposal, tmp_path):
    path = tmp_path / "trail.pdf"
    path.write_bytes(proposal_documents.proposal_trail(proposal).content)
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    fonts = [line.split()[0] for line in listing.splitlines()[2:] if line.strip()]
    assert fonts and all("+Noto-Sans-CJK-TC" in name for name in fonts), listing
    assert "DejaVu" not in listing


def test_harfbuzz_subsets_the_fonts(proposal, monkeypatch, caplog):
    """WeasyPrint's own choice (weasyprint.pdf.fonts.Font.subset) is HarfBuzz, never fontTools."""
    from weasyprint.pdf.fonts import Font

    assert pdf.harfbuzz_subsetter_in_use() is True
    calls = []
    harfbuzz_subset = Font._harfbuzz_subset

    def spy(self, *args, **kwargs):
        calls.append(self.family)
        return harfbuzz_subset(self, *args, **kwargs)

    def refuse(*args, **kwargs):
        raise AssertionError("fontTools subsetting is far too slow for CJK fonts")

    monkeypatch.setattr(Font, "_harfbuzz_subset", spy)
    monkeypatch.setattr(Font, "_fonttools_subset", refuse)
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        proposal_documents.proposal_trail(proposal)
    assert calls
    assert "fontTools" not in caplog.text


def test_two_hundred_events_render_quickly(proposal, person):
    staff = person("planning-staff1")
    for n in range(195):
        trail.record_event(
            case_kind="proposal",
            case_ref=proposal.trail_ref,
            actor=staff,
            action=f"第 {n + 1} 次進度回報",
            from_state="executing",
            to_state="executing",
            comment="依計畫辦理語音導引建置，已完成部分樓層。",
            attachments=[{"name": f"佐證{n}.jpg", "sha256": f"{n:064x}"}] if n % 5 == 0 else [],
        )
    assert TrailEvent.objects.filter(case_ref=proposal.trail_ref).count() == 200
    started = time.perf_counter()
    content = proposal_documents.proposal_trail(proposal).content
    elapsed = time.perf_counter() - started
    text = pdf_text(content)
    pages = pdf_pages(content)
    assert "驗證無誤" in text and "共 200 筆事件" in text
    assert "第 195 次進度回報" in text and "執行中" in text
    assert f"第 {pages} 頁／共 {pages} 頁" in text
    # The header row is repeated on every page the events run over.
    header = "序號 時間 執行人 動作 狀態（前 → 後） 說明"
    page_texts = [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]
    with_events = [t for t in page_texts if "次進度回報" in t]
    assert len(with_events) > 3 and all(header in t for t in with_events)
    print(f"200-event trail: {pages} pages in {elapsed:.2f} s")
    # About 2 s here with HarfBuzz; fontTools subsetting took 18 s for the same document.
    assert elapsed < 12


# ---------------------------------------------------------------- who may download


def assert_pdf_download(response, kind_label, number):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert quote(f"{kind_label}軌跡-{number}.pdf") in disposition
    content = b"".join(response) if response.streaming else response.content
    assert content.startswith(b"%PDF-")
    assert number in pdf_text(content)


def test_proposal_trail_download_is_for_auditors_director_and_tracking_only(proposal, client, person):
    url = reverse("proposals:trail_pdf", args=[proposal.pk])
    assert url == f"/proposals/{proposal.pk}/trail.pdf"
    for login in ("auditor", "tracking", "director"):
        client.force_login(person(login))
        assert_pdf_download(client.get(url), "創意提案", NUMBER)
    # The proposer, their colleagues and head, another unit, HR, the committee: no.
    for login in (
        "planning-staff1",
        "planning-staff2",
        "planning-head",
        "readers-staff1",
        "hr",
        "committee1",
        "admin",
    ):
        client.force_login(person(login))
        assert client.get(url).status_code == 403, login
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_proposal_detail_links_the_pdf_only_for_those_allowed(proposal, client, person):
    detail = reverse("proposals:detail", args=[proposal.pk])
    link = reverse("proposals:trail_pdf", args=[proposal.pk])
    for login, shown in [
        ("auditor", True),
        ("tracking", True),
        ("planning-staff1", False),
        ("planning-head", False),
    ]:
        client.force_login(person(login))
        page = client.get(detail).content.decode()
        assert ("下載案件軌跡 PDF" in page) is shown, login
        assert (link in page) is shown, login


def test_draft_has_no_trail_pdf(drive, client, person):
    client.force_login(person("planning-staff1"))
    assert client.post(reverse("proposals:create"), proposal_form()).status_code == 302
    draft = Proposal.objects.latest("pk")
    assert draft.case_number is None
    client.force_login(person("auditor"))
    assert client.get(reverse("proposals:trail_pdf", args=[draft.pk])).status_code == 404


def test_finding_trail_download_is_for_auditors_and_tracking_only(finding, client, person):
    url = reverse("audits:finding_trail_pdf", args=[finding.pk])
    assert url == f"/audits/findings/{finding.pk}/trail.pdf"
    for login in ("auditor", "tracking"):
        client.force_login(person(login))
        assert_pdf_download(client.get(url), "列管事項", finding.tracking_number)
    for login in ("readers-liaison", "readers-staff1", "readers-head", "planning-staff1", "hr"):
        client.force_login(person(login))
        assert client.get(url).status_code == 403, login
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_finding_detail_links_the_pdf_only_for_those_allowed(finding, client, person):
    detail = reverse("audits:finding", args=[finding.pk])
    for login, shown in [("auditor", True), ("tracking", True), ("readers-liaison", False)]:
        client.force_login(person(login))
        page = client.get(detail).content.decode()
        assert ("下載案件軌跡 PDF" in page) is shown, login


# ---------------------------------------------------------------- the command


def test_command_writes_the_pdf_of_a_proposal(proposal, tmp_path, capsys):
    out = tmp_path / "trail.pdf"
    call_command("case_trail", NUMBER, out=str(out))
    assert out.read_bytes().startswith(b"%PDF-")
    text = pdf_text(out.read_bytes())
    assert NUMBER in text and "創意提案" in text and "驗證無誤" in text
    assert str(out) in capsys.readouterr().out


def test_command_tells_the_kinds_apart_by_prefix_and_asks_for_an_old_number(proposal, finding, tmp_path):
    assert (proposal.case_number, finding.tracking_number) == (NUMBER, FINDING_NUMBER)
    out = tmp_path / "trail.pdf"
    call_command("case_trail", FINDING_NUMBER, out=str(out))
    assert "閱覽區動線標示不清" in pdf_text(out.read_bytes())
    # The old form names both: the kind says which.
    out.unlink()
    with pytest.raises(CommandError, match="--kind"):
        call_command("case_trail", OLD_NUMBER, out=str(out))
    assert not out.exists()
    call_command("case_trail", OLD_NUMBER, out=str(out), kind="finding")
    assert "閱覽區動線標示不清" in pdf_text(out.read_bytes())
    call_command("case_trail", "１１５－０００１", out=str(out), kind="proposal")
    assert "圖書館自助借書機增設中文語音導引" in pdf_text(out.read_bytes())


def test_command_refuses_an_unknown_number(org, tmp_path):
    out = tmp_path / "trail.pdf"
    with pytest.raises(CommandError, match="找不到提案案號或列管編號「115-9999」的案件"):
        call_command("case_trail", "115-9999", out=str(out))
    with pytest.raises(CommandError, match="找不到列管編號「115-9999」"):
        call_command("case_trail", "115-9999", out=str(out), kind="finding")
    assert not out.exists()
