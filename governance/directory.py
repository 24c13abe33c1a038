"""Accounts from the agency's directory (Active Directory or OpenLDAP), through django-auth-ldap.

People log in with their directory password (DirectoryBackend); their name, e-mail and title
come from the directory, and so do their units and roles: LDAP_UNIT_MAP maps an OU (the person's
entry lies under it) or a group (the person is in it, directly or through nested groups) to a
unit code; LDAP_ROLE_MAP maps a group to a unit role, held in each of the person's units, or to
an agency role. The nightly sync (`sync_directory`) does the same for every directory user and
takes access away from those who left (entry gone, or disabled in Active Directory).

Changes go through governance.services, so guardian permissions follow and each change is in
the person's trail. Accounts without a DN (local accounts: external committee members, the
administrator) are never touched here. Settings: governance.directory_settings.
"""

import datetime
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

import ldap
import ldap.dn
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_auth_ldap.backend import LDAPBackend
from ldap.controls import SimplePagedResultsControl

from . import access_log, services
from .models import Membership, Unit, User
from .permissions import agency_roles_of
from .roles import AgencyRole, UnitRole

logger = logging.getLogger(__name__)

# Active Directory's userAccountControl: the ACCOUNTDISABLE bit.
AD_ACCOUNT_DISABLED = 0x2
SYNC_COMMENT = "依目錄同步"  # kept in the trail, in the agency's language


def enabled() -> bool:
    return bool(getattr(settings, "AUTH_LDAP_SERVER_URI", ""))


def normalize_dn(dn: str) -> str:
    """One spelling per DN: AD and OpenLDAP compare DNs without case and around-comma spaces."""
    try:
        return ldap.dn.dn2str([[(a.lower(), v.lower(), t) for a, v, t in rdn] for rdn in ldap.dn.str2dn(dn)])
    except ldap.DECODING_ERROR:
        return dn.strip().lower()


def _under(dn: str, container: str) -> bool:
    return dn == container or dn.endswith("," + container)


# ---------------------------------------------------------------- reading the directory


def connect() -> "ldap.ldapobject.LDAPObject":
    """A connection bound with the service account (LDAP_BIND_DN), as django-auth-ldap's."""
    conn = ldap.initialize(settings.AUTH_LDAP_SERVER_URI)
    for option, value in getattr(settings, "AUTH_LDAP_CONNECTION_OPTIONS", {}).items():
        conn.set_option(option, value)
    if getattr(settings, "AUTH_LDAP_START_TLS", False):
        conn.start_tls_s()
    conn.simple_bind_s(settings.AUTH_LDAP_BIND_DN, settings.AUTH_LDAP_BIND_PASSWORD)
    return conn


def _search(conn, base: str, filterstr: str, attrs: list[str]) -> list[tuple[str, dict]]:
    # Paged: Active Directory returns at most 1000 entries per page.
    control = SimplePagedResultsControl(True, size=500, cookie="")
    found = []
    while True:
        msgid = conn.search_ext(base, ldap.SCOPE_SUBTREE, filterstr, attrs, serverctrls=[control])
        _type, data, _msgid, controls = conn.result3(msgid)
        # Referrals come back as entries without a DN.
        found.extend((dn, entry) for dn, entry in data if dn)
        cookies = [c.cookie for c in controls if c.controlType == control.controlType]
        if not cookies or not cookies[0]:
            return found
        control.cookie = cookies[0]


class GroupIndex:
    """Every group under LDAP_GROUP_BASE with its members, read in one search, so that a
    person's groups, nested ones included, are worked out here and not with a search each."""

    def __init__(self, conn):
        self.member_of: dict[str, set[str]] = {}  # member DN -> the groups listing it directly
        for dn, entry in _search(
            conn,
            settings.LDAP_GROUP_BASE,
            settings.LDAP_GROUP_FILTER,
            ["member", "uniqueMember"],
        ):
            group = normalize_dn(dn)
            for value in [*entry.get("member", []), *entry.get("uniqueMember", [])]:
                # groupOfUniqueNames may add "#'0101'B" (a unique id) to the DN.
                member = normalize_dn(value.decode("utf-8").split("#", 1)[0])
                self.member_of.setdefault(member, set()).add(group)

    def groups_of(self, dn: str) -> set[str]:
        """The groups a DN is in, directly or through groups in groups (cycles are harmless)."""
        found: set[str] = set()
        pending = [normalize_dn(dn)]
        while pending:
            for group in self.member_of.get(pending.pop(), ()):
                if group not in found:
                    found.add(group)
                    pending.append(group)
        return found


@dataclass
class Placement:
    """What the directory says of one person: units with their roles, and agency roles."""

    unit_roles: set[tuple[str, str]] = field(default_factory=set)  # (unit code, UnitRole)
    agency_roles: set[str] = field(default_factory=set)

    @property
    def maps_to_anything(self) -> bool:
        return bool(self.unit_roles or self.agency_roles)


def _normalized_map(mapping: Mapping[str, str]) -> dict[str, str]:
    return {normalize_dn(dn): value for dn, value in mapping.items()}


def placement(dn: str, groups: set[str]) -> Placement:
    """Units from LDAP_UNIT_MAP (an OU above the entry, or a group it is in); roles from
    LDAP_ROLE_MAP. A unit role counts in each of the person's units; with none, staff."""
    dn = normalize_dn(dn)
    units = {
        code
        for key, code in _normalized_map(settings.LDAP_UNIT_MAP).items()
        if _under(dn, key) or key in groups
    }
    roles = {role for key, role in _normalized_map(settings.LDAP_ROLE_MAP).items() if key in groups}
    unit_roles = {r for r in roles if r in UnitRole.values} or {UnitRole.STAFF.value}
    # Staff is part of what a head or a liaison holds (governance.roles): not a second row.
    if unit_roles != {UnitRole.STAFF.value}:
        unit_roles.discard(UnitRole.STAFF.value)
    return Placement(
        unit_roles={(code, role) for code in units for role in unit_roles},
        agency_roles={r for r in roles if r in AgencyRole.values},
    )


def is_disabled(entry: Mapping[str, list[bytes]]) -> bool:
    values = entry.get("userAccountControl") or []
    try:
        return bool(values and int(values[0]) & AD_ACCOUNT_DISABLED)
    except ValueError:
        return False


def _text(entry: Mapping[str, list[bytes]], attr: str) -> str | None:
    values = entry.get(attr)
    return values[0].decode("utf-8") if values else None


# ---------------------------------------------------------------- applying it


def apply_placement(
    user: User, place: Placement, *, today: datetime.date | None = None, units_too: bool | None = None
) -> bool:
    """Make the person's memberships and mapped agency roles what the directory says; True if
    anything changed. Agency roles that no LDAP_ROLE_MAP group grants stay as the
    administrator set them; so do memberships while LDAP_UNIT_MAP is empty (a site that takes
    only the passwords from its directory), unless `units_too`."""
    today = today or timezone.localdate()
    changed = False
    if units_too is None:
        units_too = bool(settings.LDAP_UNIT_MAP)
    if units_too:
        changed = _apply_units(user, place, today)
    managed = set(settings.LDAP_ROLE_MAP.values()) & set(AgencyRole.values)
    before = {r.value for r in agency_roles_of(user)}
    after = (before - managed) | place.agency_roles
    if after != before:
        services.assign_agency_roles(actor=None, user=user, roles=after, comment=SYNC_COMMENT)
        changed = True
    return changed


def _apply_units(user: User, place: Placement, today: datetime.date) -> bool:
    changed = False
    codes = {code for code, _role in place.unit_roles}
    units = {u.code: u for u in Unit.objects.active_on(today).filter(code__in=codes)}
    for code in codes - units.keys():
        logger.warning(
            "LDAP_UNIT_MAP names unit %r, which is not in force: %s left out of it", code, user.username
        )
    wanted = {(code, role) for code, role in place.unit_roles if code in units}
    current = list(Membership.objects.active_on(today).filter(user=user).select_related("unit"))
    held = {(m.unit.code, m.role) for m in current}
    for membership in current:
        if membership.valid_until is not None and membership.valid_until <= today:
            continue  # already ends today: ended earlier today (one begun today cannot end sooner)
        if (membership.unit.code, membership.role) not in wanted:
            _end(membership, today)
            changed = True
    for code, role in sorted(wanted - held):
        services.open_membership(
            actor=None, user=user, unit=units[code], role=role, valid_from=today, comment=SYNC_COMMENT
        )
        changed = True
    return changed


def _end(membership: Membership, today: datetime.date) -> None:
    # The nightly run ends a membership on the day before (the person moved as of today); one
    # that began today can end no earlier than today.
    last_day = max(today - datetime.timedelta(days=1), membership.valid_from)
    services.close_membership(actor=None, membership=membership, last_day=last_day, comment=SYNC_COMMENT)


def _update_person(user: User, dn: str, entry: Mapping[str, list[bytes]]) -> None:
    for field_name, attr in settings.AUTH_LDAP_USER_ATTR_MAP.items():
        value = _text(entry, attr)
        if value is not None:
            setattr(user, field_name, value)
    user.directory_dn = dn
    user.is_active = True


@transaction.atomic
def remove_access(user: User, *, today: datetime.date | None = None) -> None:
    """Someone who left the directory: no login, no unit, no mapped role. The records stay."""
    today = today or timezone.localdate()
    was_active = user.is_active
    user.is_active = False
    user.save(update_fields=["is_active"])
    if was_active:
        access_log.record_change(
            actor=None, subject=user, action=access_log.Action.DEACTIVATED, detail=SYNC_COMMENT
        )
    apply_placement(user, Placement(), today=today, units_too=True)


def is_local(user: User) -> bool:
    """A local account: no directory DN and a password of its own. Never taken over."""
    return not user.directory_dn and user.has_usable_password()


@dataclass
class SyncResult:
    updated: int = 0
    created: int = 0
    changed: int = 0
    removed: int = 0
    failed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "updated": self.updated,
            "created": self.created,
            "changed": self.changed,
            "removed": self.removed,
            "failed": self.failed,
        }


def _directory_people(conn) -> dict[str, tuple[str, dict]]:
    """Every directory user the login filter finds, by lower-case login name."""
    attr = settings.LDAP_USERNAME_ATTR
    everyone = settings.LDAP_USER_FILTER.replace("%(user)s", "*")
    wanted = [attr, "userAccountControl", *settings.AUTH_LDAP_USER_ATTR_MAP.values()]
    people = {}
    for dn, entry in _search(conn, settings.LDAP_USER_BASE, everyone, wanted):
        username = _text(entry, attr)
        if username:
            people[username.lower()] = (dn, entry)
    return people


class DirectoryEmpty(Exception):
    pass


def sync_directory(*, today: datetime.date | None = None) -> SyncResult:
    """Nightly: each directory user's name, units and roles as the directory says; people the
    directory maps to a unit or role get an account before their first login; those who left
    it lose access. A failure for one person is logged and the others go on."""
    today = today or timezone.localdate()
    result = SyncResult()
    conn = connect()
    try:
        people = _directory_people(conn)
        index = GroupIndex(conn)
    finally:
        conn.unbind_s()
    User = get_user_model()
    known = {u.username.lower(): u for u in User.objects.exclude(directory_dn="")}
    if not people and known:
        # A wrong base or filter, or a directory answering with nothing, is not everyone leaving.
        raise DirectoryEmpty(
            f"The directory lists nobody under {settings.LDAP_USER_BASE} with {settings.LDAP_USER_FILTER}: "
            f"{len(known)} directory accounts left as they are."
        )
    for username, (dn, entry) in sorted(people.items()):
        user = known.pop(username, None)
        try:
            with transaction.atomic():
                if is_disabled(entry):
                    if user is not None and user.is_active:
                        remove_access(user, today=today)
                        result.removed += 1
                    continue
                place = placement(dn, index.groups_of(dn))
                if user is None:
                    user = User.objects.filter(username__iexact=username).first()
                    if user is not None and is_local(user):
                        continue  # a local account that happens to share the name
                    if user is None and not place.maps_to_anything:
                        continue  # not one of ours until they log in
                    if user is None:
                        user = User(username=username)
                        user.set_unusable_password()
                        result.created += 1
                was_active = user.pk is not None and user.is_active
                _update_person(user, dn, entry)
                user.save()
                if not was_active:
                    access_log.record_change(
                        actor=None, subject=user, action=access_log.Action.ACTIVATED, detail=SYNC_COMMENT
                    )
                result.updated += 1
                result.changed += apply_placement(user, place, today=today)
        except Exception:
            logger.exception("Directory sync failed for %s", username)
            result.failed.append(username)
    # Directory users the directory no longer lists.
    for username, user in sorted(known.items()):
        if user.is_active or Membership.objects.active_on(today).filter(user=user).exists():
            try:
                remove_access(user, today=today)
                result.removed += 1
            except Exception:
                logger.exception("Directory sync could not remove %s", username)
                result.failed.append(username)
    logger.info("Directory sync: %s", result.as_dict())
    return result


# ---------------------------------------------------------------- logging in


class DirectoryBackend(LDAPBackend):
    """django-auth-ldap's backend: the directory password; then the person's units and roles
    from the directory at once, so a first login does not wait for the nightly sync."""

    def get_or_build_user(self, username, ldap_user):
        user, built = super().get_or_build_user(username, ldap_user)
        if not built and is_local(user):
            # The administrator or an external member whose login a directory entry shares:
            # only their own password logs them in (the model backend, after this one).
            raise ldap_user.AuthenticationFailed(f"{username} is a local account")
        user.directory_dn = ldap_user.dn
        return user, built

    def authenticate_ldap_user(self, ldap_user, password):
        # Active Directory refuses the password of a disabled account itself; a directory that
        # copies its userAccountControl may not.
        if ldap_user.attrs is not None and is_disabled(ldap_user.attrs):
            return None
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is None:
            return None
        # The password was right: whatever goes wrong below, the person logs in, with the units
        # the last sync left them (it tries again tonight).
        try:
            conn = connect()
            try:
                groups = GroupIndex(conn).groups_of(ldap_user.dn)
            finally:
                conn.unbind_s()
            with transaction.atomic():
                apply_placement(user, placement(ldap_user.dn, groups))
        except Exception:
            logger.exception("Could not place %s from the directory at login", user.username)
        return user
