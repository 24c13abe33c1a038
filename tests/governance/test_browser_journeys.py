"""The whole proposal journey and the whole remediation journey in a real browser, where every
person starts from the to-do list on their home page and never types an address: each logs
in, finds the row of what they owe (their inbox task, a queue task to claim, a committee
score, a supporting unit's contribution, a meeting's follow-up action), opens it from there,
and does it. Headless Debian chromium via Playwright, against Django's live server.

The audit's registration and the meeting's record are set up through their services: they
are not something anyone owes, so they do not start from a to-do list.
"""

import datetime
import re

import pytest
from playwright.sync_api import expect

from audits import services as audit_services
from audits.models import Finding
from governance.rocdate import format_roc, format_roc_short, today_taipei
from meetings import services as meeting_services
from meetings.services import DecisionInput
from proposals.models import Proposal
from tests.helpers import log_in_browser, unit, user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "預約書自助取書區增設條碼掃描"
PASSWORD = "demo-2026"


def roc_in(days):
    return format_roc_short(today_taipei() + datetime.timedelta(days=days))


class Office:
    """One browser per person, each logged in once, each starting over from their home page."""

    def __init__(self, new_context, base_url):
        self.new_context, self.base_url, self.pages = new_context, base_url, {}

    def home(self, login):
        page = self.pages.get(login)
        if page is None:
            page = self.pages[login] = self.new_context().new_page()
            log_in_browser(page, self.base_url, login, PASSWORD)
        else:
            page.get_by_role("link", name="首頁").first.click()
            expect(page).to_have_url(f"{self.base_url}/home/")
        return page

    def open_duty(self, login, reference, what):
        """From the home page's to-do card: the row of `reference` saying `what`, opened (a
        queue task claimed in the same click)."""
        page = self.home(login)
        card = page.get_by_role("region", name="待辦事項")
        row = card.get_by_role("row").filter(has_text=reference).filter(has_text=what)
        expect(row).to_have_count(1)
        claim = row.get_by_role("button", name="認領並辦理")
        if claim.count():
            claim.click()
        else:
            row.get_by_role("link", name="前往辦理").click()
        return page

    def send(self, page):
        page.get_by_role("button", name="送出", exact=True).click()
        expect(page.get_by_role("status")).to_be_visible()


def expect_brief(page, number, step, due=None, before=None):
    """The task page opens with what the decision needs: the case (linked), the step and its
    instructions, the due date with days left (`due`: the ROC date shown), the step before."""
    brief = page.get_by_role("region", name="這一步要您做的事")
    expect(brief).to_contain_text(number)
    expect(brief).to_contain_text(step)
    expect(brief.get_by_role("heading", name="辦理說明")).to_be_visible()
    expect(brief.get_by_role("link", name=re.compile("檢視整個案件"))).to_be_visible()
    if due:
        expect(brief).to_contain_text(due)
        expect(brief).to_contain_text(re.compile(r"尚有 \d+ 天|今天到期"))
    if before:
        expect(page.get_by_role("region", name="前一步")).to_contain_text(before)


def test_a_proposal_from_submission_to_closure_from_each_persons_to_do_list(new_context, live_org, tmp_path):
    office = Office(new_context, live_org.url)

    # The proposer: from the menu, 新增創意提案.
    staff = office.home("readers-staff1")
    staff.get_by_role("link", name="我的提案").first.click()
    staff.get_by_role("link", name="新增創意提案").click()
    staff.get_by_label("提案名稱").fill(TITLE)
    staff.get_by_label("現況說明／問題分析").fill("讀者取預約書須排隊等候櫃檯，尖峰時段等候逾十分鐘。")
    staff.get_by_label("改進意見／具體作法").fill("於自助取書區增設條碼掃描器，讀者刷證即可取書。")
    staff.get_by_label("預期效益").fill("縮短讀者等候時間，減輕櫃檯人力。")
    staff.get_by_label("提案類別").select_option(index=1)
    staff.get_by_role("button", name="送出提案").click()
    status = staff.get_by_role("status")
    expect(status).to_contain_text("提案已送出，案號")
    number = re.search(r"提\d{3}-\d{4}", status.inner_text()).group(0)

    # The head returns it with reasons; the proposer sees them above the form and revises.
    head = office.open_duty("readers-head", number, "初審")
    expect_brief(head, number, "初審（受理審查）", before="送出提案")
    head.get_by_role("radio", name="退回修正", exact=True).check()
    head.get_by_label("理由／說明").fill("請說明掃描器的經費來源。")
    office.send(head)

    staff = office.open_duty("readers-staff1", number, "修正提案")
    expect_brief(staff, number, "修正提案", before="請說明掃描器的經費來源。")
    staff.get_by_label("預期效益").fill("縮短讀者等候時間，減輕櫃檯人力；經費由年度設備費支應。")
    office.send(staff)

    # At the second round the head sees what changed, marked, above the form.
    head = office.open_duty("readers-head", number, "初審")
    changes = head.get_by_role("region", name="與上一輪相比的修改")
    expect(changes).to_contain_text("預期效益")
    expect(changes.locator("ins")).to_contain_text("經費由年度設備費支應")
    head.get_by_role("radio", name="受理", exact=True).check()
    head.get_by_label("理由／說明").fill("具體可行，送複審。")
    office.send(head)

    tracking = office.open_duty("tracking", number, "指派複審委員")
    expect_brief(tracking, number, "指派複審委員")
    tracking.get_by_role("checkbox", name=re.compile("馬振宇")).check()
    tracking.get_by_role("checkbox", name=re.compile("袁美君")).check()
    office.send(tracking)

    # One member declares 迴避; the officer who assigned them names another.
    other = office.open_duty("committee2", number, "評分")
    recusal = other.get_by_role("region", name="申請迴避")
    recusal.get_by_label("迴避理由").fill("提案人為本人三親等內親屬。")
    recusal.get_by_role("button", name="申請迴避").click()
    expect(other.get_by_role("status")).to_contain_text("已申請迴避")
    tracking = office.open_duty("tracking", number, "評分")
    expect_brief(tracking, number, "複審評分", before="提案人為本人三親等內親屬。")
    tracking.get_by_label("改派委員").select_option(label="鍾文瀚（external1）")
    office.send(tracking)

    # The score page: scale and weight beside each field, the weighted total as one types.
    score_due = format_roc(today_taipei() + datetime.timedelta(days=14))
    for login in ("committee1", "external1"):
        member = office.open_duty(login, number, "評分")
        expect_brief(member, number, "複審評分", due=score_due)
        expect(member.get_by_text("0 到 100 分（整數），權重 30%")).to_have_count(2)
        for criterion, value in (("創意性", "92"), ("可行性", "88"), ("效益性", "90"), ("完整性", "85")):
            member.get_by_label(re.compile(f"^{criterion}")).fill(value)
        expect(member.locator("#score-total")).to_have_text("89.35")
        office.send(member)
    # Afterwards a member sees their own scores on the case, from their done tasks.
    member = office.home("committee1")
    member.get_by_role("link", name="已完成任務").first.click()
    member.get_by_role("row").filter(has_text=number).get_by_role("link").first.click()
    expect(member.get_by_role("region", name="您給本案的評分")).to_contain_text("89.35")

    director = office.open_duty("director", number, "採行決定")
    expect_brief(director, number, "採行決定")
    expect(director.get_by_role("region", name="複審評分")).to_contain_text("迴避")
    director.get_by_role("radio", name="採行", exact=True).check()
    director.get_by_label("理由").fill("效益明確，採行。")
    director.get_by_label("主辦單位").select_option(label="閱覽典藏組")
    due = roc_in(90)
    director.get_by_label("預定完成日").fill(due)
    office.send(director)

    # The execution plan page shows the due date the director set, with days left.
    liaison = office.open_duty("readers-liaison", number, "提報執行計畫")
    expect_brief(liaison, number, "提報執行計畫")
    execution = liaison.get_by_role("region", name="採行與執行")
    expect(execution).to_contain_text("尚有 90 天")
    expect(execution).to_contain_text("效益明確，採行。")
    liaison.get_by_label("執行計畫").fill("採購條碼掃描器兩台並設置於自助取書區。")
    liaison.get_by_label("查核點").fill(f"{roc_in(30)} 完成採購\n{roc_in(60)} 設置啟用")
    office.send(liaison)

    liaison = office.open_duty("readers-liaison", number, "季進度回報")
    expect(liaison.get_by_role("region", name="採行與執行")).to_contain_text("完成採購")
    liaison.get_by_label("完成百分比").fill("100")
    liaison.get_by_label("辦理情形").fill("掃描器已設置啟用，讀者自行取書。")
    liaison.get_by_label("本案已執行完成").check()
    wrong, right = tmp_path / "其他案件照片.jpg", tmp_path / "掃描器啟用照片.jpg"
    wrong.write_bytes(b"\xff\xd8\xff\xe0 wrong photo")
    right.write_bytes(b"\xff\xd8\xff\xe0 scanner photo")
    liaison.get_by_label("佐證檔案").set_input_files([str(wrong), str(right)])
    office.send(liaison)
    # Corrections: the liaison takes a wrong file off the report before the head approves it
    # (on the case page the report led to) …
    liaison.get_by_label(f"移除「{wrong.name}」的理由").fill("誤傳其他案件的照片。")
    liaison.get_by_role("button", name="移除檔案").first.click()
    expect(liaison.get_by_role("status")).to_contain_text(f"已移除檔案「{wrong.name}」")
    expect(liaison.get_by_role("link", name=wrong.name)).to_have_count(0)
    expect(liaison.get_by_role("link", name=right.name).first).to_be_visible()
    # … and the 管考 office corrects the due date, from the list of all proposals.
    tracking = office.home("tracking")
    tracking.get_by_role("link", name="全部提案").first.click()
    tracking.get_by_role("link", name=re.compile(re.escape(number))).first.click()
    tracking.get_by_role("link", name="更正預定完成日").click()
    tracking.get_by_label("預定完成日").fill(roc_in(120))
    tracking.get_by_label("更正理由").fill("廠商交貨延後，館長同意展延。")
    tracking.get_by_role("button", name="更正").click()
    expect(tracking.get_by_role("status")).to_contain_text("已更正預定完成日")
    history = tracking.get_by_role("region", name="歷程（案件軌跡）")
    expect(history).to_contain_text("廠商交貨延後，館長同意展延。")

    head = office.open_duty("readers-head", number, "主管核定進度")
    expect(head.get_by_role("region", name="採行與執行")).to_contain_text("尚有 120 天")
    head.get_by_role("radio", name="核定", exact=True).check()
    office.send(head)

    tracking = office.open_duty("tracking", number, "成效評估")
    tracking.get_by_label("成效評等").select_option(label="優良")
    tracking.get_by_label("成效評估").fill("取書平均等候時間由 10 分鐘降為 2 分鐘。")
    office.send(tracking)

    assert Proposal.objects.get(case_number=number).state == Proposal.State.CLOSED
    # The proposer heard of each decision: their notices, from the menu.
    staff = office.home("readers-staff1")
    staff.get_by_role("link", name="通知").first.click()
    for subject in ("【初審結果】受理", "【複審完成】", "【採行決定】採行", "【結案】已結案"):
        expect(staff.get_by_text(re.compile(re.escape(subject))).first).to_be_visible()
    staff.screenshot(path=str(tmp_path / "proposer-notices.png"), full_page=True)


def test_a_finding_from_review_meeting_to_reply_and_a_meetings_action_from_each_to_do_list(
    new_context, live_org, tmp_path
):
    today = today_taipei()
    audit = audit_services.register_audit(
        actor=user("tracking"),
        agency="教育部",
        kind="appraisal",
        title="115 年度服務品質考核",
        held_on=today - datetime.timedelta(days=10),
        document_number="臺教綜（一）字第1150012345號",
        findings=[
            audit_services.FindingInput(
                kind=Finding.Kind.DEFICIENCY,
                text="預約書取書動線標示不清，讀者常走錯區域。",
                severity=Finding.Severity.MEDIUM,
                lead_unit=unit("readers"),
                supporting_units=[unit("reference")],
                due_date=today + datetime.timedelta(days=60),
            )
        ],
    )
    [finding] = audit.findings.all()
    number = finding.tracking_number
    office = Office(new_context, live_org.url)

    # Corrections, each with its reason: an audit registered twice by mistake is withdrawn …
    audit_services.register_audit(
        actor=user("tracking"),
        agency="教育部",
        kind="appraisal",
        title="115 年度服務品質考核（重複登錄）",
        held_on=today - datetime.timedelta(days=10),
        document_number="臺教綜（一）字第1150012999號",
        findings=[
            audit_services.FindingInput(
                kind=Finding.Kind.DEFICIENCY,
                text="重複登錄的考核意見。",
                severity=Finding.Severity.MEDIUM,
                lead_unit=unit("readers"),
                supporting_units=[],
                due_date=today + datetime.timedelta(days=60),
            )
        ],
    )
    tracking = office.home("tracking")
    tracking.get_by_role("link", name="缺失改善").first.click()
    tracking.get_by_role("link", name="115 年度服務品質考核（重複登錄）").click()
    tracking.get_by_label("撤銷理由").fill("同一來文重複登錄。")
    tracking.get_by_role("button", name="撤銷這筆考核登錄").click()
    expect(tracking.get_by_role("status")).to_contain_text("已撤銷這筆考核登錄")
    expect(tracking.get_by_role("heading", level=1)).to_contain_text("已撤銷")
    # … and the real one's 文號, mistyped, is put right.
    tracking.get_by_role("link", name="缺失改善").first.click()
    tracking.get_by_role("link", name="115 年度服務品質考核", exact=True).click()
    tracking.get_by_role("link", name="更正文號或日期").click()
    tracking.get_by_label("來文文號").fill("臺教綜（一）字第1150012346號")
    tracking.get_by_label("更正理由").fill("登錄時文號誤植。")
    tracking.get_by_role("button", name="更正").click()
    expect(tracking.get_by_role("status")).to_contain_text("已更正")
    expect(tracking.get_by_text("臺教綜（一）字第1150012346號").first).to_be_visible()

    tracking = office.open_duty("tracking", number, "召開檢討會議")
    tracking.get_by_label("會議日期").fill(roc_in(0))
    tracking.get_by_label("出席人員").fill("館長、各組室主管")
    tracking.get_by_label("會議決議").fill("請閱覽組改善標示，參考組協助。")
    office.send(tracking)

    liaison = office.open_duty("readers-liaison", number, "研擬改善措施")
    liaison.get_by_label("改善措施").fill("重新設計取書區指標並增設地面引導線。")
    office.send(liaison)

    head = office.open_duty("readers-head", number, "核定改善措施")
    expect_brief(head, number, "核定改善措施", before="提報改善措施")
    expect(head.get_by_role("region", name=re.compile("待核定的改善措施"))).to_contain_text("地面引導線")
    head.get_by_role("radio", name="核定", exact=True).check()
    office.send(head)

    # The 管考 office moves the due date, from the finding's page.
    tracking = office.home("tracking")
    tracking.get_by_role("link", name="缺失改善").first.click()
    tracking.get_by_role("link", name="115 年度服務品質考核", exact=True).click()
    tracking.get_by_role("link", name=number).click()
    tracking.get_by_role("link", name="更正改善期限").click()
    tracking.get_by_label("改善期限").fill(roc_in(75))
    tracking.get_by_label("更正理由").fill("館務會議同意延長改善期限。")
    tracking.get_by_role("button", name="更正").click()
    expect(tracking.get_by_role("status")).to_contain_text("已更正改善期限")

    # The supporting unit finds its part on its own to-do list.
    support = office.open_duty("reference-liaison", number, "協辦")
    support.get_by_label("協辦辦理情形").fill("已提供館藏區指標設計範本。")
    support.get_by_role("button", name="送出", exact=True).click()
    expect(support.get_by_role("status")).to_be_visible()

    liaison = office.open_duty("readers-liaison", number, "填報辦理情形")
    liaison.get_by_label("完成百分比").fill("100")
    liaison.get_by_label("辦理情形").fill("指標與引導線已完成設置。")
    liaison.get_by_label("已改善完成，建議申請解除列管").check()
    wrong, right = tmp_path / "他案照片.jpg", tmp_path / "引導線照片.jpg"
    wrong.write_bytes(b"\xff\xd8\xff\xe0 wrong")
    right.write_bytes(b"\xff\xd8\xff\xe0 guide lines")
    liaison.get_by_label("佐證檔案").set_input_files([str(wrong), str(right)])
    office.send(liaison)
    # A wrong file comes off the report while nothing has been asked or decided on it.
    liaison.get_by_label(f"移除「{wrong.name}」的理由").fill("誤傳他案照片。")
    liaison.get_by_role("button", name="移除檔案").first.click()
    expect(liaison.get_by_role("status")).to_contain_text(f"已移除檔案「{wrong.name}」")
    expect(liaison.get_by_role("link", name=f"[{wrong.name}]")).to_have_count(0)

    head = office.open_duty("readers-head", number, "申請解除列管")
    head.get_by_role("radio", name="申請解除列管", exact=True).check()
    head.get_by_label("理由").fill("已全部改善完成。")
    office.send(head)

    tracking = office.open_duty("tracking", number, "管考審查")
    tracking.get_by_role("radio", name="建議解除列管", exact=True).check()
    tracking.get_by_label("審查意見").fill("佐證齊全。")
    office.send(tracking)

    tracking = office.open_duty("tracking", number, "館務會議決定")
    tracking.get_by_role("radio", name="解除列管", exact=True).check()
    tracking.get_by_label("會議日期").fill(roc_in(0))
    tracking.get_by_label(re.compile("^會議紀錄")).fill("第 12 次館務會議紀錄")
    office.send(tracking)

    tracking = office.open_duty("tracking", audit.title, "函復")
    tracking.get_by_label("回復日期").fill(roc_in(0))
    tracking.get_by_label("回復文號").fill("國圖秘字第1150000321號")
    office.send(tracking)
    audit.refresh_from_db()
    assert audit.replied_on == today

    # Meetings not yet held are changed or cancelled, with the reason, and people are told.
    for day, room in ((20, "本館第二會議室"), (40, "本館第五會議室")):
        meeting_services.schedule_meeting(
            actor=user("tracking"),
            scheduled_for=datetime.datetime.combine(today + datetime.timedelta(days=day), datetime.time(14)),
            location=room,
            chair=user("director"),
        )
    tracking = office.home("tracking")
    tracking.get_by_role("link", name="執行小組會議").first.click()
    tracking.get_by_role("row").filter(has_text="本館第二會議室").get_by_role("link").first.click()
    tracking.get_by_role("link", name="變更或取消會議").click()
    tracking.get_by_label("地點").fill("本館第三會議室")
    tracking.get_by_label("變更理由").fill("第二會議室當日施工。")
    tracking.get_by_role("button", name="儲存變更").click()
    expect(tracking.get_by_role("status")).to_contain_text("會議已變更")
    tracking.get_by_role("link", name="執行小組會議").first.click()
    tracking.get_by_role("row").filter(has_text="本館第五會議室").get_by_role("link").first.click()
    tracking.get_by_role("link", name="變更或取消會議").click()
    tracking.get_by_label("取消理由").fill("議題併入下次會議。")
    tracking.get_by_role("button", name="取消本次會議").click()
    expect(tracking.get_by_role("status")).to_contain_text("會議已取消")

    # A meeting's follow-up action reaches the acting unit's to-do list.
    meeting = meeting_services.schedule_meeting(
        actor=user("tracking"),
        scheduled_for=datetime.datetime.combine(today, datetime.time(9)),
        location="本館第一會議室",
        chair=user("director"),
    )
    meeting_services.record_meeting(
        actor=user("tracking"),
        meeting=meeting,
        attendees=[user("director"), user("acquisitions-head")],
        minutes="討論新書上架時程",
        decisions=[
            DecisionInput(
                "請採編組於兩週內完成新書上架",
                action_unit=unit("acquisitions"),
                action_due=today + datetime.timedelta(days=14),
            )
        ],
    )
    acting = office.open_duty("acquisitions-liaison", "", "請採編組於兩週內完成新書上架")
    acting.get_by_role("textbox").last.fill("已完成上架並公告。")
    acting.get_by_role("button", name="填報辦結").click()
    expect(acting.get_by_role("status")).to_be_visible()
    acting.screenshot(path=str(tmp_path / "action-done.png"), full_page=True)
    assert meeting.decisions.get().action_done_at is not None
