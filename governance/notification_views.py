"""A person's notifications (通知) and what they choose to receive."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import notifications, paging
from .models import NotificationPreference
from .nexturl import safe_next

LIST_ORDER = ("-created_at", "-pk")


def notification_list(request):
    """The notifications, newest first, a page at a time, unread ones marked; opening the page
    does not mark them."""
    page = paging.keyset_page(request, notifications.notifications_of(request.user), LIST_ORDER)
    return render(
        request,
        "governance/notification_list.html",
        {"items": page.rows, "page": page, "unread": notifications.unread_count(request.user)},
    )


@require_POST
def notification_read(request):
    """Mark one notification (pk in the form) or all of them read."""
    pk = request.POST.get("pk")
    ids = None
    if pk is not None:
        if not pk.isdigit():
            messages.error(request, _("通知編號有誤。"))
            return redirect("notifications:index")
        ids = [int(pk)]
    notifications.mark_read(actor=request.user, notification_ids=ids)
    # Marking one from a page goes back to that page (on this site only).
    return redirect(
        safe_next(request, request.POST.get("next"), "notifications:index") if pk else "notifications:index"
    )


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["tasks", "events", "reminders", "digest", "email"]
        help_texts = {
            "tasks": gettext_lazy("交給您的任務，以及您可以認領的任務，一到就通知。"),
            "events": gettext_lazy(
                "與您有關的決定：初審結果、採行決定、結案與獎勵、列管決定、開會通知、會議追蹤事項。"
            ),
            "reminders": gettext_lazy("期限前後的提醒（逾期陳報一律通知，無法關閉）。"),
            "digest": gettext_lazy("每週一早上，待辦事項的前幾項與件數。"),
            "email": gettext_lazy("除了系統內通知，也寄到您的電子郵件信箱。"),
        }


def notification_settings(request):
    preference = notifications.preference_of(request.user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        notifications.set_preferences(actor=request.user, **form.cleaned_data)
        messages.success(request, _("通知設定已儲存。"))
        return redirect("notifications:settings")
    return render(request, "governance/notification_settings.html", {"form": form})
