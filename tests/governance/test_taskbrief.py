"""The frame of every task page (governance.taskbrief): step instructions an administrator
rewords, and the readable diff of a revised text."""

import pytest

from governance import taskbrief
from governance.models import StepInstruction

pytestmark = pytest.mark.django_db


def test_every_human_step_of_every_flow_has_an_instruction_row_after_migrate():
    keys = {key for key, _flow, _node in taskbrief.flow_steps()}
    assert "proposals.flows.ProposalFlow.score" in keys and "audits.flows.ReplyFlow.reply" in keys
    assert set(StepInstruction.objects.values_list("step", flat=True)) == keys
    # Each step has its own default words; the rows stay blank until the administrator rewords.
    for _key, _flow, node in taskbrief.flow_steps():
        assert str(node.task_description).strip(), node.name
    assert taskbrief.sync_step_instructions() == 0  # nothing more to make, nothing overwritten


def test_a_reworded_step_keeps_its_words_when_the_rows_are_synced_again():
    row = StepInstruction.objects.get(step="audits.flows.RemediationFlow.plan")
    row.text = "請附上原因分析的佐證。"
    row.save()
    StepInstruction.objects.filter(step="audits.flows.ReplyFlow.reply").delete()
    assert taskbrief.sync_step_instructions() == 1
    row.refresh_from_db()
    assert row.text == "請附上原因分析的佐證。"


def test_the_administrator_rewords_a_step_but_adds_or_removes_none(admin_client):
    response = admin_client.get("/admin/governance/stepinstruction/")
    html = response.content.decode()
    assert response.status_code == 200 and "創意提案／複審評分" in html and "（預設）" in html
    assert admin_client.get("/admin/governance/stepinstruction/add/").status_code == 403
    row = StepInstruction.objects.get(step="proposals.flows.ProposalFlow.score")
    response = admin_client.post(
        f"/admin/governance/stepinstruction/{row.pk}/change/", {"text": "十日內評分。"}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.text == "十日內評分。"


def test_a_diff_marks_what_was_dropped_and_added_and_escapes_the_text():
    html = taskbrief.text_diff("<b>舊</b>作法：人工登記", "<b>新</b>作法：線上登記")
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert (
        '<del><span class="gov-sr">刪除：</span>舊</del><ins><span class="gov-sr">新增：</span>新</ins>'
        in html
    )
    assert '<del><span class="gov-sr">刪除：</span>人工</del>' in html


def test_a_word_kept_between_two_changes_reads_as_part_of_one_change():
    html = taskbrief.text_diff("於自助借書機加入中文語音", "在每台自助借書機加入台語與中文的語音")
    # 「中文」 between two insertions is shown inside the change, not as a lone island.
    assert '<ins><span class="gov-sr">新增：</span>台語與中文的</ins>' in html
    assert '<del><span class="gov-sr">刪除：</span>中文</del>' in html


def test_changes_lists_only_the_fields_that_differ_in_the_given_order():
    before = {"title": "甲", "benefit": "省時", "situation": "同"}
    after = {"title": "甲", "benefit": "省時省力", "situation": "同"}
    changes = taskbrief.changes(before, after, {"title": "名稱", "situation": "現況", "benefit": "效益"})
    assert [c.label for c in changes] == ["效益"]
