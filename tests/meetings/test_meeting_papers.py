"""A meeting's papers (開會通知單, 議程, 會議紀錄) as PDF/A and ODT, from the meeting page: what
each prints, who downloads them, when they exist; and the review meeting (檢討會議) its agenda
makes of the findings still awaiting it."""

import datetime
import io

import pytest
from odf import teletype
from odf.opendocument import load
from odf.text import P

from audits.models import Finding
from governance.models import User
from governance.rocdate import TAIPEI
from meetings import meeting_documents as papers
from meetings import services as meetings
from meetings.models import AgendaItem
from tests.helpers import assert_laid_out, download_name, pdf_text, taipei, unit, user
from tests.support.libreoffice import convert, skip_without_libreoffice, sqlite_pass  # noqa: F401
from tests.support.long_text import LongTexts
from tests.support.meeting_factory import finding, held, meeting, proposal

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
NOW = datetime.datetime(2026, 5, 20, 9, 0, tzinfo=TAIPEI)  # 民國 115 年 5 月 20 日（星期三）
D = datetime.date
Kind = AgendaItem.Kind


def squeezed(text):
    """The text without its white space: where a line broke, or a space stood, does not matter."""
    return "".join(text.split())


def odt_text(data):
    """Every paragraph of an ODT (table cells' included) as odfpy reads it back, one a line."""
    return "\n".join(teletype.extractText(p) for p in load(io.BytesIO(data)).getElementsByType(P))


@pytest.fixture
def review(org):
    """第 1 次 (held on 115/03/08, an open follow-up action), then 第 2 次 on 115/05/15 14:30
    at 第一會議室: its agenda proposed (the follow-up, a late proposal, a finding awaiting the
    review meeting) plus an item typed in, then recorded with a decision per item, an
    extempore one, and an action already done."""
    User.objects.filter(username="tracking").update(email="tracking@ntl.example", job_title="專員")
    User.objects.filter(username="director").update(job_title="館長")
    earlier = held(D(2026, 3, 8), decisions=[("請閱覽組調整讀者動線", "readers", D(2026, 4, 30), None)])
    late = proposal("planning", "館藏查詢系統改版", due=D(2026, 4, 30))
    awaiting = finding(
        "reference", "參考服務台動線不佳", due=D(2026, 9, 30), state=Finding.State.AWAITING_MEETING
    )
    target = meetings.schedule_meeting(
        actor=user("tracking"),
        scheduled_for=taipei(D(2026, 5, 15), 14, 30),
        location="第一會議室",
        chair=user("director"),
    )
    proposed = meetings.propose_agenda(target)
    typed = meetings.AgendaInput(kind=Kind.OTHER, title="修訂本館服務品質獎勵要點", reference="臨1")
    meetings.set_agenda(actor=user("tracking"), meeting=target, items=[*proposed, typed])
    return {"earlier": earlier, "proposal": late, "finding": awaiting, "meeting": target}


def record(target):
    items = {i.kind: i for i in target.agenda.all()}
    meetings.record_meeting(
        actor=user("tracking"),
        meeting=target,
        attendees=[user("director"), user("readers-head"), user("tracking")],
        minutes="主席致詞：感謝各單位配合。\n各單位報告辦理情形。",
        decisions=[
            meetings.DecisionInput(
                text="同意參考組為主辦單位",
                agenda_item=items[Kind.FINDING],
                action_unit=unit("reference"),
                action_due=D(2026, 9, 30),
            ),
            meetings.DecisionInput(
                text="請企劃組儘速完成改版",
                agenda_item=items[Kind.PROPOSAL],
                action_unit=unit("planning"),
                action_due=D(2026, 6, 30),
            ),
            meetings.DecisionInput(text="獎勵要點修正通過", agenda_item=target.agenda.get(reference="臨1")),
            meetings.DecisionInput(text="下次會議於 7 月召開"),
        ],
    )
    done = target.decisions.get(text="請企劃組儘速完成改版")
    meetings.complete_action(actor=user("planning-head"), decision=done, note="已上線新版查詢系統")
    target.refresh_from_db()
    return target


# ---------------------------------------------------------------- the notice


def test_the_notice_prints_every_field_of_the_manuals_meeting_notice(review, login_as):
    target = review["meeting"]
    response = login_as("readers-staff1").get(f"/meetings/{target.pk}/notice.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert download_name(response) == "開會通知單-115年第2次執行小組會議.pdf"
    text = squeezed(pdf_text(response.content))
    for label in (
        "受文者",
        "發文日期",
        "發文字號",
        "速別",
        "密等及解密條件或保密期限",
        "附件",
        "開會事由",
        "開會時間",
        "開會地點",
        "主持人",
        "聯絡人及電話",
        "出席者",
        "列席者",
        "副本",
        "備註",
    ):
        assert f"{label}：" in text, label
    assert "國立臺灣圖書館" in text and "開會通知單" in text
    assert "開會事由：115年度提升服務品質執行小組第2次會議（併召開考核結果檢討會議）" in text
    assert "中華民國115年5月15日（星期五）下午2時30分" in text
    assert "第一會議室" in text and "普通件" in text and "如出席者及列席者" in text
    assert "館長" in text and user("director").get_full_name() in text
    # The group: the heads with their units; the liaisons and the 管考 office sit in.
    head, liaison = user("readers-head"), user("readers-liaison")
    assert f"閱覽典藏組{head.job_title}{head.get_full_name()}" in text
    assert liaison.get_full_name() in text.split("列席者：")[1]
    assert "tracking@ntl.example" in text and user("tracking").get_full_name() in text
    # A finding awaiting review makes it the review meeting too.
    assert "開會事由：115年度提升服務品質執行小組第2次會議（併召開考核結果檢討會議）" in text
    assert "檢討待檢討會議之考核意見1項" in text.split("備註：")[1] and "議程如附件" in text


def test_a_notice_without_agenda_or_place_yet(org, login_as):
    plain = meetings.schedule_meeting(
        actor=user("tracking"), scheduled_for=taipei(D(2026, 6, 3), 9), location="", chair=None
    )
    text = squeezed(pdf_text(login_as("director").get(f"/meetings/{plain.pk}/notice.pdf").content))
    assert "開會事由：115年度提升服務品質執行小組第1次會議開會時間" in text
    assert "中華民國115年6月3日（星期三）上午9時" in text and "開會地點：另行通知" in text
    assert "議程如附件" not in text and "檢討會議" not in text and "附件：開會事由" in text


def test_the_agenda_reports_and_discusses_the_items_in_order(review, login_as):
    target = review["meeting"]
    response = login_as("readers-staff1").get(f"/meetings/{target.pk}/agenda.pdf")
    assert response.status_code == 200
    text = squeezed(pdf_text(response.content))
    sections = ["一、主席致詞", "二、報告事項", "三、討論事項", "四、臨時動議", "五、散會"]
    positions = [text.index(s) for s in sections]
    assert positions == sorted(positions)
    reported, discussed = text.split("二、報告事項")[1].split("三、討論事項")
    assert "115年第1次" in reported and "決議追蹤" in reported
    assert review["proposal"].case_number in reported and "館藏查詢系統改版" in reported
    assert review["finding"].tracking_number in discussed and "待檢討會議" in discussed
    assert "參考服務台動線不佳" in discussed and "修訂本館服務品質獎勵要點" in discussed
    assert "第1案" in reported and "第2案" in discussed


def test_the_minutes_print_attendance_decisions_and_actions(review, login_as):
    target = record(review["meeting"])
    response = login_as("readers-staff1").get(f"/meetings/{target.pk}/minutes.pdf")
    assert response.status_code == 200
    assert download_name(response) == "會議紀錄-115年第2次執行小組會議.pdf"
    text = squeezed(pdf_text(response.content))
    for label in (
        "時間：",
        "地點：",
        "主席：",
        "紀錄：",
        "出席人員：",
        "一、會議紀要",
        "二、報告事項",
        "三、討論事項",
        "四、臨時動議",
        "五、追蹤事項",
        "六、散會",
    ):
        assert label in text, label
    assert f"紀錄：秘書室專員{user('tracking').get_full_name()}" in text
    for person in ("director", "readers-head", "tracking"):
        assert user(person).get_full_name() in text.split("出席人員：")[1]
    assert "感謝各單位配合" in text
    for decision in ("同意參考組為主辦單位", "請企劃組儘速完成改版", "獎勵要點修正通過"):
        assert decision in text.split("四、臨時動議")[0], decision
    assert "下次會議於7月召開" in text.split("四、臨時動議")[1]
    actions = text.split("五、追蹤事項")[1]
    for cell in (
        "同意參考組為主辦單位",
        "參考特藏組",
        "115/09/30",
        "追蹤中",
        "企劃推廣組",
        "115/06/30",
        "115/05/20辦結：已上線新版查詢系統",
    ):
        assert cell in actions, cell


# ---------------------------------------------------------------- when they exist, who reads them


def test_no_minutes_before_the_meeting_is_held(review, login_as):
    target = review["meeting"]
    client = login_as("readers-staff1")
    for fmt in ("pdf", "odt"):
        response = client.get(f"/meetings/{target.pk}/minutes.{fmt}", follow=True)
        assert response.redirect_chain[-1][0] == f"/meetings/{target.pk}/"
        assert "會議紀錄於會議召開並登錄紀錄後才能產製。" in response.content.decode()
    with pytest.raises(papers.NotAvailable):
        papers.minutes_data(target)
    page = client.get(f"/meetings/{target.pk}/").content.decode()
    assert f"/meetings/{target.pk}/notice.pdf" in page and f"/meetings/{target.pk}/agenda.odt" in page
    assert "minutes.pdf" not in page


def test_a_held_meeting_offers_all_three_and_a_cancelled_one_none(review, login_as):
    target = record(review["meeting"])
    client = login_as("readers-staff1")
    page = client.get(f"/meetings/{target.pk}/").content.decode()
    for kind in ("notice", "agenda", "minutes"):
        for fmt in ("pdf", "odt"):
            assert f"/meetings/{target.pk}/{kind}.{fmt}" in page
    later = meeting(D(2026, 7, 10))
    meetings.cancel_meeting(actor=user("tracking"), meeting=later, reason="颱風")
    page = client.get(f"/meetings/{later.pk}/").content.decode()
    assert "notice.pdf" not in page and "會議文件" not in page
    for kind in ("notice", "agenda", "minutes"):
        response = client.get(f"/meetings/{later.pk}/{kind}.pdf", follow=True)
        assert "本次會議已取消" in response.content.decode()


def test_whoever_reads_the_meeting_downloads_its_papers_nobody_else(review, login_as):
    target = review["meeting"]
    assert login_as("hr").get(f"/meetings/{target.pk}/agenda.pdf").status_code == 200
    for outsider in ("external1",):
        assert login_as(outsider).get(f"/meetings/{target.pk}/agenda.pdf").status_code == 403
    assert login_as("external1").get(f"/meetings/{target.pk}/notice.odt").status_code == 403


# ---------------------------------------------------------------- the same papers as ODT


def test_each_odt_holds_what_its_pdf_prints(review, login_as):
    target = record(review["meeting"])
    client = login_as("planning-staff1")
    for kind in ("notice", "agenda", "minutes"):
        pdf = client.get(f"/meetings/{target.pk}/{kind}.pdf")
        odt = client.get(f"/meetings/{target.pk}/{kind}.odt")
        assert odt.status_code == 200, kind
        assert odt["Content-Type"] == "application/vnd.oasis.opendocument.text"
        assert download_name(odt) == download_name(pdf)[: -len("pdf")] + "odt"
        printed, written = squeezed(pdf_text(pdf.content)), squeezed(odt_text(odt.content))
        expected = {
            "notice": [
                "受文者：如出席者及列席者",
                "發文日期：",
                "發文字號：",
                "速別：普通件",
                "密等及解密條件或保密期限：",
                "附件：議程",
                "開會事由：115年度提升服務品質執行小組第2次會議",
                "開會時間：中華民國115年5月15日（星期五）下午2時30分",
                "開會地點：第一會議室",
                f"主持人：館長{user('director').get_full_name()}",
                f"聯絡人及電話：秘書室專員{user('tracking').get_full_name()}電話：電子郵件：tracking@ntl.example",
                f"閱覽典藏組{user('readers-head').job_title}{user('readers-head').get_full_name()}",
                "列席者：",
                user("readers-liaison").get_full_name(),
                "副本：",
                "備註：",
                "議程如附件。",
                "請準時出席",
            ],
            "agenda": [
                "115年度提升服務品質執行小組第2次會議議程",
                "主席：",
                "一、主席致詞",
                "二、報告事項",
                "決議追蹤",
                review["proposal"].case_number,
                "館藏查詢系統改版",
                "三、討論事項",
                review["finding"].tracking_number,
                "參考服務台動線不佳",
                "待檢討會議",
                "臨1",
                "修訂本館服務品質獎勵要點",
                "四、臨時動議",
                "五、散會",
            ],
            "minutes": [
                "115年度提升服務品質執行小組第2次會議會議紀錄",
                "時間：中華民國115年5月15日",
                "地點：第一會議室",
                "紀錄：秘書室專員",
                "出席人員：",
                "感謝各單位配合",
                "各單位報告辦理情形",
                "同意參考組為主辦單位",
                "請企劃組儘速完成改版",
                "獎勵要點修正通過",
                "下次會議於7月召開",
                "追蹤單位",
                "追蹤期限",
                "辦理情形",
                "參考特藏組",
                "115/09/30",
                "追蹤中",
                "115/05/20辦結：已上線新版查詢系統",
                "六、散會",
            ],
        }[kind]
        for piece in expected:
            assert piece in printed, (kind, "PDF", piece)
            assert piece in written, (kind, "ODT", piece)


@pytest.mark.libreoffice
@skip_without_libreoffice
def test_libreoffice_opens_the_minutes_odt_and_prints_it(sqlite_pass, review, tmp_path):
    target = record(review["meeting"])
    source = tmp_path / "minutes.odt"
    source.write_bytes(papers.meeting_odt(target, papers.MINUTES))
    (tmp_path / "out").mkdir()
    printed = convert([source], "pdf", tmp_path / "out", tmp_path)["minutes"]
    text = squeezed(pdf_text(printed))
    for piece in (
        "115年度提升服務品質執行小組第2次會議會議紀錄",
        "感謝各單位配合",
        "獎勵要點修正通過",
        "追蹤事項",
        "115/05/20辦結：已上線新版查詢系統",
    ):
        assert piece in text, piece


# ---------------------------------------------------------------- long texts on paper


def test_long_texts_wrap_in_every_paper(org):
    """Location, agenda titles and case numbers, minutes, decisions and what was done: printed
    whole inside the text column of each PDF, and whole in each ODT."""
    texts = LongTexts()
    target = meetings.schedule_meeting(
        actor=user("tracking"),
        scheduled_for=taipei(D(2026, 5, 15), 14),
        location=texts.char("location", 200),
        chair=user("director"),
    )
    meetings.set_agenda(
        actor=user("tracking"),
        meeting=target,
        items=[
            meetings.AgendaInput(
                kind=Kind.OTHER,
                title=texts.text("agenda title"),
                reference=texts.char("agenda reference", 50),
            ),
            meetings.AgendaInput(
                kind=Kind.OTHER, title=texts.text("second agenda title"), reason=meetings.FOLLOW_UP
            ),
        ],
    )
    for kind in (papers.NOTICE, papers.AGENDA):
        names = (
            ("location",)
            if kind == papers.NOTICE
            else ("location", "agenda title", "agenda reference", "second agenda title")
        )
        assert_laid_out(papers.meeting_pdf(target, kind), texts.pieces(*names))
        written = odt_text(papers.meeting_odt(target, kind))
        assert all(piece in written for piece in texts.pieces(*names).values()), kind
    item = target.agenda.get(sort_order=1)
    meetings.record_meeting(
        actor=user("tracking"),
        meeting=target,
        attendees=[user("director"), user("tracking")],
        minutes=texts.text("minutes"),
        decisions=[
            meetings.DecisionInput(
                text=texts.text("decision"),
                agenda_item=item,
                action_unit=unit("readers"),
                action_due=D(2026, 6, 30),
            ),
            meetings.DecisionInput(text=texts.text("motion")),
        ],
    )
    done = target.decisions.get(agenda_item=item)
    meetings.complete_action(actor=user("readers-head"), decision=done, note=texts.text("done note"))
    target.refresh_from_db()
    assert_laid_out(papers.meeting_pdf(target, papers.MINUTES), texts.pieces())
    written = odt_text(papers.meeting_odt(target, papers.MINUTES))
    assert [name for name, piece in texts.pieces().items() if piece not in written] == []
