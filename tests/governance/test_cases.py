"""governance.cases: the one helper that moves a case, appends its trail event and keeps its
files, for proposals, audit findings and quarterly practice reports alike."""

import ast
import hashlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from governance.attachments import describe_upload
from governance.cases import move_case, record_case_event, store_attachments
from governance.trail import case_events, verify_case
from proposals.models import CASE_KIND, Attachment, Proposal
from tests.support.proposal_http import Driver

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
CASE_SERVICES = ("proposals/services.py", "audits/services.py", "plan/practice_reports.py")
State = Proposal.State


@pytest.fixture
def proposal(client, person, org):
    return Driver(client, person).submit("readers-staff1")


def test_a_move_saves_the_state_with_the_steps_fields_and_appends_its_event(proposal, person):
    proposal.not_accepted_text = "已有類似服務"
    event = move_case(
        proposal,
        kind=CASE_KIND,
        actor=person("readers-head"),
        action="初審不予受理",
        to_state=State.NOT_ACCEPTED,
        fields=["not_accepted_text"],
        comment="已有類似服務",
    )
    stored = Proposal.objects.get(pk=proposal.pk)
    assert (stored.state, stored.not_accepted_text) == (State.NOT_ACCEPTED, "已有類似服務")
    assert (event.from_state, event.to_state, event.action, event.comment) == (
        State.FIRST_REVIEW,
        State.NOT_ACCEPTED,
        "初審不予受理",
        "已有類似服務",
    )
    assert event.actor_name == person("readers-head").get_full_name()
    assert case_events(CASE_KIND, proposal.trail_ref)[-1].pk == event.pk
    assert verify_case(CASE_KIND, proposal.trail_ref).ok


def test_an_event_without_a_move_stays_in_the_current_state_unless_told(proposal):
    note = record_case_event(proposal, kind=CASE_KIND, actor=None, action="備註")
    assert (note.from_state, note.to_state, note.actor_name) == (
        State.FIRST_REVIEW,
        State.FIRST_REVIEW,
        "系統",
    )
    first = record_case_event(proposal, kind=CASE_KIND, actor=None, action="新案", from_state="")
    assert (first.from_state, first.to_state) == ("", State.FIRST_REVIEW)
    assert verify_case(CASE_KIND, proposal.trail_ref).ok


def test_files_are_kept_with_what_is_known_of_them_and_named_in_the_event(proposal, person):
    content = "語音導引說明".encode()
    first = SimpleUploadedFile("說明.txt", content, content_type="text/plain")
    second = SimpleUploadedFile("../附件.txt", content, content_type="text/plain")
    # Either checked here, or already described by the caller before its transaction.
    rows = store_attachments(
        Attachment,
        [first, (second, describe_upload(second))],
        actor=person("readers-staff1"),
        proposal=proposal,
        purpose=Attachment.Purpose.PROPOSAL,
    )
    digest = hashlib.sha256(content).hexdigest()
    assert [(r.name, r.content_type, r.sha256, r.size) for r in rows] == [
        ("說明.txt", "text/plain", digest, len(content)),
        ("附件.txt", "text/plain", digest, len(content)),
    ]
    assert all(r.uploaded_by == person("readers-staff1") and r.proposal_id == proposal.pk for r in rows)
    event = record_case_event(proposal, kind=CASE_KIND, actor=None, action="補件", attachments=rows)
    assert event.attachments == [
        {"name": "說明.txt", "sha256": digest},
        {"name": "附件.txt", "sha256": digest},
    ]


@pytest.mark.parametrize("path", CASE_SERVICES)
def test_the_case_services_append_their_events_only_through_governance_cases(path):
    """A service writing its own record_event (or its own attachment rows) would split the
    helper again."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "governance.trail"
        for alias in node.names
    }
    assert "record_event" not in imported
    creates = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "create"
        and any(k.arg == "sha256" for k in node.keywords)
    ]
    assert creates == []
