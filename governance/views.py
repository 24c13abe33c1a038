from django.conf import settings
from django.contrib.auth.decorators import login_not_required, login_required
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from . import inbox as inbox_selectors
from . import todo
from .nexturl import safe_next


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
    next_url = safe_next(request, request.POST.get("next"), "/")
    translation.activate(language)
    response = redirect(next_url)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    return response


@login_required
def todo_count(request):
    """How many things the person owes, for the menu's badge (fetched by the menu's script, so
    no page pays for the count of every source)."""
    count, capped = todo.todo_count(request.user)
    text = f"{count}+" if capped else str(count)
    return JsonResponse(
        {
            "count": count,
            "text": text,
            "label": ngettext("%(n)s 項待辦", "%(n)s 項待辦", count) % {"n": text},
        },
        headers={"Cache-Control": "private, no-store"},
    )


def todo_list(request):
    """待辦事項: everything the person owes, by due date, one kind or all, page by page."""
    try:
        page_number = int(request.GET.get("page") or 1)
    except ValueError:
        page_number = 1
    kind = request.GET.get("kind") or None
    page = todo.todo_page(request.user, kind=kind, page=page_number)
    ctx = {
        "page": page,
        "kind": kind if kind in settings.TODO_SOURCES else None,
        "all_kinds": todo.todo_page(request.user, size=0).kinds if kind else page.kinds,
        "today": todo.today_taipei(),
    }
    return render(request, "governance/todo_list.html", ctx)
