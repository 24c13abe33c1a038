"""Drive a proposal through its lifecycle over HTTP, as the real roles do (test client)."""

from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from governance.models import Unit
from proposals.models import Proposal, ScopeCategory
from proposals.selectors import criteria_for_year
from tests.helpers import FlowDriver, days

CONTENT = {
    "title": "圖書館自助借書機增設中文語音導引",
    "situation": "高齡讀者使用自助借書機時常不知道下一步，需請館員協助，尖峰時段櫃檯排隊。",
    "improvement": "於自助借書機加入中文語音導引與放大字體模式，並於機台旁張貼圖解步驟。",
    "benefit": "預估可減少三成櫃檯協助量，高齡讀者自行借書比例提高。",
}
HIGH = {"創意性": 92, "可行性": 88, "效益性": 90, "完整性": 85}  # 89.35: 優等


def proposal_form(**overrides):
    data = {**CONTENT, "category": ScopeCategory.objects.first().pk, "co_proposers": ""}
    data.update(overrides)
    return data


class Driver(FlowDriver):
    """Each method logs in as someone and does one step, asserting the redirect."""

    claim = False  # a step of a queue says claim=True

    def submit(self, login, co_proposers="", **overrides):
        response = self.as_(login).post(
            reverse("proposals:create"),
            proposal_form(co_proposers=co_proposers, submit="1", **overrides),
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        return Proposal.objects.latest("pk")

    def execute(self, login, proposal, node_name, data, expect=302, claim=False):
        # Score tasks are one per member: pick the member's own.
        owner = self.person(login) if node_name == "score" and not claim else None
        response = self.run(login, proposal, node_name, data, expect, claim, owner)
        proposal.refresh_from_db()
        return response

    def first_review(self, head, proposal, outcome, reasons="", reason_code=""):
        return self.execute(
            head,
            proposal,
            "first_review",
            {"outcome": outcome, "reasons": reasons, "reason_code": reason_code},
        )

    def revise(self, submitter, proposal, **overrides):
        return self.execute(submitter, proposal, "revise", proposal_form(**overrides))

    def assign_reviewers(self, proposal, members, login="tracking"):
        ids = [self.person(m).pk for m in members]
        return self.execute(login, proposal, "assign_reviewers", {"members": ids}, claim=True)

    def score(self, member, proposal, values, comment=""):
        data = {f"criterion_{c.pk}": values[c.name] for c in criteria_for_year(proposal.roc_year)}
        data["comment"] = comment
        return self.execute(member, proposal, "score", data)

    def decide(
        self,
        proposal,
        decision,
        reason="經評審小組建議",
        lead_unit=None,
        supporting=(),
        due="",
        login="director",
    ):
        data = {
            "decision": decision,
            "reason": reason,
            "due_date": due,
            "lead_unit": lead_unit.pk if lead_unit else "",
            "supporting_units": [u.pk for u in supporting],
        }
        return self.execute(login, proposal, "decide", data, claim=True)

    def execution_plan(self, liaison, proposal, plan, milestones):
        return self.execute(
            liaison, proposal, "execution_plan", {"plan": plan, "milestones": milestones}, claim=True
        )

    def report(self, liaison, proposal, percent, text, complete=False, files=(), expect=302):
        data = {"percent_complete": percent, "text": text, "evidence": list(files)}
        if complete:
            data["declares_complete"] = "on"
        return self.execute(liaison, proposal, "progress_report", data, claim=True, expect=expect)

    def approve(self, head, proposal, approve=True, comment=""):
        return self.execute(
            head, proposal, "approve_progress", {"approve": "1" if approve else "0", "comment": comment}
        )

    def evaluate(self, proposal, rating="優良", text="語音導引上線後櫃檯協助量下降 32%。", login="tracking"):
        return self.execute(login, proposal, "evaluate", {"rating": rating, "evaluation": text}, claim=True)


def scored(drive, proposal, members=("committee1", "committee2", "external1"), values=HIGH, comment=""):
    """Reviewers assigned and every one's score given (the flow waits for all of them)."""
    drive.assign_reviewers(proposal, members)
    for done, member in enumerate(members, start=1):
        drive.score(member, proposal, values, comment=comment)
        if done < len(members):  # the flow waits for every member's score
            proposal.refresh_from_db()
            open_scores = Task.objects.filter(
                process_id=proposal.process_id,
                flow_task_type="HUMAN",
                status__in=[STATUS.NEW, STATUS.ASSIGNED],
            )
            assert proposal.state == Proposal.State.SECOND_REVIEW
            assert [t.flow_task.name for t in open_scores] == ["score"] * (len(members) - done)
    return proposal


def fire_timers():
    """What Celery beat does every minute: fire viewflow's due timers (a proposal waiting for
    its next quarter's report among them). Returns how many fired."""
    from governance.tasks import fire_due_timers

    return fire_due_timers()


def run_to_closure(drive, proposal):
    """Accepted, scored 優等 (NT$3,000, 嘉獎二次), adopted by the readers unit, executed,
    evaluated, closed."""
    drive.first_review("readers-head", proposal, "accepted")
    scored(drive, proposal, members=("committee1",))
    due = days(100)
    drive.decide(proposal, "adopt", lead_unit=Unit.objects.get(code="readers"), due=due)
    drive.execution_plan("readers-liaison", proposal, "計畫", f"{due} 完成")
    drive.report("readers-liaison", proposal, 100, "完成", complete=True)
    drive.approve("readers-head", proposal)
    drive.evaluate(proposal)
    return proposal
