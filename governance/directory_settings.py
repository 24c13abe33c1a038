"""The directory's settings (Active Directory or LDAP), from the environment's variables.

Kept apart from governance.directory, which needs the apps loaded: the settings module calls
`directory_settings` with the variables while Django starts, and tests call it with their own,
so both configure the directory the same way. Off (no settings at all) unless LDAP_SERVER_URI
is set. README: "Directory (Active Directory or LDAP)".
"""

import json
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from .roles import AgencyRole, UnitRole

# The attribute names both Active Directory and OpenLDAP's inetOrgPerson use.
DEFAULT_ATTR_MAP = {"full_name": "displayName", "email": "mail", "job_title": "title"}
DEFAULT_GROUP_FILTER = "(|(objectClass=group)(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))"


def _json(env: Mapping[str, str], name: str, default: dict) -> dict[str, str]:
    raw = env.get(name, "").strip()
    if not raw:
        return dict(default)
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ImproperlyConfigured(f"{name} is not valid JSON: {error}") from error
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ImproperlyConfigured(f'{name} must be a JSON object of strings: {{"<DN>": "<value>"}}')
    return value


def directory_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """The Django settings of the directory, or {} when LDAP_SERVER_URI is not set."""
    uri = env.get("LDAP_SERVER_URI", "").strip()
    if not uri:
        return {}
    # Imported only when configured: a site without a directory never loads libldap.
    import ldap
    from django_auth_ldap.config import LDAPSearch

    base = env.get("LDAP_BASE_DN", "").strip()
    user_base = env.get("LDAP_USER_BASE", "").strip() or base
    if not user_base:
        raise ImproperlyConfigured("LDAP_SERVER_URI is set: set LDAP_BASE_DN (or LDAP_USER_BASE) too.")
    username_attr = env.get("LDAP_USERNAME_ATTR", "").strip() or "uid"
    user_filter = (
        env.get("LDAP_USER_FILTER", "").strip() or f"(&(objectClass=person)({username_attr}=%(user)s))"
    )
    if "%(user)s" not in user_filter:
        raise ImproperlyConfigured("LDAP_USER_FILTER must contain %(user)s where the login name goes.")
    # A directory group maps to a unit role (held in the person's units) or an agency role.
    known = {*UnitRole.values, *AgencyRole.values}
    role_map = _json(env, "LDAP_ROLE_MAP", {})
    unknown = sorted(set(role_map.values()) - known)
    if unknown:
        raise ImproperlyConfigured(f"LDAP_ROLE_MAP names unknown roles {unknown}; known: {sorted(known)}")
    return {
        "AUTH_LDAP_SERVER_URI": uri,
        "AUTH_LDAP_BIND_DN": env.get("LDAP_BIND_DN", ""),
        "AUTH_LDAP_BIND_PASSWORD": env.get("LDAP_BIND_PASSWORD", ""),
        "AUTH_LDAP_START_TLS": env.get("LDAP_START_TLS", "").strip().lower() in {"1", "true", "yes", "on"},
        "AUTH_LDAP_USER_SEARCH": LDAPSearch(user_base, ldap.SCOPE_SUBTREE, user_filter),
        "AUTH_LDAP_USER_ATTR_MAP": _json(env, "LDAP_USER_ATTR_MAP", DEFAULT_ATTR_MAP),
        # Name, e-mail and title follow the directory at every login, not only the first.
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
        # Active Directory answers a search of the domain root with referrals that libldap would
        # follow anonymously (and fail); a few seconds' limit so a dead server does not hang logins.
        "AUTH_LDAP_CONNECTION_OPTIONS": {
            ldap.OPT_REFERRALS: 0,
            ldap.OPT_NETWORK_TIMEOUT: int(env.get("LDAP_TIMEOUT_SECONDS", "").strip() or "5"),
        },
        # Our own (governance.directory): who is where, and what the nightly sync reads.
        "LDAP_USERNAME_ATTR": username_attr,
        "LDAP_USER_FILTER": user_filter,
        "LDAP_USER_BASE": user_base,
        "LDAP_GROUP_BASE": env.get("LDAP_GROUP_BASE", "").strip() or base or user_base,
        "LDAP_GROUP_FILTER": env.get("LDAP_GROUP_FILTER", "").strip() or DEFAULT_GROUP_FILTER,
        "LDAP_UNIT_MAP": _json(env, "LDAP_UNIT_MAP", {}),
        "LDAP_ROLE_MAP": role_map,
    }
