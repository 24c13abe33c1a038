"""What every task page opens with (docs/domain.md, 「任務頁」): the case and a link to the whole of
it, what the step asks and its instructions, the due date, what happened just before (a return's
reasons) and, for a revised text, what changed since the last round.

Each flow's task views add their own decision material (scores, milestones, reports); the frame
here is the same on every step of every flow.
"""

import difflib
from dataclasses import dataclass

from django.conf import settings
from django.utils.html import escape
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task

from .inbox import case_page, task_rows
from .models import StepInstruction, TrailEvent
from .nodes import HumanTask


def step_key(flow_class, node) -> str:
    return f"{flow_class.__module__}.{flow_class.__name__}.{node.name}"


def flow_steps() -> list[tuple[str, type, HumanTask]]:
    """(key, flow class, node) of every human step of the site's flows, in the flows' order."""
    steps = []
    for dotted in settings.WORKFLOW_FLOWS:
        flow_class = import_string(dotted)
        for node in flow_class.instance.nodes():
            if isinstance(node, HumanTask):
                steps.append((step_key(flow_class, node), flow_class, node))
    return steps


def sync_step_instructions() -> int:
    """A row for every human step, so the administrator finds each one to reword (after migrate).
    Existing rows, and their texts, are kept. Returns how many rows were made."""
    known = set(StepInstruction.objects.values_list("step", flat=True))
    missing = [StepInstruction(step=key) for key, _flow, _node in flow_steps() if key not in known]
    StepInstruction.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def step_titles() -> dict[str, str]:
    """{step key: "flow title／step title"}, for the administrator's list."""
    return {key: f"{flow_class.process_title}／{node.task_title}" for key, flow_class, node in flow_steps()}


def default_instructions(key: str) -> str:
    for step, _flow, node in flow_steps():
        if step == key:
            return str(node.task_description or "")
    return ""


def instructions_for(flow_class, node) -> str:
    """The administrator's wording of the step, or the step's own default."""
    text = (
        StepInstruction.objects.filter(step=step_key(flow_class, node)).values_list("text", flat=True).first()
    )
    return text or str(node.task_description or "")


def last_case_event(process) -> TrailEvent | None:
    """The last event on the trail of the case the process is about (its flow's `case_trail`):
    what came just before a task, with its comment (a head's reasons for a return)."""
    trail_of = getattr(process.flow_class, "case_trail", None)
    trail = trail_of(process) if trail_of else None
    if trail is None:
        return None
    kind, ref = trail
    return TrailEvent.objects.filter(case_kind=kind, case_ref=ref).order_by("-sequence").first()


@dataclass
class TaskBrief:
    flow_title: str
    task_title: str
    instructions: str
    case_number: str
    case_title: str
    unit_name: str
    case_url: str
    due: object
    last_event: TrailEvent | None


def task_brief(task: Task) -> TaskBrief:
    """The frame of a task page: its case, step, instructions, due date and the step before."""
    row = task_rows([task], with_urls=False)[0]
    flow_class = task.process.flow_class
    return TaskBrief(
        flow_title=row.flow_title,
        task_title=row.task_title,
        instructions=instructions_for(flow_class, task.flow_task),
        case_number=row.case_number,
        case_title=row.case_title,
        unit_name=row.unit_name,
        case_url=case_page(task.process) or "",
        due=row.due,
        last_event=last_case_event(task.process),
    )


@dataclass
class Change:
    label: str
    html: SafeString


# A run of at most this many unchanged characters between two changes is shown as changed:
# a rewritten sentence keeping a 的 or a comma reads as one change, not as confetti.
ISLAND = 2


def _pieces(before, after):
    """(before text, after text) pairs: equal where both are the same string."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    pieces = [(before[b1:b2], after[a1:a2], op == "equal") for op, b1, b2, a1, a2 in matcher.get_opcodes()]
    merged = []
    for i, (old, new, equal) in enumerate(pieces):
        between = 0 < i < len(pieces) - 1 and not pieces[i - 1][2] and not pieces[i + 1][2]
        if equal and between and len(new) <= ISLAND:
            equal = False
        if merged and not equal and not merged[-1][2]:
            old, new = merged[-1][0] + old, merged[-1][1] + new
            merged.pop()
        merged.append((old, new, equal))
    return merged


def text_diff(before: str, after: str) -> SafeString:
    """`after` with what `before` had and it dropped struck through (<del>) and what it added
    marked (<ins>), compared character by character: Chinese has no spaces between words.
    Each mark says what it is to a screen reader, which does not announce <del> and <ins>."""
    removed, added = escape(_("刪除：")), escape(_("新增："))
    parts = []
    for old, new, equal in _pieces(before, after):
        if equal:
            parts.append(escape(new))
            continue
        if old:
            parts.append(f'<del><span class="gov-sr">{removed}</span>{escape(old)}</del>')
        if new:
            parts.append(f'<ins><span class="gov-sr">{added}</span>{escape(new)}</ins>')
    return mark_safe("".join(parts).replace("\n", "<br>"))  # every piece is escaped above


def changes(before: dict, after: dict, labels: dict[str, str]) -> list[Change]:
    """The fields (in `labels`' order) whose text differs between two rounds, each as a diff."""
    return [
        Change(label, text_diff(str(before.get(field) or ""), str(after.get(field) or "")))
        for field, label in labels.items()
        if (before.get(field) or "") != (after.get(field) or "")
    ]
