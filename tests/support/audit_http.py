"""Drive audits and findings through their process over HTTP, as the real roles do."""

from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audits.models import Audit, Finding
from tests.helpers import FlowDriver, days, unit


def finding_fields(
    index,
    kind="deficiency",
    text="",
    lead="readers",
    supporting=(),
    due=90,
    severity="medium",
    self_tracked=False,
):
    prefix = f"findings-{index}-"
    data = {
        prefix + "kind": kind,
        prefix + "text": text or f"第 {index + 1} 項考核意見：閱覽區動線標示不清。",
        prefix + "severity": severity,
        prefix + "lead_unit": unit(lead).pk,
        prefix + "supporting_units": [unit(c).pk for c in supporting],
        prefix + "due_date": days(due),
    }
    if self_tracked:
        data[prefix + "self_tracked"] = "on"
    return data


def audit_form(findings, **overrides):
    data = {
        "agency": "教育部",
        "kind": "appraisal",
        "title": "115 年度服務品質考核",
        "held_on": days(-10),
        "document_number": "臺教綜（一）字第1150012345號",
        "findings-TOTAL_FORMS": str(len(findings)),
        "findings-INITIAL_FORMS": "0",
        "findings-MIN_NUM_FORMS": "1",
        "findings-MAX_NUM_FORMS": "1000",
    }
    for f in findings:
        data.update(f)
    data.update(overrides)
    return data


class AuditDriver(FlowDriver):
    """Each method logs in as someone and does one step, claiming it first when it is queued."""

    def register(self, findings, login="tracking", **overrides):
        response = self.as_(login).post("/audits/new/", audit_form(findings, **overrides))
        assert response.status_code == 302, response.content.decode()[:3000]
        return Audit.objects.latest("pk")

    def step(self, login, finding, node_name, data, expect=302):
        response = self.run(login, finding.process_id, node_name, data, expect)
        finding.refresh_from_db()
        return response

    def meeting(self, finding, also=(), login="tracking", **overrides):
        data = {
            "held_on": days(-1),
            "attendees": "館長、各組室主管",
            "decisions": "依考核意見限期改善",
            "lead_unit": finding.lead_unit_id,
            "due_date": finding.due_date.isoformat(),
            "also": [f.pk for f in also],
        }
        data.update(overrides)
        return self.step(login, finding, "review_meeting", data)

    def plan(self, finding, text="調整閱覽區指標系統並增設樓層導覽圖。", login=None):
        return self.step(
            login or f"{finding.lead_unit.code}-liaison",
            finding,
            "plan",
            {"text": text, "root_cause": "指標系統多年未更新"},
        )

    def approve_plan(self, finding, approve=True, comment="", login=None):
        return self.step(
            login or f"{finding.lead_unit.code}-head",
            finding,
            "approve_plan",
            {"approve": "1" if approve else "0", "comment": comment},
        )

    def progress(self, finding, percent, text="已完成部分改善", propose=False, files=(), login=None):
        data = {"percent_complete": percent, "text": text, "evidence": list(files)}
        if propose:
            data["propose_removal"] = "on"
        return self.step(login or f"{finding.lead_unit.code}-liaison", finding, "progress", data)

    def request_removal(self, finding, confirm=True, reason="已全部改善完成", login=None):
        return self.step(
            login or f"{finding.lead_unit.code}-head",
            finding,
            "request_removal",
            {"confirm": "1" if confirm else "0", "reason": reason},
        )

    def review_removal(self, finding, recommend=True, opinion="佐證齊全", login="tracking"):
        return self.step(
            login,
            finding,
            "review_removal",
            {"recommends_removal": "1" if recommend else "0", "opinion": opinion},
        )

    def council(self, finding, outcome, new_due=None, login="tracking", minutes="第 5 次館務會議紀錄"):
        data = {
            "outcome": outcome,
            "meeting_date": days(0),
            "minutes_reference": minutes,
            "new_due_date": days(new_due) if new_due else "",
            "note": "",
        }
        return self.step(login, finding, "council_decision", data)

    def reply(self, audit, login="tracking", number="國圖秘字第1150000321號", replied_on=None, expect=302):
        process_id = (
            Task.objects.filter(process__data__audit_id=audit.pk, status__in=[STATUS.NEW, STATUS.ASSIGNED])
            .values_list("process_id", flat=True)
            .get()
        )
        response = self.run(
            login,
            process_id,
            "reply",
            {"replied_on": replied_on or days(0), "document_number": number},
            expect,
        )
        audit.refresh_from_db()
        return response

    def findings(self, audit):
        return list(Finding.objects.filter(audit=audit).order_by("sequence"))
