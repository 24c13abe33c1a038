"""May this person do X for this unit?

Every view, service and flow asks here. Unit roles are django-guardian object
permissions on Unit rows (few rows, so the per-user permission set stays
small); agency-wide roles are global permissions through groups.
"""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.models import UserObjectPermission

from .models import Membership, Unit, User
from .roles import (
    AGENCY_ROLE_CAPABILITIES,
    AGENCY_ROLE_MODEL_PERMISSIONS,
    UNIT_ROLE_CAPABILITIES,
    UNIT_SCOPED,
    AgencyRole,
    Capability,
    group_name,
)


def can(user, capability, unit=None):
    """True if `user` holds `capability`, for `unit` when the capability is unit-scoped.

    `unit` is a Unit or its id: services that hold a case's unit_id need not load the unit."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    capability = Capability(capability)
    if user.is_superuser:
        return True
    held = _capabilities(user)
    if (capability.value, "") in held:
        return True
    unit_pk = getattr(unit, "pk", unit)
    return capability in UNIT_SCOPED and unit_pk is not None and (capability.value, str(unit_pk)) in held


def holds(user, capability) -> bool:
    """True if one of the person's roles grants `capability` agency-wide; superuser status
    alone does not (separation of duties: an administrator reads no one's appraisal evidence,
    rewards or access log through the site unless a role of theirs says so)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return (Capability(capability).value, "") in _capabilities(user)


def is_overseer(user) -> bool:
    """The director, the deputy (DECIDE_FOR_AGENCY) or the 管考 office (MANAGE_TRACKING): those
    who oversee every unit's work, agency-wide (docs/domain.md: 「角色」, 「誰看得到什麼」; the
    dashboard in 「統計」; the self-assessment and execution report in 「內部自評與執行報告」).

    The one home of this rule: a page that also admits others (auditors through READ_TRAILS,
    unit heads for their units) asks this and adds its own part."""
    return can(user, Capability.DECIDE_FOR_AGENCY) or can(user, Capability.MANAGE_TRACKING)


def can_anywhere(user, capability):
    """True if `user` holds `capability` agency-wide or for at least one unit (no query
    beyond the cached capabilities): for menus that offer a page whose rows are per unit."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    capability = Capability(capability)
    return user.is_superuser or any(code == capability.value for code, _unit in _capabilities(user))


def _capabilities_sql():
    # Plain SQL: the same query through the ORM costs several milliseconds to compile on
    # every request, more than running it.
    permission = Permission._meta.db_table
    user_perms = User.user_permissions.through._meta.db_table
    group_perms = Group.permissions.through._meta.db_table
    user_groups = User.groups.through._meta.db_table
    object_perms = UserObjectPermission._meta.db_table
    # {users} is "= %s" for one person, "IN (%s, …)" for several.
    return f"""
        SELECT up.user_id, p.codename, '' FROM {permission} p
          JOIN {user_perms} up ON up.permission_id = p.id
         WHERE p.content_type_id = %s AND up.user_id {{users}}
        UNION
        SELECT ug.user_id, p.codename, '' FROM {permission} p
          JOIN {group_perms} gp ON gp.permission_id = p.id
          JOIN {user_groups} ug ON ug.group_id = gp.group_id
         WHERE p.content_type_id = %s AND ug.user_id {{users}}
        UNION
        SELECT o.user_id, p.codename, o.object_pk FROM {object_perms} o
          JOIN {permission} p ON p.id = o.permission_id
         WHERE o.content_type_id = %s AND o.user_id {{users}}
    """


_CAPABILITIES_SQL = _capabilities_sql()


def _capabilities(user):
    """The person's capabilities in one query, cached on the user object for the request.

    ("codename", "") for agency-wide ones (the person's or their groups' model
    permissions), ("codename", unit pk) for those held on a unit through a
    membership (guardian user object permissions, written by sync_unit_permissions).
    """
    if getattr(user, "_capabilities_cache", None) is None:
        load_capabilities([user])
    return user._capabilities_cache


def load_capabilities(users):
    """Read several people's capabilities in one query (a service checking each of them)."""
    pending = {u.pk: u for u in users if getattr(u, "_capabilities_cache", None) is None}
    if not pending:
        return
    ids = list(pending)
    users_sql = "= %s" if len(ids) == 1 else f"IN ({', '.join(['%s'] * len(ids))})"
    unit_type = ContentType.objects.get_for_model(Unit).pk
    with connection.cursor() as cursor:
        cursor.execute(_CAPABILITIES_SQL.format(users=users_sql), [unit_type, *ids] * 3)
        rows = cursor.fetchall()
    for user in pending.values():
        user._capabilities_cache = set()
    for user_id, codename, unit_pk in rows:
        pending[user_id]._capabilities_cache.add((codename, unit_pk))


def require(user, capability, unit=None):
    """Raise PermissionDenied unless `can(...)`; services call this first."""
    if not can(user, capability, unit):
        raise PermissionDenied(_("%(capability)s：權限不足") % {"capability": Capability(capability).label})


def units_where(user, capability):
    """The units for which `user` holds `capability` (all of them for agency-wide holders)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Unit.objects.none()
    capability = Capability(capability)
    held = _capabilities(user)
    if user.is_superuser or (capability.value, "") in held:
        return Unit.objects.all()
    if capability not in UNIT_SCOPED:
        return Unit.objects.none()
    return Unit.objects.filter(pk__in=[int(pk) for code, pk in held if code == capability.value and pk])


def unit_ids_where(user, capability) -> list[int] | None:
    """The ids of `units_where(user, capability)` with no query (the capabilities are cached
    on the user), for a filter the planner can match to an index; None for every unit."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    capability = Capability(capability)
    held = _capabilities(user)
    if user.is_superuser or (capability.value, "") in held:
        return None
    if capability not in UNIT_SCOPED:
        return []
    return sorted({int(pk) for code, pk in held if code == capability.value and pk})


def agency_roles_of(user):
    prefix = group_name("")
    return [
        AgencyRole(name[len(prefix) :])
        for name in user.groups.filter(name__startswith=prefix).values_list("name", flat=True)
        if name[len(prefix) :] in AgencyRole.values
    ]


def _capability_permissions():
    unit_type = ContentType.objects.get_for_model(Unit)
    return {
        p.codename: p
        for p in Permission.objects.filter(content_type=unit_type, codename__in=Capability.values)
    }


def sync_agency_role_groups():
    """Create one group per agency-wide role holding exactly its permissions."""
    permissions = _capability_permissions()
    for role, capabilities in AGENCY_ROLE_CAPABILITIES.items():
        group, _ = Group.objects.get_or_create(name=group_name(role))
        model_perms = []
        for dotted in AGENCY_ROLE_MODEL_PERMISSIONS.get(role, []):
            app_label, codename = dotted.split(".")
            model_perms.extend(
                Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set([permissions[c.value] for c in capabilities] + model_perms)


@transaction.atomic
def sync_unit_permissions(user, day=None):
    """Make the user's object permissions on units equal what their active memberships grant.

    Called whenever a membership changes, and daily for memberships that start
    or end on a date.
    """
    day = day or timezone.localdate()
    permissions = _capability_permissions()
    wanted = set()
    for unit_id, role in Membership.objects.active_on(day).filter(user=user).values_list("unit_id", "role"):
        for capability in UNIT_ROLE_CAPABILITIES[role]:
            wanted.add((permissions[capability.value].pk, str(unit_id)))
    unit_type = ContentType.objects.get_for_model(Unit)
    held = {
        (row.permission_id, row.object_pk): row.pk
        for row in UserObjectPermission.objects.filter(
            user=user, content_type=unit_type, permission__codename__in=Capability.values
        )
    }
    stale = [pk for key, pk in held.items() if key not in wanted]
    if stale:
        UserObjectPermission.objects.filter(pk__in=stale).delete()
    UserObjectPermission.objects.bulk_create(
        [
            UserObjectPermission(
                user=user, content_type=unit_type, permission_id=perm_id, object_pk=object_pk
            )
            for perm_id, object_pk in wanted - held.keys()
        ]
    )
    # has_perm caches per user object; drop the caches so the change shows at once.
    for attr in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(attr, None)
    for attr in list(user.__dict__):
        if attr.startswith("_guardian") or attr in ("_viewflow_per_object_perm_cache", "_capabilities_cache"):
            user.__dict__.pop(attr, None)
