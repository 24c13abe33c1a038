from django.conf import settings
from django.contrib.auth.decorators import login_not_required, login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from audits import selectors as audit_selectors
from audits import services as audit_services
from proposals import selectors as proposal_selectors

from . import inbox as inbox_selectors
from . import practice_reports
from .permissions import can, can_anywhere
from .roles import UNIT_SCOPED, Capability
from .selectors import person_profile


@login_required
def home(request):
    profile = person_profile(request.user)
    counts = inbox_selectors.task_counts(request.user)
    first_tasks = inbox_selectors.inbox_page(request.user, size=5).rows
    ctx = {
        "profile": profile,
        "counts": counts,
        "first_tasks": first_tasks,
        "may": {cap.value: can(request.user, cap) for cap in Capability},
        # Unit-scoped duties held in some unit (the head's review, the liaison's reports).
        "may_in_unit": {cap.value: can_anywhere(request.user, cap) for cap in UNIT_SCOPED},
        "may_propose": proposal_selectors.may_propose(request.user),
        "may_list_all": proposal_selectors.may_list_all(request.user),
        "may_list_audits": audit_selectors.may_list_all(request.user),
        "may_register_audit": audit_services.may_register(request.user),
        "unit_overdue": audit_selectors.unit_findings(request.user)
        .filter(audit_selectors.overdue_q()).count(),
        "reports_awaiting": practice_reports.reports_awaiting_confirmation(request.user),
    }
    # The 管考 office and the director are warned when the execution group must meet.
    if can(request.user, Capability.MANAGE_TRACKING) or can(request.user, Capability.DECIDE_FOR_AGENCY):
        from . import meetings

        ctx["warning"] = meetings.next_meeting_warning()
        ctx["may_manage"] = can(request.user, Capability.MANAGE_TRACKING)
    return render(request, "governance/home.html", ctx)


def _task_list(request, page_function, template_title, empty_text, list_name):
    page = page_function(request.user, cursor=request.GET.get("after"))
    ctx = {
        "page": page,
        "list_title": template_title,
        "empty_text": empty_text,
        "list_name": list_name,
        "counts": inbox_selectors.task_counts(request.user),
    }
    return render(request, "governance/task_list.html", ctx)


@login_required
def inbox(request):
    return _task_list(
        request,
        inbox_selectors.inbox_page,
        _("收件匣"),
        _("目前沒有指派給您的待辦任務。"),
        "inbox",
    )


@login_required
def queue(request):
    return _task_list(
        request,
        inbox_selectors.queue_page,
        _("待認領任務"),
        _("目前沒有可由您認領的任務。"),
        "queue",
    )


@login_required
def archive(request):
    return _task_list(
        request,
        inbox_selectors.archive_page,
        _("已完成任務"),
        _("尚無已完成的任務。"),
        "archive",
    )


@login_not_required
@require_POST
def set_language(request):
    """Switch the interface language; a signed-in person keeps the choice."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return HttpResponseBadRequest(_("不支援的語言"))
    if request.user.is_authenticated:
        request.user.language = language
        request.user.save(update_fields=["language"])
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    translation.activate(language)
    response = redirect(next_url)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    return response
