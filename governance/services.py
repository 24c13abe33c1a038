"""Organisation services: memberships and roles change only through here."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import access_log
from .models import Membership, Unit, User
from .permissions import agency_roles_of, require, sync_agency_role_groups, sync_unit_permissions
from .roles import AgencyRole, Capability, UnitRole, group_name
from .trail import record_event

# A person's memberships and agency roles have a trail of their own (who changed them, when),
# as cases do: auditors read who held a role when, and the directory sync leaves the same record.
PERSON_KIND = "person"


def person_trail_ref(user: User) -> str:
    # The row's id, not the login: a local login can be renamed in the admin.
    return str(user.pk)


def _role_text(role: str) -> str:
    # Kept texts (the trail): in the agency's language, whatever the actor's interface is in.
    with translation.override(settings.LANGUAGE_CODE):
        if role in UnitRole.values:
            return str(UnitRole(role).label)
        return str(AgencyRole(role).label)


@transaction.atomic
def add_membership(
    *,
    actor: User,
    user: User,
    unit: Unit,
    role: str,
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
) -> Membership:
    require(actor, Capability.ADMINISTER)
    refuse_self_grant(actor, user)
    return open_membership(
        actor=actor, user=user, unit=unit, role=role, valid_from=valid_from, valid_until=valid_until
    )


@transaction.atomic
def end_membership(
    *, actor: User, membership: Membership, last_day: datetime.date | None = None
) -> Membership:
    """Memberships are ended, not deleted, so history keeps who held a role when."""
    require(actor, Capability.ADMINISTER)
    return close_membership(actor=actor, membership=membership, last_day=last_day)


@transaction.atomic
def set_agency_roles(*, actor: User, user: User, roles: Iterable[str]) -> None:
    require(actor, Capability.ADMINISTER)
    refuse_self_grant(actor, user)
    assign_agency_roles(actor=actor, user=user, roles=roles)


def refuse_self_grant(actor: User, user: User) -> None:
    """Separation of duties: nobody grants roles or memberships to themselves; another
    administrator does, and the access log shows who."""
    if actor is not None and actor.pk == user.pk:
        raise PermissionDenied(_("不可授予自己單位職務或角色，請由其他系統管理者辦理。"))


# The same changes without the permission check, for the system itself (actor None: the
# directory sync, governance.directory) and for callers that checked already.


@transaction.atomic
def open_membership(
    *,
    actor: User | None,
    user: User,
    unit: Unit,
    role: str,
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    comment: str = "",
) -> Membership:
    membership = Membership(
        user=user,
        unit=unit,
        role=role,
        valid_from=valid_from or timezone.localdate(),
        valid_until=valid_until,
    )
    membership.full_clean()
    membership.save()
    sync_unit_permissions(user)
    record_event(
        case_kind=PERSON_KIND,
        case_ref=person_trail_ref(user),
        actor=actor,
        action="加入單位",
        to_state=f"{unit.name} {_role_text(role)}",
        comment=_joined(f"{user.get_full_name()}（{user.username}），自 {membership.valid_from}", comment),
    )
    access_log.record_change(
        actor=actor,
        subject=user,
        action=access_log.Action.MEMBERSHIP_ADDED,
        detail=_joined(f"{unit.name} {_role_text(role)}，自 {membership.valid_from}", comment),
    )
    return membership


@transaction.atomic
def close_membership(
    *,
    actor: User | None,
    membership: Membership,
    last_day: datetime.date | None = None,
    comment: str = "",
) -> Membership:
    last_day = last_day or timezone.localdate()
    if last_day < membership.valid_from:
        raise ValidationError(_("結束日不可早於生效日。"))
    membership.valid_until = last_day
    membership.save(update_fields=["valid_until"])
    sync_unit_permissions(membership.user)
    user = membership.user
    record_event(
        case_kind=PERSON_KIND,
        case_ref=person_trail_ref(user),
        actor=actor,
        action="結束單位職務",
        from_state=f"{membership.unit.name} {_role_text(membership.role)}",
        comment=_joined(f"{user.get_full_name()}（{user.username}），至 {last_day}", comment),
    )
    access_log.record_change(
        actor=actor,
        subject=user,
        action=access_log.Action.MEMBERSHIP_ENDED,
        detail=_joined(f"{membership.unit.name} {_role_text(membership.role)}，至 {last_day}", comment),
    )
    return membership


@transaction.atomic
def assign_agency_roles(*, actor: User | None, user: User, roles: Iterable[str], comment: str = "") -> None:
    roles = {AgencyRole(r) for r in roles}
    before = set(agency_roles_of(user))
    sync_agency_role_groups()
    role_groups = Group.objects.filter(name__in=[group_name(r) for r in AgencyRole])
    user.groups.remove(*role_groups)
    user.groups.add(*Group.objects.filter(name__in=[group_name(r) for r in roles]))
    user.is_staff = AgencyRole.ADMINISTRATOR in roles or user.is_superuser
    user.save(update_fields=["is_staff"])
    if roles != before:
        record_event(
            case_kind=PERSON_KIND,
            case_ref=person_trail_ref(user),
            actor=actor,
            action="設定全機關角色",
            from_state="、".join(sorted(_role_text(r) for r in before)),
            to_state="、".join(sorted(_role_text(r) for r in roles)),
            comment=_joined(f"{user.get_full_name()}（{user.username}）", comment),
        )
        access_log.record_change(
            actor=actor,
            subject=user,
            action=access_log.Action.AGENCY_ROLES_CHANGED,
            detail=_joined(_roles_change_text(before, roles), comment),
        )


def _roles_change_text(before: Iterable[str], after: Iterable[str]) -> str:
    def listed(roles):
        return "、".join(sorted(_role_text(r) for r in roles)) or "無"

    return f"{listed(before)} → {listed(after)}"


def _joined(*parts: str) -> str:
    return "；".join(p for p in parts if p)


def sync_all_unit_permissions(day: datetime.date | None = None) -> None:
    """Daily: memberships that start or end today take effect."""

    for user in get_user_model().objects.filter(memberships__isnull=False).distinct():
        sync_unit_permissions(user, day=day)


# ---------------------------------------------------------------- changes made in the admin


@dataclass(frozen=True)
class AccountState:
    """What the admin's user form can change that grants or removes access."""

    is_active: bool
    is_staff: bool
    is_superuser: bool
    agency_roles: frozenset[str]
    permissions: frozenset[str]


# A person not yet saved: an account made in the admin is recorded as activated.
NO_ACCOUNT = AccountState(False, False, False, frozenset(), frozenset())


def account_state(user: User) -> AccountState:
    """The person's state as stored (not as an unsaved form has set it)."""
    stored = User.objects.get(pk=user.pk)
    return AccountState(
        is_active=stored.is_active,
        is_staff=stored.is_staff,
        is_superuser=stored.is_superuser,
        agency_roles=frozenset(r.value for r in agency_roles_of(stored)),
        permissions=frozenset(
            f"{app}.{code}"
            for app, code in stored.user_permissions.values_list("content_type__app_label", "codename")
        ),
    )


_FLAG_ACTIONS = {
    # field: (action when it becomes true, when it becomes false, the trail's wording)
    "is_active": (access_log.Action.ACTIVATED, access_log.Action.DEACTIVATED, "帳號啟用"),
    "is_staff": (access_log.Action.STAFF_GRANTED, access_log.Action.STAFF_REVOKED, "管理介面權限"),
    "is_superuser": (
        access_log.Action.SUPERUSER_GRANTED,
        access_log.Action.SUPERUSER_REVOKED,
        "超級使用者",
    ),
}


@transaction.atomic
def record_account_changes(
    *, actor: User | None, user: User, before: AccountState, comment: str = "", actor_name: str = ""
) -> None:
    """Compare the person's stored state with `before` and record each change of access, in
    the person's trail and in the access log (the admin's user form; grant_superuser)."""
    after = account_state(user)
    who = f"{user.get_full_name()}（{user.username}）"
    for field_name, (granted, revoked, wording) in _FLAG_ACTIONS.items():
        old, new = getattr(before, field_name), getattr(after, field_name)
        if old == new:
            continue
        yes_no = {True: "是", False: "否"}
        record_event(
            case_kind=PERSON_KIND,
            case_ref=person_trail_ref(user),
            actor=actor,
            action=f"變更{wording}",
            from_state=yes_no[old],
            to_state=yes_no[new],
            comment=_joined(who, comment),
        )
        access_log.record_change(
            actor=actor,
            subject=user,
            action=granted if new else revoked,
            detail=comment,
            actor_name=actor_name,
        )
    if before.agency_roles != after.agency_roles:
        record_event(
            case_kind=PERSON_KIND,
            case_ref=person_trail_ref(user),
            actor=actor,
            action="設定全機關角色",
            from_state="、".join(sorted(_role_text(r) for r in before.agency_roles)),
            to_state="、".join(sorted(_role_text(r) for r in after.agency_roles)),
            comment=_joined(who, comment),
        )
        access_log.record_change(
            actor=actor,
            subject=user,
            action=access_log.Action.AGENCY_ROLES_CHANGED,
            detail=_joined(_roles_change_text(before.agency_roles, after.agency_roles), comment),
            actor_name=actor_name,
        )
    if before.permissions != after.permissions:
        change = "、".join(
            [f"+{p}" for p in sorted(after.permissions - before.permissions)]
            + [f"-{p}" for p in sorted(before.permissions - after.permissions)]
        )
        record_event(
            case_kind=PERSON_KIND,
            case_ref=person_trail_ref(user),
            actor=actor,
            action="變更個別權限",
            to_state=change,
            comment=_joined(who, comment),
        )
        access_log.record_change(
            actor=actor,
            subject=user,
            action=access_log.Action.PERMISSIONS_CHANGED,
            detail=_joined(change, comment),
            actor_name=actor_name,
        )


def _membership_text(membership: Membership) -> str:
    until = f"至 {membership.valid_until}" if membership.valid_until else "未定結束日"
    return f"{membership.unit.name} {_role_text(membership.role)}（自 {membership.valid_from}，{until}）"


@transaction.atomic
def record_membership_saved(*, actor: User, membership: Membership, before: Membership | None) -> None:
    """A membership added or edited in the admin: the person's trail and the access log, as
    open_membership and close_membership write them."""
    user = membership.user
    who = f"{user.get_full_name()}（{user.username}）"
    if before is None:
        action, trail_action, detail = (
            access_log.Action.MEMBERSHIP_ADDED,
            "加入單位",
            _membership_text(membership),
        )
    else:
        action, trail_action = access_log.Action.MEMBERSHIP_CHANGED, "修改單位職務"
        detail = f"{_membership_text(before)} → {_membership_text(membership)}"
    record_event(
        case_kind=PERSON_KIND,
        case_ref=person_trail_ref(user),
        actor=actor,
        action=trail_action,
        from_state=_membership_text(before) if before is not None else "",
        to_state=_membership_text(membership),
        comment=who,
    )
    access_log.record_change(actor=actor, subject=user, action=action, detail=detail)
    if before is not None and before.user_id != membership.user_id:
        # Moved to another person: the first one loses it.
        access_log.record_change(
            actor=actor,
            subject=before.user,
            action=access_log.Action.MEMBERSHIP_ENDED,
            detail=_membership_text(before),
        )


@transaction.atomic
def record_membership_deleted(*, actor: User, membership: Membership) -> None:
    user = membership.user
    record_event(
        case_kind=PERSON_KIND,
        case_ref=person_trail_ref(user),
        actor=actor,
        action="刪除單位職務",
        from_state=_membership_text(membership),
        comment=f"{user.get_full_name()}（{user.username}）",
    )
    access_log.record_change(
        actor=actor,
        subject=user,
        action=access_log.Action.MEMBERSHIP_ENDED,
        detail=_joined(_membership_text(membership), "刪除"),
    )


@transaction.atomic
def set_superuser(*, user: User, grant: bool, reason: str, operator: str) -> bool:
    """Superuser status, granted or revoked only by the management command (never in the web
    admin), with a reason, recorded in the person's trail and the access log. `operator` names
    who ran the command (the server account). False when nothing changed."""
    if not reason.strip():
        raise ValidationError(_("請註明理由。"))
    before = account_state(user)
    if before.is_superuser == grant:
        return False
    user.is_superuser = grant
    # The admin site is how a superuser works; revoking leaves is_staff to the person's roles.
    user.is_staff = grant or AgencyRole.ADMINISTRATOR in before.agency_roles
    user.save(update_fields=["is_superuser", "is_staff"])
    record_account_changes(actor=None, user=user, before=before, comment=reason.strip(), actor_name=operator)
    return True
