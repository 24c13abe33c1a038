from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import services, taskbrief
from .models import (
    FailedTask,
    Membership,
    Notification,
    ReminderOffset,
    StepInstruction,
    TrailEvent,
    Unit,
    User,
)
from .permissions import sync_unit_permissions

# Fields of a person that grant access, which nobody sets for themselves in the admin (another
# administrator does); superuser status nobody sets here at all (`manage.py grant_superuser`).
SELF_GRANTED_FIELDS = ("groups", "user_permissions")


class EmailAddressFilter(admin.SimpleListFilter):
    """People without an e-mail address get their notices in the app only: the administrator
    lists them here to fill the address in."""

    title = _("電子郵件")
    parameter_name = "email"

    def lookups(self, request, model_admin):
        return [("missing", _("未填電子郵件（只收系統內通知）")), ("present", _("已填"))]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(email="")
        if self.value() == "present":
            return queryset.exclude(email="")
        return queryset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "full_name", "job_title", "email", "is_active", "is_staff")
    list_filter = (EmailAddressFilter, *DjangoUserAdmin.list_filter)
    search_fields = ("username", "full_name", "email")
    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("機關資料"), {"fields": ("full_name", "job_title", "language", "directory_dn")}),
    )
    # Written by the directory (governance.directory); empty for local accounts.
    readonly_fields = ("directory_dn",)

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), "is_superuser"]
        if obj is not None and obj.pk == request.user.pk:
            fields += SELF_GRANTED_FIELDS
        return fields

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST":
            self._refuse_escalation(request, object_id)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _refuse_escalation(self, request, object_id):
        """A POST that sets what the form does not offer is refused outright (403), not
        quietly ignored: someone tried, and the refusal says so."""
        target = self.get_object(request, object_id) if object_id else None
        wants_superuser = request.POST.get("is_superuser") in ("on", "true", "True", "1")
        if wants_superuser and not (target is not None and target.is_superuser):
            raise PermissionDenied(
                gettext("超級使用者不能在管理介面授予，請以 manage.py grant_superuser 指令辦理並註明理由。")
            )
        if target is not None and target.pk == request.user.pk:
            for field_name in SELF_GRANTED_FIELDS:
                if field_name not in request.POST:
                    continue
                held = {str(pk) for pk in getattr(target, field_name).values_list("pk", flat=True)}
                if set(request.POST.getlist(field_name)) != held:
                    raise PermissionDenied(gettext("不可授予自己角色或權限，請由其他系統管理者辦理。"))

    def save_model(self, request, obj, form, change):
        # The state before, to record each change of access once the groups are saved too.
        request._account_before = services.account_state(obj) if change else services.NO_ACCOUNT
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before = getattr(request, "_account_before", None)
        if before is not None:
            services.record_account_changes(
                actor=request.user, user=form.instance, before=before, comment="管理介面"
            )


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "short_name", "kind", "valid_from", "valid_until")
    search_fields = ("code", "name", "short_name")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Every change re-syncs the person's unit permissions, so the admin cannot leave them stale."""

    list_display = ("user", "unit", "role", "valid_from", "valid_until")
    list_filter = ("unit", "role")
    search_fields = ("user__username", "user__full_name")
    autocomplete_fields = ("user",)

    def save_model(self, request, obj, form, change):
        before = Membership.objects.select_related("user", "unit").get(pk=obj.pk) if change else None
        # Nobody grants a unit role to themselves, nor edits their own (another administrator does).
        if obj.user_id == request.user.pk or (before is not None and before.user_id == request.user.pk):
            raise PermissionDenied(gettext("不可授予自己單位職務或角色，請由其他系統管理者辦理。"))
        super().save_model(request, obj, form, change)
        sync_unit_permissions(obj.user)
        if before is not None and before.user != obj.user:
            sync_unit_permissions(before.user)
        services.record_membership_saved(actor=request.user, membership=obj, before=before)

    def delete_model(self, request, obj):
        user = obj.user
        services.record_membership_deleted(actor=request.user, membership=obj)
        super().delete_model(request, obj)
        sync_unit_permissions(user)

    def delete_queryset(self, request, queryset):
        memberships = list(queryset.select_related("user", "unit"))
        for membership in memberships:
            services.record_membership_deleted(actor=request.user, membership=membership)
        super().delete_queryset(request, queryset)
        for user in {m.user for m in memberships}:
            sync_unit_permissions(user)


@admin.register(TrailEvent)
class TrailEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only."""

    list_display = ("case_kind", "case_ref", "sequence", "occurred_at", "actor_name", "action")
    list_filter = ("case_kind",)
    search_fields = ("case_ref", "actor_name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FailedTask)
class FailedTaskAdmin(admin.ModelAdmin):
    """Background tasks that failed for good: read, then mark as handled."""

    list_display = ("failed_at", "task_name", "error", "retries", "resolved")
    list_filter = ("resolved", "task_name")
    search_fields = ("task_name", "task_id", "error", "arguments")
    readonly_fields = ("task_name", "task_id", "arguments", "error", "traceback", "failed_at", "retries")
    list_editable = ("resolved",)

    def has_add_permission(self, request):
        return False


@admin.register(ReminderOffset)
class ReminderOffsetAdmin(admin.ModelAdmin):
    list_display = ("days", "level")
    list_editable = ("level",)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: what was told to whom, and e-mails that could not be sent."""

    list_display = (
        "created_at",
        "recipient",
        "kind",
        "subject",
        "emailed_at",
        "email_attempts",
        "email_error",
    )
    list_filter = ("kind", ("emailed_at", admin.EmptyFieldListFilter))
    search_fields = ("recipient__username", "recipient__full_name", "subject", "key")
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(StepInstruction)
class StepInstructionAdmin(admin.ModelAdmin):
    """Each flow step's instructions, shown at the top of its task page. The rows are the flows'
    steps (made after migrate): the administrator rewords them, and adds or removes none."""

    list_display = ("step_title", "text_or_default")
    fields = ("step_title", "default_text", "text")
    readonly_fields = ("step_title", "default_text")

    @admin.display(description=_("步驟"))
    def step_title(self, obj):
        return taskbrief.step_titles().get(obj.step, obj.step)

    @admin.display(description=_("系統預設說明"))
    def default_text(self, obj):
        return taskbrief.default_instructions(obj.step)

    @admin.display(description=_("辦理說明"))
    def text_or_default(self, obj):
        return obj.text or _("（預設）%(text)s") % {"text": taskbrief.default_instructions(obj.step)}

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
