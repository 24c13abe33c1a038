"""Organisation services: memberships and roles change only through here."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Membership
from .permissions import require, sync_agency_role_groups, sync_unit_permissions
from .roles import AgencyRole, Capability, group_name


@transaction.atomic
def add_membership(*, actor, user, unit, role, valid_from=None, valid_until=None):
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
def end_membership(*, actor, membership, last_day=None):
    """Memberships are ended, not deleted, so history keeps who held a role when."""
    require(actor, Capability.ADMINISTER)
    last_day = last_day or timezone.localdate()
    if last_day < membership.valid_from:
        raise ValidationError("結束日不可早於生效日。")
    membership.valid_until = last_day
    membership.save(update_fields=["valid_until"])
    sync_unit_permissions(membership.user)
    return membership


@transaction.atomic
def set_agency_roles(*, actor, user, roles):
    require(actor, Capability.ADMINISTER)
    roles = {AgencyRole(r) for r in roles}
    sync_agency_role_groups()
    role_groups = Group.objects.filter(name__in=[group_name(r) for r in AgencyRole])
    user.groups.remove(*role_groups)
    user.groups.add(*Group.objects.filter(name__in=[group_name(r) for r in roles]))
    user.is_staff = AgencyRole.ADMINISTRATOR in roles or user.is_superuser
    user.save(update_fields=["is_staff"])


def sync_all_unit_permissions(day=None):
    """Daily: memberships that start or end today take effect."""

    for user in get_user_model().objects.filter(memberships__isnull=False).distinct():
        sync_unit_permissions(user, day=day)
