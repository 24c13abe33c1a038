"""The appraisal evidence PDF: what it prints, its fingerprint, the record of issue, the command."""

import datetime
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from bench.samples import synthetic_evidence
from evidence import documents
from evidence.models import EvidenceDocument
from evidence.selectors import appraisal_evidence
from governance.periods import period_of_year
from governance.rocdate import TAIPEI
from tests.helpers import flat, pdf_fonts, pdf_pages, pdf_text
from tests.support.audit_http import AuditDriver, finding_fields
from tests.support.proposal_http import Driver, run_to_closure

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 25, 10, 30, tzinfo=TAIPEI)  # 民國 115 年 11 月 25 日
YEAR = period_of_year(115)
PERIOD = "115 年度（115年1月1日至115年12月31日）"


@pytest.fixture
def proposals(frozen, closed_proposal, client, person):
    """Two closed proposals of readers-staff1: one with readers-staff2 (40 %), one alone."""
    drive = Driver(client, person)
    alone = run_to_closure(drive, drive.submit("readers-staff1", title="閱覽區增設自助預約取書櫃"))
    return closed_proposal, alone


@pytest.fixture
def closed_finding(frozen, client, person, org):
    """A finding of the readers unit removed from tracking by the 館務會議."""
    drive = AuditDriver(client, person)
    audit = drive.register(
        [finding_fields(0, lead="readers", text="閱覽區動線標示不清，讀者不易找到自助借書機。")]
    )
    (finding,) = drive.findings(audit)
    drive.meeting(finding)
    drive.plan(finding)
    drive.approve_plan(finding)
    drive.progress(finding, 100, "改善完成", propose=True)
    drive.request_removal(finding)
    drive.review_removal(finding)
    drive.council(finding, "remove", minutes="115 年第 5 次館務會議紀錄")
    assert finding.closed_on is not None
    return finding


def evidence_text(evidence, **options):
    content = documents.appraisal_evidence_pdf(evidence, **options)
    assert content.startswith(b"%PDF-")
    return content, pdf_text(content)


# ---------------------------------------------------------------- content


def test_pdf_prints_the_person_the_period_each_item_and_the_totals(proposals, person):
    shared, alone = proposals
    staff1 = person("readers-staff1")
    evidence = appraisal_evidence(staff1, *YEAR)
    assert evidence.totals["commendations"] == 4
    content, text = evidence_text(evidence)
    flat_text = flat(text)
    for expected in [
        "國立臺灣圖書館",
        "考績佐證資料",
        staff1.get_full_name(),
        "助理編輯",
        "閱覽典藏組",
        PERIOD,
        "產製時間 115/11/25 10:30:00（臺北時間）",
        # Both cases, with the person's role and share, outcome and reward.
        shared.case_number,
        alone.case_number,
        "圖書館自助借書機增設中文語音導引",
        "閱覽區增設自助預約取書櫃",
        "提案人 60%",
        "提案人 100%",
        "等第：優等",
        "決定：採行（115/11/25）",
        "成效：優良",
        "結案：115/11/25",
        "獎金 1,800 元",
        "獎金 3,000 元",
        "嘉獎二次",
        # Totals and the 嘉獎/記功 conversion.
        "共 2 件（創意提案 2 件，其中採行 2 件；列管事項 0 件）",
        "4,800 元",
        "嘉獎 4 次，折合記功一次嘉獎一次",
        # The fingerprint and what it is.
        "本文件依下列資料產生，資料指紋可供查驗",
        evidence.fingerprint,
    ]:
        assert expected in flat_text, expected
    pages = pdf_pages(content)
    assert "第 1 頁／共" in text and f"第 1 頁／共 {pages} 頁" in text
    fonts = pdf_fonts(content)
    assert fonts and all(name.startswith("Noto-Sans-CJK-TC") for name in fonts), fonts


def test_co_proposer_sees_their_share_and_commendation(proposals, person):
    shared, _ = proposals
    staff2 = person("readers-staff2")
    evidence = appraisal_evidence(staff2, *YEAR)
    _, text = evidence_text(evidence)
    text = flat(text)
    for expected in [
        staff2.get_full_name(),
        shared.case_number,
        "共同提案人 40%",
        "獎金 1,200 元",
        "嘉獎二次",
        "共 1 件",
        evidence.fingerprint,
    ]:
        assert expected in text, expected
    assert proposals[1].case_number not in text


def test_finding_prints_the_role_and_the_removal_with_its_minutes(closed_finding, person):
    evidence = appraisal_evidence(person("readers-liaison"), *YEAR)
    _, text = evidence_text(evidence)
    text = flat(text)
    for expected in [
        closed_finding.tracking_number,
        "考核意見列管事項",
        "主辦",
        "狀態：已解除列管",
        "解除列管：115/11/25（115 年第 5 次館務會議紀錄）",
        "列管事項 1 件",
        "0 元",
        evidence.fingerprint,
    ]:
        assert expected in text, expected


def test_an_empty_period_says_so(org, person, frozen):
    evidence = appraisal_evidence(person("planning-staff1"), *YEAR)
    _, text = evidence_text(evidence)
    assert "本期間無提案或列管事項紀錄" in text
    assert "共 0 件" in flat(text) and "第 1 頁／共 1 頁" in text


def test_same_data_gives_the_same_fingerprint_and_each_issue_is_recorded(proposals, person):
    staff1, hr = person("readers-staff1"), person("hr")
    first = appraisal_evidence(staff1, *YEAR)
    first_text = flat(evidence_text(first, generated_by=hr)[1])
    again = appraisal_evidence(staff1, *YEAR)
    assert again.fingerprint == first.fingerprint
    assert first.fingerprint in flat(evidence_text(again)[1]) and first.fingerprint in first_text
    issued = list(EvidenceDocument.objects.filter(person=staff1).order_by("pk"))
    assert [(d.fingerprint, d.start, d.end) for d in issued] == [(first.fingerprint, *YEAR)] * 2
    assert [d.generated_by for d in issued] == [hr, None]
    assert issued[0].generated_at == NOW
    # Changed data: another fingerprint, printed and recorded.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE proposals_reward SET amount = amount + 1")
    changed = appraisal_evidence(staff1, *YEAR)
    assert changed.fingerprint != first.fingerprint
    documents.appraisal_evidence_pdf(changed)
    assert EvidenceDocument.objects.filter(fingerprint=changed.fingerprint).count() == 1


def test_file_names_and_periods():
    class P:
        username = "readers-staff1"
        full_name = "許志偉"

    class NoName:
        username = "readers-staff1"
        full_name = ""

    class Odd:
        username = "x1"
        full_name = "王 小/明"

    assert documents.evidence_filename(P, *YEAR) == "考績佐證-115-許志偉-readers-staff1.pdf"
    half = (datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))
    assert documents.evidence_filename(P, *half) == "考績佐證-1150101-1150630-許志偉-readers-staff1.pdf"
    assert documents.evidence_filename(NoName, *YEAR) == "考績佐證-115-readers-staff1.pdf"
    assert documents.evidence_filename(Odd, *YEAR) == "考績佐證-115-王小明-x1.pdf"  # no path separators
    assert documents.roc_period(*half) == "115年1月1日至115年6月30日"
    assert documents.commendations_text(0) == "無"
    assert documents.commendations_text(2) == "嘉獎二次"
    assert documents.commendations_text(10) == "嘉獎 10 次，折合記大功一次嘉獎一次"


def test_thirty_items_render_quickly_on_numbered_pages(org, person, frozen):
    evidence = synthetic_evidence(person("readers-staff1"), 30)
    documents.appraisal_evidence_pdf(
        synthetic_evidence(person("readers-staff2"), 1)
    )  # WeasyPrint loaded, fonts read
    started = time.perf_counter()
    content = documents.appraisal_evidence_pdf(evidence)
    elapsed = time.perf_counter() - started
    pages = pdf_pages(content)
    text = pdf_text(content)
    assert pages >= 2
    assert f"第 1 頁／共 {pages} 頁" in text and f"第 {pages} 頁／共 {pages} 頁" in text
    assert "115-0030" in text and evidence.fingerprint in flat(text)
    # The header row is repeated on every page the table runs over (the totals may start a page).
    assert text.count("項次 案號 案件名稱 角色／分擔 辦理結果 獎勵") >= pages - 1
    print(f"30-item appraisal evidence: {pages} pages in {elapsed:.2f} s")
    assert elapsed < 10


# ---------------------------------------------------------------- the command


def test_command_writes_one_pdf_per_person_of_the_unit(proposals, tmp_path, capsys):
    out = tmp_path / "佐證"
    call_command("appraisal_evidence", year="115", unit="readers", out=str(out))
    logins = ["readers-head", "readers-liaison", "readers-staff1", "readers-staff2"]
    files = sorted(p.name for p in out.iterdir())
    names = {
        "readers-head": "蔡明哲",
        "readers-liaison": "楊惠如",
        "readers-staff1": "許志偉",
        "readers-staff2": "鄭雅雯",
    }
    assert files == sorted(f"考績佐證-115-{names[login]}-{login}.pdf" for login in logins)
    output = capsys.readouterr().out
    for name in files:
        assert str(out / name) in output
    assert "4 份" in output
    text = flat(pdf_text((out / "考績佐證-115-鄭雅雯-readers-staff2.pdf").read_bytes()))
    assert "共同提案人 40%" in text and PERIOD in text
    assert EvidenceDocument.objects.filter(generated_by=None).count() == 4
    # An AD year is the same year; one person only.
    call_command("appraisal_evidence", year="2026", user="readers-staff1", out=str(tmp_path / "one"))
    assert [p.name for p in (tmp_path / "one").iterdir()] == ["考績佐證-115-許志偉-readers-staff1.pdf"]


def test_command_fails_clearly_on_bad_input(org, tmp_path, frozen):
    out = tmp_path / "out"
    with pytest.raises(CommandError, match="找不到單位代碼「nowhere」"):
        call_command("appraisal_evidence", year="115", unit="nowhere", out=str(out))
    with pytest.raises(CommandError, match="找不到帳號「nobody」"):
        call_command("appraisal_evidence", year="115", user="nobody", out=str(out))
    for year in ("0", "500", "1911", "3000", "abc"):
        with pytest.raises(CommandError, match="年度"):
            call_command("appraisal_evidence", year=year, unit="readers", out=str(out))
    not_a_dir = tmp_path / "file.pdf"
    not_a_dir.write_bytes(b"x")
    with pytest.raises(CommandError, match="不是資料夾"):
        call_command("appraisal_evidence", year="115", unit="readers", out=str(not_a_dir))
    assert not out.exists()
    assert not EvidenceDocument.objects.exists()
