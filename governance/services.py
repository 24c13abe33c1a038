"""Organisation services: memberships and roles change only through here."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

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
    assign_agency_roles(actor=actor, user=user, roles=roles)


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


def _joined(*parts: str) -> str:
    return "；".join(p for p in parts if p)


def sync_all_unit_permissions(day: datetime.date | None = None) -> None:
    """Daily: memberships that start or end today take effect."""

    for user in get_user_model().objects.filter(memberships__isnull=False).distinct():
        sync_unit_permissions(user, day=day)
