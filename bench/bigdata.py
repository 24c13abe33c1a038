"""A large agency's ten years of data, bulk-loaded into a throw-away PostgreSQL (issue step 14).

    .venv/bin/python bench/bigdata.py [--scale 0.01] [--keep DIR]

At --scale 1: 3,000 people in 40 units, 30,000 proposals and 15,000 findings of 1,500 audits in
every state, ten yearly plans with every unit's quarterly reports, 60 meetings a year with
actions, appraisal evidence for every person and year, 200,000 notifications and 1,000,000 trail
events. Rows go in by COPY (psycopg), with ids chosen here so that related rows can be written
without reading anything back; sequences are moved past them at the end. Trail hashes are
computed in Python exactly as governance.trail does (scheme 2), and the chains are verified after
loading with governance.trail.verify_all. Then the demo's proposals and audits are run through
the real flows as the generated people (load_flows), for viewflow's task pages. What is not
generated yet: bench/README.md.
"""

import argparse
import json
import random
import sys
import time
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "bench"))

import harness  # noqa: E402
from pg import temporary_postgres  # noqa: E402

RESULTS = ROOT / "bench" / "results"
FULL = {
    "people": 3000,
    "units": 40,
    "proposals": 30000,
    "audits": 1500,
    "findings": 15000,
    "notifications": 200_000,
    "meetings_per_year": 60,
    "practices_per_plan": 60,
    "trail_events": 1_000_000,
}
YEARS = 10
FIRST_YEAR = 2016  # ROC 105; ten years up to 2025
UTC = dt_timezone.utc
SURNAMES = (
    "陳林黃張李王吳劉蔡楊許鄭謝洪郭邱曾廖賴徐周葉蘇莊呂江何蕭羅高潘簡朱鍾游彭詹胡施沈余盧梁趙顏柯翁魏孫戴"
)
GIVEN = "志明淑芬家豪怡君俊傑雅婷建宏美玲宗翰佩君冠宇欣怡承恩詩涵彥廷宜蓁柏翰思妤"


class Copier:
    """COPY rows of one model, given as dicts of attnames; missing fields take their default
    ('' for blank text, None for nullable), so the generator names only what it sets."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.counts = {}

    def columns(self, model):
        fields = [f for f in model._meta.concrete_fields]
        return fields

    def copy(self, model, rows):
        from django.db import models

        fields = self.columns(model)
        table = model._meta.db_table
        names = ", ".join(f'"{f.column}"' for f in fields)
        n = 0
        with self.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                values = []
                for f in fields:
                    if f.attname in row:
                        value = row[f.attname]
                    elif f.has_default():
                        value = f.get_default()
                    elif f.null:
                        value = None
                    elif isinstance(f, (models.CharField, models.TextField)):
                        value = ""
                    else:
                        raise ValueError(f"{table}.{f.column} needs a value")
                    if isinstance(f, models.JSONField) and value is not None:
                        value = json.dumps(value, ensure_ascii=False)
                    values.append(value)
                copy.write_row(values)
                n += 1
        self.counts[table] = self.counts.get(table, 0) + n
        return n

    def reset_sequence(self, model):
        table = model._meta.db_table
        self.cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 0) + 1, false) FROM {table}"
        )


def name_of(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN[::2]) + rng.choice(GIVEN[1::2])


def at(day, rng, hour_from=8, hour_to=18):
    """A working-hours moment on `day` (Taipei), in UTC, whole seconds as the trail stores."""
    local = datetime(day.year, day.month, day.day, rng.randrange(hour_from, hour_to), rng.randrange(60))
    return (local - timedelta(hours=8)).replace(tzinfo=UTC)


# ---------------------------------------------------------------- the organisation


def load_organisation(cp, rng, n_people, n_units):
    """Units, people, memberships (a head and a liaison per unit, the rest staff), the agency
    roles' groups, and the guardian permissions the memberships grant (as
    governance.permissions.sync_unit_permissions writes them)."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType
    from guardian.models import UserObjectPermission

    from governance.models import Membership, NotificationPreference, Unit, User
    from governance.permissions import sync_agency_role_groups
    from governance.roles import UNIT_ROLE_CAPABILITIES, AgencyRole, Capability, UnitRole, group_name

    sync_agency_role_groups()
    start = date(FIRST_YEAR - 3, 1, 1)
    kinds = ["division"] * 30 + ["office"] * 6 + ["branch"] * 4
    units = [
        {
            "id": i,
            "code": f"u{i:02d}",
            "name": f"第{i}{'組' if kinds[(i - 1) % 40] == 'division' else '室' if kinds[(i - 1) % 40] == 'office' else '分館'}",
            "short_name": f"{i}",
            "kind": kinds[(i - 1) % 40],
            "sort_order": i,
            "valid_from": start,
        }
        for i in range(1, n_units + 1)
    ]
    cp.copy(Unit, units)

    # One hash for everybody: hashing 3,000 passwords would take minutes and proves nothing.
    password = make_password("bigdata-password")
    people, memberships, unit_of, heads, liaisons = [], [], {}, {}, {}
    for i in range(1, n_people + 1):
        unit = (i - 1) % n_units + 1
        people.append(
            {
                "id": i,
                "password": password,
                "username": f"p{i:05d}",
                "full_name": name_of(rng),
                "job_title": "專員",
                "email": f"p{i:05d}@bigdata.invalid",
                "is_superuser": False,
                "is_staff": False,
                "is_active": True,
                "date_joined": datetime(FIRST_YEAR - 3, 1, 1, tzinfo=UTC),
            }
        )
        unit_of[i] = unit
        role = UnitRole.STAFF
        if unit not in heads:
            heads[unit], role = i, UnitRole.HEAD
        elif unit not in liaisons:
            liaisons[unit], role = i, UnitRole.LIAISON
        memberships.append({"user_id": i, "unit_id": unit, "role": role.value, "valid_from": start})
    cp.copy(User, people)
    for n, m in enumerate(memberships, start=1):
        m["id"] = n
    cp.copy(Membership, memberships)
    cp.copy(NotificationPreference, ({"id": i, "person_id": i} for i in range(1, n_people + 1)))

    unit_ct = ContentType.objects.get_for_model(Unit).pk
    perms = dict(
        Permission.objects.filter(content_type_id=unit_ct, codename__in=Capability.values).values_list(
            "codename", "pk"
        )
    )
    grants = (
        {
            "user_id": m["user_id"],
            "content_type_id": unit_ct,
            "permission_id": perms[cap.value],
            "object_pk": str(m["unit_id"]),
        }
        for m in memberships
        for cap in UNIT_ROLE_CAPABILITIES[UnitRole(m["role"])]
    )
    cp.copy(UserObjectPermission, ({"id": n, **g} for n, g in enumerate(grants, start=1)))

    # Agency-wide roles: the director heads unit 1 (the director's office); the tracking office,
    # HR, the auditor and eight committee members are staff of their units, as in the demo
    # (a head or liaison would add that unit's duties to every page they see).
    staff = {}
    for m in memberships:
        if m["role"] == UnitRole.STAFF.value:
            staff.setdefault(m["unit_id"], m["user_id"])
    agency = {AgencyRole.DIRECTOR: [heads[1]], AgencyRole.TRACKING_OFFICE: [staff[2]]}
    agency[AgencyRole.COMMITTEE] = [staff[u] for u in range(5, min(13, n_units + 1))]
    agency[AgencyRole.HR] = [staff[3]]
    agency[AgencyRole.AUDITOR] = [staff[4]]
    groups = dict(Group.objects.values_list("name", "pk"))
    through = User.groups.through
    rows = [
        {"user_id": pk, "group_id": groups[group_name(role)]} for role, pks in agency.items() for pk in pks
    ]
    cp.copy(through, ({"id": n, **r} for n, r in enumerate(rows, start=1)))
    for model in (Unit, User, Membership, NotificationPreference, UserObjectPermission, through):
        cp.reset_sequence(model)
    names = {p["id"]: p["full_name"] for p in people}
    return {
        "units": n_units,
        "unit_of": unit_of,
        "heads": heads,
        "liaisons": liaisons,
        "names": names,
        "director": heads[1],
        "tracking": agency[AgencyRole.TRACKING_OFFICE][0],
        "committee": agency[AgencyRole.COMMITTEE],
        "people": n_people,
    }


# ---------------------------------------------------------------- trails


class Trail:
    """Events of many cases, each case's chain computed here as governance.trail computes it."""

    def __init__(self):
        from governance import trail

        self.trail = trail
        self.heads = {}  # (kind, ref) -> (sequence, last_hash)
        self.events = []
        self.next_id = 1

    def add(self, kind, ref, when, actor_id, actor_name, action, from_state="", to_state="", comment=""):
        from governance.models import TrailEvent

        sequence, previous, _last = self.heads.get((kind, ref), (0, self.trail.GENESIS_HASH, None))
        sequence += 1
        event = TrailEvent(
            case_kind=kind,
            case_ref=ref,
            sequence=sequence,
            occurred_at=when,
            actor_id=actor_id,
            actor_name=actor_name,
            action=action,
            from_state=from_state,
            to_state=to_state,
            comment=comment,
            attachments=[],
            previous_hash=previous,
            scheme=2,
        )
        event.content_hash = self.trail.chain_hash(previous, sequence, self.trail.body_hash(event))
        self.heads[(kind, ref)] = (sequence, event.content_hash, when)
        self.events.append(
            {
                "id": self.next_id,
                "case_kind": kind,
                "case_ref": ref,
                "sequence": sequence,
                "occurred_at": when,
                "actor_id": actor_id,
                "actor_name": actor_name,
                "action": action,
                "from_state": from_state,
                "to_state": to_state,
                "comment": comment,
                "attachments": [],
                "previous_hash": previous,
                "content_hash": event.content_hash,
                "scheme": 2,
            }
        )
        self.next_id += 1

    def pad(self, rng, kinds, target, actor_id, actor_name):
        """Comments added to random cases of `kinds` until the trail holds `target` events: the
        cases the generator makes leave about half the issue's million, and the chains'
        verification and the history pages are to be measured at that size. Each comes after
        the case's last event, so every chain stays in time order."""
        keys = [key for key in self.heads if key[0] in kinds]
        added = 0
        while len(self.events) < target and keys:
            kind, ref = rng.choice(keys)
            when = self.heads[(kind, ref)][2] + timedelta(
                days=rng.randrange(1, 30), minutes=rng.randrange(600)
            )
            self.add(kind, ref, when, actor_id, actor_name, "加註說明", comment="補充辦理說明。")
            added += 1
        return added

    def flush(self, cp):
        from governance.models import TrailEvent

        cp.copy(TrailEvent, self.events)
        self.events = []

    def write_heads(self, cp):
        """Heads last: previous_hash of a head is the hash before its last event's."""
        from governance.models import TrailHead

        def rows():
            for n, ((kind, ref), (sequence, last, _when)) in enumerate(self.heads.items(), start=1):
                yield {
                    "id": n,
                    "case_kind": kind,
                    "case_ref": ref,
                    "last_sequence": sequence,
                    "last_hash": last,
                    "previous_hash": self.previous[(kind, ref)],
                }

        cp.copy(TrailHead, rows())
        cp.reset_sequence(TrailHead)


# ---------------------------------------------------------------- proposals


class CaseClock:
    """One case's time moving forward and its events appended to the trail at that time."""

    def __init__(self, trail, kind, ref, when, rng, names):
        self.trail, self.kind, self.ref, self.rng, self.names = trail, kind, ref, rng, names
        self.step = [when]  # a list, so that callers read the moving time through it

    def later(self, days=14):
        self.step[0] += timedelta(days=self.rng.randrange(1, days), minutes=self.rng.randrange(600))
        return self.step[0]

    def event(self, actor, action, frm="", to="", comment=""):
        self.trail.add(
            self.kind,
            self.ref,
            self.step[0],
            actor,
            self.names[actor] if actor else "系統",
            action,
            frm,
            to,
            comment,
        )


# Final states and how many of 100 proposals end there. Only the last two years keep cases
# open (settled_state): a 2016 proposal still in first review would be a data error, not load.
STATE_WEIGHTS = {
    "draft": 4,
    "first_review": 4,
    "returned": 3,
    "withdrawn": 4,
    "not_accepted": 10,
    "second_review": 4,
    "awaiting_decision": 3,
    "reference": 12,
    "rejected": 10,
    "executing": 8,
    "evaluating": 4,
    "closed": 34,
}

SETTLED = {"withdrawn", "not_accepted", "reference", "rejected", "closed"}


def settled_state(rng, year, state, weights, settled):
    """`state` in the last two years; before them, a settled state drawn by the same weights."""
    if year >= FIRST_YEAR + YEARS - 2 or state in settled:
        return state
    return rng.choices(sorted(settled), [weights[s] for s in sorted(settled)])[0]


def load_proposals(cp, rng, org, trail, n):
    from governance.casenumber import format_number
    from proposals.models import (
        CASE_KIND,
        CASE_NUMBER_PREFIX,
        Proposal,
        Proposer,
        ReviewerAssignment,
        ReviewRound,
        ScopeCategory,
    )

    categories = list(ScopeCategory.objects.values_list("pk", flat=True))
    if not categories:
        cp.copy(ScopeCategory, ({"id": i, "name": f"類別{i}", "sort_order": i} for i in range(1, 7)))
        cp.reset_sequence(ScopeCategory)
        categories = list(range(1, 7))
    states = list(STATE_WEIGHTS)
    weights = list(STATE_WEIGHTS.values())
    names, heads = org["names"], org["heads"]
    director, committee = org["director"], org["committee"]
    serial = {}
    proposals, rounds, proposers, assignments = [], [], [], []

    for pk in range(1, n + 1):
        year = FIRST_YEAR + (pk - 1) * YEARS // n
        roc = year - 1911
        state = settled_state(rng, year, rng.choices(states, weights)[0], STATE_WEIGHTS, SETTLED)
        submitter = rng.randrange(1, org["people"] + 1)
        unit = org["unit_of"][submitter]
        head = heads[unit]
        created = date(year, 1, 1) + timedelta(days=rng.randrange(300))
        when = at(created, rng)
        title = f"提升{rng.choice(['借閱', '典藏', '推廣', '資訊', '總務', '參考'])}服務第{pk}案"
        row = {
            "id": pk,
            "state": state,
            "unit_id": unit,
            "submitter_id": submitter,
            "title": title,
            "situation": "現況說明。" * 5,
            "improvement": "改進作法。" * 5,
            "benefit": "預期效益。" * 3,
            "category_id": rng.choice(categories),
            "created_at": when,
        }
        proposers.append({"proposal_id": pk, "person_id": submitter, "share": 100, "position": 0})
        case = CaseClock(trail, CASE_KIND, str(pk), when, rng, names)
        later, event, step = case.later, case.event, case.step

        event(submitter, "建立草稿", "", "draft")
        if state == "draft":
            proposals.append(row)
            continue
        serial[roc] = serial.get(roc, 0) + 1
        row.update(
            roc_year=roc,
            sequence=serial[roc],
            case_number=format_number(CASE_NUMBER_PREFIX, roc, serial[roc]),
        )
        later()
        row["submitted_at"] = step[0]
        event(submitter, "送出提案", "draft", "first_review")
        content = {"title": title, "situation": row["situation"], "improvement": row["improvement"]}
        # Rounds of first review: a returned proposal may come back more than once.
        returns = rng.choice([0, 0, 0, 1, 1, 2]) if state != "returned" else rng.choice([1, 2])
        number = 0
        for r in range(returns):
            number += 1
            submitted = step[0]
            later()
            rounds.append(
                {
                    "proposal_id": pk,
                    "number": number,
                    "submitted_content": content,
                    "submitted_at": submitted,
                    "outcome": "returned",
                    "reasons": "請補充現況數據。",
                    "reviewer_id": head,
                    "decided_at": step[0],
                }
            )
            event(head, "初審退回修正", "first_review", "returned", "請補充現況數據。")
            if state == "returned" and r == returns - 1:
                break
            later()
            event(submitter, f"修正後重新送出（第 {number + 1} 輪）", "returned", "first_review")
        if state == "returned":
            proposals.append(row)
            continue
        if state == "withdrawn":
            later()
            event(submitter, "撤回提案", "first_review", "withdrawn")
            proposals.append(row)
            continue
        number += 1
        submitted = step[0]
        if state == "first_review":
            rounds.append(
                {"proposal_id": pk, "number": number, "submitted_content": content, "submitted_at": submitted}
            )
            proposals.append(row)
            continue
        later()
        outcome = "not_accepted" if state == "not_accepted" else "accepted"
        rounds.append(
            {
                "proposal_id": pk,
                "number": number,
                "submitted_content": content,
                "submitted_at": submitted,
                "outcome": outcome,
                "reasons": "與現行作業重複。" if outcome == "not_accepted" else "",
                "reviewer_id": head,
                "decided_at": step[0],
            }
        )
        if state == "not_accepted":
            row["not_accepted_text"] = "與現行作業重複。"
            event(head, "初審不予受理", "first_review", "not_accepted", "與現行作業重複。")
            proposals.append(row)
            continue
        event(head, "初審受理", "first_review", "second_review")
        later()
        members = rng.sample(committee, min(3, len(committee)))
        event(org["tracking"], "指派複審委員", "second_review", "second_review")
        scored = state != "second_review"
        totals = []
        for m in members:
            total = round(rng.uniform(55, 95), 2)
            totals.append(total)
            assignments.append(
                {
                    "proposal_id": pk,
                    "member_id": m,
                    "assigned_by_id": org["tracking"],
                    "assigned_at": step[0],
                    "weighted_total": total if scored else None,
                    "scored_at": step[0] + timedelta(days=7) if scored else None,
                }
            )
        if not scored:
            proposals.append(row)
            continue
        later(21)
        for m in members:
            event(m, "複審評分完成", "second_review", "second_review")
        average = round(sum(totals) / len(totals), 2)
        grade = (
            "甲等" if average >= 85 else "乙等" if average >= 75 else "丙等" if average >= 65 else "不列等"
        )
        row.update(weighted_total=average, grade=grade)
        event(
            org["tracking"],
            f"複審完成：{len(members)} 位委員評分，{grade}",
            "second_review",
            "awaiting_decision",
        )
        if state == "awaiting_decision":
            proposals.append(row)
            continue
        later()
        decision = {"reference": "reference", "rejected": "reject"}.get(state, "adopt")
        label = {"adopt": "採行", "reference": "參考", "reject": "不採行"}[decision]
        to = {"adopt": "executing", "reference": "reference", "reject": "rejected"}[decision]
        row.update(decision=decision, decided_at=step[0], decided_by_id=director)
        event(director, f"採行決定：{label}", "awaiting_decision", to)
        if to != "executing":
            proposals.append(row)
            continue
        row.update(
            lead_unit_id=unit, due_date=(step[0] + timedelta(days=180)).date(), execution_plan="分三季執行。"
        )
        later()
        event(head, "提報執行計畫", "executing", "executing")
        for q in range(rng.randrange(1, 4)):
            later(90)
            event(head, f"第 {q + 1} 季進度核定", "executing", "executing")
        if state == "executing":
            proposals.append(row)
            continue
        later(60)
        row["completed_at"] = step[0]
        event(head, "第 4 季進度核定：執行完成", "executing", "evaluating")
        if state == "evaluating":
            proposals.append(row)
            continue
        later(60)
        rating = rng.choice(["優良", "良好", "普通"])
        row.update(evaluation="達成預期效益。", evaluation_rating=rating, closed_at=step[0])
        event(org["tracking"], f"成效評估：{rating}", "evaluating", "evaluating")
        event(org["tracking"], "結案並登錄獎勵", "evaluating", "closed", f"（成效評等：{rating}）")
        proposals.append(row)

    cp.copy(Proposal, proposals)
    cp.copy(Proposer, ({"id": i, **r} for i, r in enumerate(proposers, start=1)))
    cp.copy(ReviewRound, ({"id": i, **r} for i, r in enumerate(rounds, start=1)))
    cp.copy(ReviewerAssignment, ({"id": i, **r} for i, r in enumerate(assignments, start=1)))
    for model in (Proposal, Proposer, ReviewRound, ReviewerAssignment):
        cp.reset_sequence(model)
    return {s: sum(1 for p in proposals if p["state"] == s) for s in STATE_WEIGHTS}


# ---------------------------------------------------------------- audits and findings

FINDING_STATE_WEIGHTS = {
    "awaiting_meeting": 2,
    "planning": 3,
    "plan_review": 2,
    "in_progress": 12,
    "removal_requested": 2,
    "awaiting_decision": 2,
    "closed": 75,
    "withdrawn": 2,
}


def load_audits(cp, rng, org, trail, n_audits, n_findings):
    """Audits of the superior agencies, ten findings each on average, every finding in a state
    of the remediation flow with its plans, progress rounds and review meeting behind it."""
    from audits.models import (
        AUDIT_KIND,
        FINDING_KIND,
        FINDING_NUMBER_PREFIX,
        Audit,
        Finding,
        ProgressRound,
        RemediationPlan,
        ReviewMeeting,
        ReviewMeetingItem,
    )
    from governance.casenumber import format_number

    names, heads, liaisons, tracking = org["names"], org["heads"], org["liaisons"], org["tracking"]
    states, weights = list(FINDING_STATE_WEIGHTS), list(FINDING_STATE_WEIGHTS.values())
    audits, findings, plans, rounds, meetings, items = [], [], [], [], [], []
    serial = {}
    meeting_links = []
    finding_pk = 0
    for pk in range(1, n_audits + 1):
        year = FIRST_YEAR + (pk - 1) * YEARS // n_audits
        held = date(year, 1, 1) + timedelta(days=rng.randrange(330))
        registered = at(held + timedelta(days=rng.randrange(3, 20)), rng)
        withdrawn = rng.random() < 0.01
        audit = {
            "id": pk,
            "agency": rng.choice(["教育部", "文化部", "審計部", "行政院"]),
            "kind": rng.choice(["appraisal", "site_visit", "inspection", "other"]),
            "title": f"{year - 1911} 年度第 {pk} 次考核",
            "held_on": held,
            "document_number": f"臺教字第{year - 1911}{pk:07d}號",
            "document_key": f"臺教字第{year - 1911}{pk:07d}號",
            "registered_by_id": tracking,
            "registered_at": registered,
        }
        trail.add(AUDIT_KIND, str(pk), registered, tracking, names[tracking], "登錄考核")
        # Findings of this audit: the total shared out evenly, the remainder to the first ones.
        count = n_findings // n_audits + (1 if pk <= n_findings % n_audits else 0)
        meeting_day = held + timedelta(days=30)
        meeting_pk = None
        if count and not withdrawn:
            meeting_pk = len(meetings) + 1
            meetings.append(
                {
                    "id": meeting_pk,
                    "held_on": meeting_day,
                    "attendees": "各組室主管",
                    "decisions": "依考核意見列管。",
                    "recorded_by_id": tracking,
                    "recorded_at": at(meeting_day, rng),
                }
            )
        for _n in range(count):
            finding_pk += 1
            roc = year - 1911
            serial[roc] = serial.get(roc, 0) + 1
            unit = rng.randrange(1, org["units"] + 1)
            drawn = rng.choices(states, weights)[0]
            state = (
                "withdrawn"
                if withdrawn
                else settled_state(rng, year, drawn, FINDING_STATE_WEIGHTS, {"closed"})
            )
            due = meeting_day + timedelta(days=180)
            row = {
                "id": finding_pk,
                "audit_id": pk,
                "tracking_number": format_number(FINDING_NUMBER_PREFIX, roc, serial[roc]),
                "roc_year": roc,
                "sequence": serial[roc],
                "kind": rng.choice(["deficiency", "recommendation", "observation"]),
                "text": "考核意見內容。" * 4,
                "severity": rng.choice(["high", "medium", "low"]),
                "lead_unit_id": unit,
                "due_date": due,
                "self_tracked": rng.random() < 0.2,
                "state": state,
                "round": 1,
                "registered_at": registered,
            }
            findings.append(row)
            case = CaseClock(trail, FINDING_KIND, str(finding_pk), registered, rng, names)
            case.event(tracking, "登錄列管（管考列管）", "", "awaiting_meeting", f"改善期限：{due}")
            if state == "withdrawn":
                case.later()
                case.event(tracking, "撤銷列管（考核登錄撤銷）", "awaiting_meeting", "withdrawn", "重複登錄")
                continue
            if state == "awaiting_meeting":
                continue
            case.step[0] = at(meeting_day, rng)
            meeting_links.append((meeting_pk, finding_pk))
            items.append(
                {"meeting_id": meeting_pk, "finding_id": finding_pk, "lead_unit_id": unit, "due_date": due}
            )
            case.event(
                tracking,
                f"檢討會議（{meeting_day}）",
                "awaiting_meeting",
                "planning",
                "決議：依考核意見列管。",
            )
            if state == "planning":
                continue
            head, liaison = heads[unit], liaisons[unit]
            # Plans: sometimes one returned before the approved one.
            for returned in [True] * (rng.random() < 0.2) + [False]:
                case.later()
                case.event(liaison, "提報改善措施", "planning", "plan_review", "改善措施。")
                plan = {
                    "finding_id": finding_pk,
                    "round": 1,
                    "text": "改善措施。",
                    "author_id": liaison,
                    "written_at": case.step[0],
                }
                plans.append(plan)
                if state == "plan_review" and not returned:
                    break
                case.later()
                plan.update(approver_id=head, decided_at=case.step[0])
                if returned:
                    plan["approval"] = "returned"
                    case.event(head, "主管退回改善措施", "plan_review", "planning", "請具體說明。")
                else:
                    plan["approval"] = "approved"
                    case.event(head, "主管核定改善措施", "plan_review", "in_progress")
            if state == "plan_review":
                continue
            for percent in (30, 60, 100)[: rng.randrange(1, 4)]:
                case.later(90)
                rounds.append(
                    {
                        "finding_id": finding_pk,
                        "round": 1,
                        "percent_complete": percent,
                        "text": "辦理情形。",
                        "reporter_id": liaison,
                        "reported_at": case.step[0],
                    }
                )
                case.event(liaison, f"第 1 輪辦理情形：{percent}%", comment="辦理情形。")
            if state == "in_progress":
                continue
            case.later()
            case.event(liaison, "申請解除列管", "in_progress", "removal_requested", "已改善完成。")
            if state == "removal_requested":
                continue
            case.later()
            case.event(tracking, "管考審查：建議解除列管", "removal_requested", "awaiting_decision", "同意。")
            if state == "awaiting_decision":
                continue
            case.later(30)
            row["closed_on"] = case.step[0].date()
            case.event(None, "解除列管", "awaiting_decision", "closed")
        if withdrawn:
            audit.update(
                withdrawn_at=registered + timedelta(days=2),
                withdrawn_by_id=tracking,
                withdrawal_reason="重複登錄",
            )
            trail.add(
                AUDIT_KIND, str(pk), registered + timedelta(days=2), tracking, names[tracking], "撤銷考核登錄"
            )
        audits.append(audit)

    cp.copy(Audit, audits)
    cp.copy(Finding, findings)
    cp.copy(ReviewMeeting, meetings)
    through = ReviewMeeting.findings.through
    cp.copy(
        through,
        ({"id": i, "reviewmeeting_id": m, "finding_id": f} for i, (m, f) in enumerate(meeting_links, 1)),
    )
    cp.copy(ReviewMeetingItem, ({"id": i, **r} for i, r in enumerate(items, start=1)))
    cp.copy(RemediationPlan, ({"id": i, **r} for i, r in enumerate(plans, start=1)))
    cp.copy(ProgressRound, ({"id": i, **r} for i, r in enumerate(rounds, start=1)))
    for model in (Audit, Finding, ReviewMeeting, through, ReviewMeetingItem, RemediationPlan, ProgressRound):
        cp.reset_sequence(model)
    return {s: sum(1 for f in findings if f["state"] == s) for s in FINDING_STATE_WEIGHTS}


# ---------------------------------------------------------------- plans and quarterly reports


def load_plans(cp, rng, org, trail, n_practices):
    """Ten yearly plans (one version each), their practices shared round the units so that every
    unit has some, and every unit's report on each of its practices for every quarter, confirmed
    by its head (the last quarter of the last year still waiting for some)."""
    from governance.rocdate import quarter_name
    from plan.models import (
        Plan,
        PlanArea,
        PlanDeadline,
        PlanItem,
        PlanPractice,
        PlanVersion,
        PracticeReport,
    )
    from plan.practice_reports import CASE_KIND

    names, heads, liaisons = org["names"], org["heads"], org["liaisons"]
    plans, versions, areas, items, practices, deadlines, links, reports = [], [], [], [], [], [], [], []
    unit_cycle = 0
    for y in range(YEARS):
        year, pk = FIRST_YEAR + y, y + 1
        roc = year - 1911
        created = datetime(year - 1, 12, 1, tzinfo=UTC)
        plans.append(
            {"id": pk, "roc_year": roc, "title": f"{roc} 年度服務品質執行計畫", "created_at": created}
        )
        versions.append(
            {"id": pk, "plan_id": pk, "number": 1, "approved_on": created.date(), "created_at": created}
        )
        # Five areas of four items: practices spread over the twenty items.
        for a in range(5):
            areas.append(
                {
                    "id": len(areas) + 1,
                    "version_id": pk,
                    "number": "一二三四五"[a],
                    "title": f"要項{a + 1}",
                    "sort_order": a,
                }
            )
            for i in range(4):
                items.append(
                    {
                        "id": len(items) + 1,
                        "area_id": len(areas),
                        "number": f"{i + 1}.",
                        "title": f"執行項目{a + 1}-{i + 1}",
                        "sort_order": i,
                    }
                )
        first_item = len(items) - 19
        for p in range(n_practices):
            practice = len(practices) + 1
            practices.append(
                {
                    "id": practice,
                    "item_id": first_item + p % 20,
                    "key": f"p{p + 1}",
                    "number": f"{p % 20 + 1}.{p // 20 + 1}",
                    "text": f"推動作法{p + 1}",
                    "deadline_text": "每季",
                    "sort_order": p,
                }
            )
            for q in range(4):
                deadlines.append(
                    {"id": len(deadlines) + 1, "practice_id": practice, "due_date": date(year, 3 * q + 3, 28)}
                )
            units = []
            for _u in range(2):
                units.append(unit_cycle % org["units"] + 1)
                unit_cycle += 1
            for unit in units:
                links.append({"id": len(links) + 1, "planpractice_id": practice, "unit_id": unit})
                for q in range(4):
                    period = f"{roc}Q{q + 1}"
                    pk_report = len(reports) + 1
                    submitted = at(date(year, 3 * q + 3, 20), rng)
                    confirmed = submitted + timedelta(days=rng.randrange(1, 6))
                    waiting = y == YEARS - 1 and q == 3 and rng.random() < 0.3
                    status = "done" if q == 3 else rng.choice(["on_track", "on_track", "behind"])
                    reports.append(
                        {
                            "id": pk_report,
                            "practice_id": practice,
                            "unit_id": unit,
                            "period": period,
                            "status": status,
                            "text": "依計畫辦理。",
                            "state": "submitted" if waiting else "confirmed",
                            "submitted_by_id": liaisons[unit],
                            "submitted_at": submitted,
                            "confirmed_by_id": None if waiting else heads[unit],
                            "confirmed_at": None if waiting else confirmed,
                        }
                    )
                    label = quarter_name(period)
                    ref = str(pk_report)
                    trail.add(
                        CASE_KIND,
                        ref,
                        submitted,
                        liaisons[unit],
                        names[liaisons[unit]],
                        f"{label} 填報季報",
                        "",
                        "",
                        "依進度辦理：依計畫辦理。",
                    )
                    if not waiting:
                        trail.add(
                            CASE_KIND,
                            ref,
                            confirmed,
                            heads[unit],
                            names[heads[unit]],
                            f"{label} 主管確認季報",
                            "submitted",
                            "confirmed",
                        )
    through = PlanPractice.units.through
    for model, rows in (
        (Plan, plans),
        (PlanVersion, versions),
        (PlanArea, areas),
        (PlanItem, items),
        (PlanPractice, practices),
        (PlanDeadline, deadlines),
        (through, links),
        (PracticeReport, reports),
    ):
        cp.copy(model, rows)
        cp.reset_sequence(model)
    return len(reports)


# ---------------------------------------------------------------- meetings


def load_meetings(cp, rng, org, trail, per_year):
    """The execution group's meetings, `per_year` a year: agenda, minutes, decisions whose
    follow-up actions are done except in the last months."""
    from meetings.models import AgendaItem, GroupMeeting, MeetingDecision
    from meetings.services import CASE_KIND

    names, tracking, director = org["names"], org["tracking"], org["director"]
    meetings, attendees, agenda, decisions = [], [], [], []
    heads = list(org["heads"].values())
    for y in range(YEARS):
        year = FIRST_YEAR + y
        roc = year - 1911
        for number in range(1, per_year + 1):
            pk = len(meetings) + 1
            day = date(year, 1, 1) + timedelta(days=(number - 1) * 365 // per_year + 3)
            when = at(day, rng, 9, 10)
            created = when - timedelta(days=14)
            held = y < YEARS - 1 or number < per_year * 0.9
            meetings.append(
                {
                    "id": pk,
                    "roc_year": roc,
                    "number": number,
                    "scheduled_for": when,
                    "location": "第一會議室",
                    "chair_id": director,
                    "state": "held" if held else "scheduled",
                    "minutes": "會議紀錄。" if held else "",
                    "created_by_id": tracking,
                    "created_at": created,
                }
            )
            label = f"{roc} 年第 {number} 次會議"
            ref = str(pk)
            trail.add(CASE_KIND, ref, created, tracking, names[tracking], f"排定 {label}", "", "scheduled")
            trail.add(CASE_KIND, ref, created + timedelta(days=7), tracking, names[tracking], "排定議程")
            for person in rng.sample(heads, min(10, len(heads))):
                attendees.append({"id": len(attendees) + 1, "groupmeeting_id": pk, "user_id": person})
            for k in range(5):
                agenda.append(
                    {
                        "id": len(agenda) + 1,
                        "meeting_id": pk,
                        "kind": "other",
                        "title": f"討論事項{k + 1}",
                        "sort_order": k,
                    }
                )
            if not held:
                continue
            trail.add(
                CASE_KIND,
                ref,
                when + timedelta(days=3),
                tracking,
                names[tracking],
                "登錄會議紀錄",
                "scheduled",
                "held",
            )
            for k in range(3):
                due = day + timedelta(days=60)
                open_action = y == YEARS - 1 and number > per_year * 0.7
                decisions.append(
                    {
                        "id": len(decisions) + 1,
                        "meeting_id": pk,
                        "agenda_item_id": len(agenda) - 4 + k,
                        "text": "請權責單位辦理。",
                        "action_unit_id": rng.randrange(1, org["units"] + 1),
                        "action_due": due,
                        "action_done_at": None if open_action else at(due - timedelta(days=5), rng),
                        "action_done_note": "" if open_action else "已辦理完成。",
                    }
                )
    through = GroupMeeting.attendees.through
    for model, rows in (
        (GroupMeeting, meetings),
        (through, attendees),
        (AgendaItem, agenda),
        (MeetingDecision, decisions),
    ):
        cp.copy(model, rows)
        cp.reset_sequence(model)
    return len(meetings)


# ---------------------------------------------------------------- appraisal evidence


def load_evidence(cp, rng, org):
    """An appraisal evidence document for every person and year, as HR's yearly batch issues them."""
    from evidence.models import EvidenceDocument

    def rows():
        n = 0
        for y in range(YEARS):
            year = FIRST_YEAR + y
            for person in range(1, org["people"] + 1):
                n += 1
                yield {
                    "id": n,
                    "person_id": person,
                    "start": date(year, 1, 1),
                    "end": date(year, 12, 31),
                    "fingerprint": rng.getrandbits(256).to_bytes(32, "big").hex(),
                    "generated_at": at(date(year + 1, 1, 10), rng),
                    "generated_by_id": None,
                }

    n = cp.copy(EvidenceDocument, rows())
    cp.reset_sequence(EvidenceDocument)
    return n


# ---------------------------------------------------------------- notifications


def load_notifications(cp, rng, org, n, n_proposals):
    from governance.models import Notification

    kinds = ["event"] * 5 + ["task"] * 3 + ["reminder"] + ["digest"]

    def rows():
        for i in range(1, n + 1):
            recipient = rng.randrange(1, org["people"] + 1)
            kind = rng.choice(kinds)
            year = FIRST_YEAR + (i - 1) * YEARS // n
            created = at(date(year, 1, 1) + timedelta(days=rng.randrange(365)), rng)
            case = rng.randrange(1, n_proposals + 1)
            old = year < FIRST_YEAR + YEARS - 1
            yield {
                "id": i,
                "recipient_id": recipient,
                "kind": kind,
                # Unique per person: the row's own number makes it so, whatever was drawn.
                "key": f"bigdata:{kind}:proposal:{case}:{i}",
                "subject": f"提案第 {case} 案有新動態",
                "body": "請至系統查看。",
                "url": f"/proposals/{case}/",
                "created_at": created,
                "read_at": created + timedelta(days=1) if old or rng.random() < 0.7 else None,
                "email_wanted": True,
                "emailed_at": created,
            }

    cp.copy(Notification, rows())
    cp.reset_sequence(Notification)
    return n


# ---------------------------------------------------------------- main


def generate(scale, seed=14):
    from django.core.management import call_command
    from django.db import connection, transaction

    from governance.models import TrailEvent

    rng = random.Random(seed)
    size = {k: max(1, round(v * scale)) for k, v in FULL.items()}
    # At least 20 units: load_flows casts the demo's eight units as units 13 to 20.
    size["units"] = max(20, min(FULL["units"], size["units"]))
    size["practices_per_plan"] = max(12, size["practices_per_plan"])
    size["meetings_per_year"] = max(6, size["meetings_per_year"])
    size["people"] = max(size["people"], size["units"] * 3)
    timings = {}

    def phase(name, fn, *args, **kwargs):
        started = time.perf_counter()
        result = fn(*args, **kwargs)
        timings[name] = round(time.perf_counter() - started, 1)
        print(f"{name}: {timings[name]} s", file=sys.stderr, flush=True)
        return result

    phase("migrate", call_command, "migrate", verbosity=0)
    with transaction.atomic(), connection.cursor() as django_cursor:
        cp = Copier(django_cursor.cursor)  # psycopg's cursor behind Django's, for COPY
        org = phase("organisation", load_organisation, cp, rng, size["people"], size["units"])
        trail = Trail()
        states = phase("proposals", load_proposals, cp, rng, org, trail, size["proposals"])
        finding_states = phase("audits", load_audits, cp, rng, org, trail, size["audits"], size["findings"])
        phase("plans", load_plans, cp, rng, org, trail, size["practices_per_plan"])
        phase("meetings", load_meetings, cp, rng, org, trail, size["meetings_per_year"])
        phase("evidence", load_evidence, cp, rng, org)
        phase("notifications", load_notifications, cp, rng, org, size["notifications"], size["proposals"])

        padded = phase(
            "trail_padding",
            trail.pad,
            rng,
            {"proposal", "finding"},
            size["trail_events"],
            org["tracking"],
            org["names"][org["tracking"]],
        )

        def write_trail():
            # A head's previous_hash is its last event's previous_hash.
            trail.previous = {(e["case_kind"], e["case_ref"]): e["previous_hash"] for e in trail.events}
            trail.flush(cp)
            cp.reset_sequence(TrailEvent)
            trail.write_heads(cp)

        phase("trail", write_trail)
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("ANALYZE")
        timings["analyze"] = round(time.perf_counter() - started, 1)
    cp.counts["of which trail padding (加註說明)"] = padded
    cp.counts["cases run through the real flows"] = phase("flows", load_flows, org)
    return size, {"proposals": states, "findings": finding_states}, cp.counts, timings


# The demo's unit roles, as the members of a generated unit that play them (load_flows).
DEMO_UNIT_ROLES = {"head": 0, "liaison": 1, "staff1": 2, "staff2": 3}


def cast_of(org):
    """The demo's logins (governance/demo.py) as generated people's usernames, and its unit
    codes as generated units' codes: the agency roles to their holders, `<unit>-head`,
    `-liaison`, `-staff1`, `-staff2` to the unit's first four members, for the demo's codes
    and the generated ones."""
    from governance.demo import UNITS as DEMO_UNITS

    members = {}
    for person, unit in sorted(org["unit_of"].items()):
        members.setdefault(unit, []).append(person)
    # Units 13 on: clear of the units whose first staff member holds an agency role (2 to 12).
    units = {code: f"u{13 + i:02d}" for i, (code, *_rest) in enumerate(DEMO_UNITS)}
    units.update({f"u{u:02d}": f"u{u:02d}" for u in members})
    people = {
        "director": org["director"],
        "tracking": org["tracking"],
        "committee1": org["committee"][0],
        "committee2": org["committee"][1],
        # The generated agency has no external member: an internal one scores in its place.
        "external1": org["committee"][2],
    }
    for code, generated in units.items():
        for role, n in DEMO_UNIT_ROLES.items():
            people[f"{code}-{role}"] = members[int(generated[1:])][n]
    return {login: f"p{pk:05d}" for login, pk in people.items()}, units


def load_flows(org):
    """The demo's proposals and audits (proposals/demo.py, audits/demo.py), run through the real
    services as the generated agency's people (cast_of): viewflow processes with open and done
    tasks at every node, so the sweep reaches the task pages at this size too. The COPY phases
    write no viewflow rows. Returns how many cases of each."""
    from django.test.utils import override_settings

    from audits import demo as audit_demo
    from governance.models import Unit, User
    from proposals import demo as proposal_demo

    logins, codes = cast_of(org)
    people = User.objects.in_bulk(list(logins.values()), field_name="username")
    units = Unit.objects.in_bulk(list(set(codes.values())), field_name="code")
    cast = {login: people[username] for login, username in logins.items()}
    unit_cast = {code: units[generated] for code, generated in codes.items()}

    class Cast:
        def person(self, login):
            return cast[login]

    counts = {}
    # The flows' notifications would print their mail (the bench settings' console backend).
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        for name, module, cases in (
            ("proposals", proposal_demo, proposal_demo.CASES),
            ("audits", audit_demo, audit_demo.AUDITS),
        ):
            # Cast first: the seeders look people up by the demo's logins, in __init__ too.
            seeder = type("CastSeeder", (Cast, module._Seeder), {})()
            seeder.units = unit_cast
            for case in cases:
                seeder.seed(case)
            counts[name] = len(cases)
    return counts


def verify():
    from governance import trail

    started = time.perf_counter()
    checks = list(trail.verify_all())
    broken = [c.describe() for c in checks if not c.ok]
    return {"chains": len(checks), "broken": broken[:5], "seconds": round(time.perf_counter() - started, 1)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--keep", help="data directory to keep the loaded server in")
    parser.add_argument("--no-verify", action="store_true", help="skip verifying every trail chain")
    args = parser.parse_args()
    with temporary_postgres(data_dir=args.keep, keep=bool(args.keep)) as url:
        harness.setup_django(url)
        import django.db

        started = time.perf_counter()
        size, states, counts, timings = generate(args.scale, args.seed)
        report = {
            "scale": args.scale,
            "sizes": size,
            "rows": counts,
            "states": states,
            "seconds": timings,
            "load_total_s": round(time.perf_counter() - started, 1),
        }
        if not args.no_verify:
            report["trail_verification"] = verify()
        django.db.connections.close_all()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bigdata.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(json.dumps(report, ensure_ascii=False, indent=2))
    broken = report.get("trail_verification", {}).get("broken")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
