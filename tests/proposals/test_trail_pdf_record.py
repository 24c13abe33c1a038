"""The proposal's trail PDF carries the record its events point to: the text of every round as
submitted, each member's score on each criterion with the weighted totals, and the plan."""

import pytest

from governance.models import Unit
from proposals import documents
from tests.helpers import days, flat, pdf_text
from tests.support.proposal_http import HIGH, scored

pytestmark = pytest.mark.django_db


def test_every_round_and_every_members_scores_are_in_the_trail_pdf(drive):
    proposal = drive.submit("readers-staff1")
    drive.first_review("readers-head", proposal, "returned", reasons="請補充經費來源")
    drive.revise("readers-staff1", proposal, improvement="加入語音導引，經費由年度預算支應。")
    drive.first_review("readers-head", proposal, "accepted")
    scored(drive, proposal, members=("committee1", "external1"), comment="具體可行")
    drive.decide(proposal, "adopt", lead_unit=Unit.objects.get(code="readers"), due=days(90))
    drive.execution_plan("readers-liaison", proposal, "分三階段建置語音導引", f"{days(30)} 完成語音錄製")
    proposal.refresh_from_db()

    text = flat(pdf_text(documents.proposal_trail(proposal).content))
    # Round 1's text is kept beside round 2's, each with the head's decision on it.
    assert "第 1 輪送審內容" in text and "第 2 輪送審內容" in text
    assert "於自助借書機加入中文語音導引與放大字體模式" in text  # round 1's 具體作法
    assert "加入語音導引，經費由年度預算支應。" in text  # round 2's
    assert "退回修正" in text and "請補充經費來源" in text
    # Each member, each criterion with its weight, their weighted score, and the case's total.
    assert "複審評分" in text and "馬振宇" in text and "鍾文瀚（外部委員）" in text
    assert "創意性（30%）" in text and str(HIGH["創意性"]) in text
    assert "89.35" in text and "具體可行" in text
    assert f"加權總分與等第{proposal.weighted_total}，{proposal.grade}" in text
    assert "分三階段建置語音導引" in text and "完成語音錄製" in text
