"""Drive a proposal through its lifecycle over HTTP, as the real roles do (test client)."""

from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from proposals.models import Proposal, ScopeCategory

CONTENT = {
    "title": "圖書館自助借書機增設中文語音導引",
    "situation": "高齡讀者使用自助借書機時常不知道下一步，需請館員協助，尖峰時段櫃檯排隊。",
    "improvement": "於自助借書機加入中文語音導引與放大字體模式，並於機台旁張貼圖解步驟。",
    "benefit": "預估可減少三成櫃檯協助量，高齡讀者自行借書比例提高。",
}


def proposal_form(**overrides):
    data = {**CONTENT, "category": ScopeCategory.objects.first().pk, "co_proposers": ""}
    data.update(overrides)
    return data


def open_task(proposal, node_name, owner=None):
    """The proposal's open task of that node (optionally the one owned by `owner`)."""
    proposal.refresh_from_db()
    tasks = Task.objects.filter(process_id=proposal.process_id, status__in=[STATUS.NEW, STATUS.ASSIGNED])
    tasks = [t for t in tasks if t.flow_task.name == node_name]
    if owner is not None:
        tasks = [t for t in tasks if t.owner_id == owner.pk]
    assert len(tasks) == 1, (node_name, tasks)
    return tasks[0]


class Driver:
    """Each method logs in as someone and does one step, asserting the redirect."""

    def __init__(self, client, person):
        self.client = client
        self.person = person

    def as_(self, login):
        self.client.force_login(self.person(login))
        return self.client

    def submit(self, login, co_proposers="", **overrides):
        response = self.as_(login).post(
            reverse("proposals:create"),
            proposal_form(co_proposers=co_proposers, submit="1", **overrides),
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        return Proposal.objects.latest("pk")

    def execute(self, login, proposal, node_name, data, expect=302, claim=False):
        user = self.person(login)
        task = open_task(
            proposal, node_name, owner=None if claim else self._owner_filter(proposal, node_name, user)
        )
        client = self.as_(login)
        if claim and task.owner_id is None:
            response = client.post(task.reverse("assign"))
            assert response.status_code == 302, response.status_code
        response = client.post(task.reverse("execute"), data)
        assert response.status_code == expect, (response.status_code, response.content.decode()[:3000])
        proposal.refresh_from_db()
        return response

    @staticmethod
    def _owner_filter(proposal, node_name, user):
        # Score tasks are one per member: pick the member's own.
        return user if node_name == "score" else None

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
        from proposals.selectors import criteria_for_year

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
