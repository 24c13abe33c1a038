"""Organisation services: memberships and roles change only through here."""

import datetime
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Membership, Unit, User
from .permissions import require, sync_agency_role_groups, sync_unit_permissions
from .roles import AgencyRole, Capability, group_name


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
    return membership


@transaction.atomic
def end_membership(
    *, actor: User, membership: Membership, last_day: datetime.date | None = None
) -> Membership:
    """Memberships are ended, not deleted, so history keeps who held a role when."""
    require(actor, Capability.ADMINISTER)
    last_day = last_day or timezone.localdate()
    if last_day < membership.valid_from:
        raise ValidationError(_("結束日不可早於生效日。"))
    membership.valid_until = last_day
    membership.save(update_fields=["valid_until"])
    sync_unit_permissions(membership.user)
    return membership


@transaction.atomic
def set_agency_roles(*, actor: User, user: User, roles: Iterable[str]) -> None:
    require(actor, Capability.ADMINISTER)
    roles = {AgencyRole(r) for r in roles}
    sync_agency_role_groups()
    role_groups = Group.objects.filter(name__in=[group_name(r) for r in AgencyRole])
    user.groups.remove(*role_groups)
    user.groups.add(*Group.objects.filter(name__in=[group_name(r) for r in roles]))
    user.is_staff = AgencyRole.ADMINISTRATOR in roles or user.is_superuser
    user.save(update_fields=["is_staff"])


def sync_all_unit_permissions(day: datetime.date | None = None) -> None:
    """Daily: memberships that start or end today take effect."""

    for user in get_user_model().objects.filter(memberships__isnull=False).distinct():
        sync_unit_permissions(user, day=day)
