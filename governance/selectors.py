"""Organisation reads."""

import datetime
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from .models import Membership, Unit, User
from .permissions import agency_roles_of
from .roles import UnitRole


def active_units(day: datetime.date | None = None) -> QuerySet[Unit]:
    return Unit.objects.active_on(day or timezone.localdate())


def memberships_of(user: User, day: datetime.date | None = None) -> list[Membership]:
    return list(
        Membership.objects.active_on(day or timezone.localdate())
        .filter(user=user)
        .select_related("unit")
        .order_by("unit__sort_order", "role")
    )


def primary_unit(user: User, day: datetime.date | None = None) -> Unit | None:
    """The unit a person belongs to: the first of their active memberships."""
    memberships = memberships_of(user, day)
    return memberships[0].unit if memberships else None


def primary_units(user_ids: Iterable[int], day: datetime.date | None = None) -> dict[int, Unit]:
    """primary_unit for many people in one query; people with no membership that day are left
    out. Ordered as memberships_of, so each person's first is the same unit."""
    units: dict[int, Unit] = {}
    for m in (
        Membership.objects.active_on(day or timezone.localdate())
        .filter(user_id__in=list(user_ids))
        .select_related("unit")
        .order_by("unit__sort_order", "role")
    ):
        units.setdefault(m.user_id, m.unit)
    return units


def unit_people(unit: Unit, role: str | None = None, day: datetime.date | None = None) -> list[User]:
    memberships = Membership.objects.active_on(day or timezone.localdate()).filter(unit=unit)
    if role is not None:
        memberships = memberships.filter(role=UnitRole(role))
    return [m.user for m in memberships.select_related("user").order_by("user__username")]


def unit_people_ids(
    unit_ids: Iterable[int], roles: Iterable[str], day: datetime.date | None = None
) -> list[int]:
    """The ids of the people holding any of `roles` in any of the units, in one query."""
    return list(
        Membership.objects.active_on(day or timezone.localdate())
        .filter(unit_id__in=list(unit_ids), role__in=[UnitRole(r) for r in roles])
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )


def person_profile(user: User) -> dict[str, list]:
    """What the home page and the header say about a person."""
    return {
        "memberships": memberships_of(user),
        "agency_roles": agency_roles_of(user),
    }


def sole_person(unit_id: int, role: str, day: datetime.date | None = None) -> User | None:
    """The unit's only holder of the role, or None when there are several (or none).

    Flows assign a step to that person directly; with several, the step waits in
    their shared queue. Only the person's id is read (viewflow stores the task's
    owner id): the user row is not loaded.
    """
    holders = list(
        Membership.objects.active_on(day or timezone.localdate())
        .filter(unit_id=unit_id, role=UnitRole(role))
        .order_by()
        .values_list("user_id", flat=True)
        .distinct()[:2]
    )
    return User(pk=holders[0]) if len(holders) == 1 else None
