"""Roles and what each one may do.

A capability is a permission codename on the Unit model. Unit roles grant it
as a django-guardian object permission on that one Unit; agency-wide roles
grant it as a global permission through their group, which counts for every
unit. The mapping is the single place that says who may do what.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Capability(models.TextChoices):
    # Unit-scoped: held on one unit through a membership, or agency-wide through a role.
    VIEW_UNIT_CASES = "view_unit_cases", _("檢視單位案件")
    SUBMIT_FOR_UNIT = "submit_for_unit", _("以單位名義提案")
    REPORT_UNIT_PROGRESS = "report_unit_progress", _("填報單位辦理情形")
    REVIEW_UNIT_CASES = "review_unit_cases", _("單位主管審核")
    # Agency-wide only.
    DECIDE_FOR_AGENCY = "decide_for_agency", _("館長決行")
    MANAGE_TRACKING = "manage_tracking", _("管考作業")
    SCORE_PROPOSALS = "score_proposals", _("評審評分")
    SCORE_ASSIGNED_ONLY = "score_assigned_only", _("僅評審受指派案件（外部委員）")
    READ_APPRAISAL_EVIDENCE = "read_appraisal_evidence", _("調閱考績佐證")
    RECORD_REWARDS = "record_rewards", _("登錄獎勵")
    READ_TRAILS = "read_trails", _("調閱案件軌跡")
    READ_ACCESS_LOG = "read_access_log", _("調閱個資存取紀錄")
    ADMINISTER = "administer", _("系統管理")


# The app of the Unit model, whose permissions the capabilities are (governance.models.Unit.Meta).
CAPABILITY_APP_LABEL = "governance"


def permission_name(capability: Capability | str) -> str:
    """The full permission name of a capability ("governance.<codename>"), as Django's has_perm
    and a flow's `.Permission(...)` take it: flows name their owners from the same Capability
    the services `require`, so a renamed capability cannot drift apart."""
    return f"{CAPABILITY_APP_LABEL}.{Capability(capability).value}"


def capability_of_permission(name: str | None) -> Capability | None:
    """The capability a full permission name is (`permission_name`'s inverse), else None."""
    app_label, _dot, codename = (name or "").partition(".")
    if app_label != CAPABILITY_APP_LABEL or codename not in Capability.values:
        return None
    return Capability(codename)


UNIT_SCOPED = frozenset(
    {
        Capability.VIEW_UNIT_CASES,
        Capability.SUBMIT_FOR_UNIT,
        Capability.REPORT_UNIT_PROGRESS,
        Capability.REVIEW_UNIT_CASES,
    }
)


class UnitRole(models.TextChoices):
    STAFF = "staff", _("同仁")
    LIAISON = "liaison", _("連絡窗口")
    HEAD = "head", _("組室主管")


UNIT_ROLE_CAPABILITIES = {
    UnitRole.STAFF: {Capability.VIEW_UNIT_CASES, Capability.SUBMIT_FOR_UNIT},
    UnitRole.LIAISON: {
        Capability.VIEW_UNIT_CASES,
        Capability.SUBMIT_FOR_UNIT,
        Capability.REPORT_UNIT_PROGRESS,
    },
    UnitRole.HEAD: {
        Capability.VIEW_UNIT_CASES,
        Capability.SUBMIT_FOR_UNIT,
        Capability.REVIEW_UNIT_CASES,
    },
}


class AgencyRole(models.TextChoices):
    DIRECTOR = "director", _("館長")
    DEPUTY_DIRECTOR = "deputy_director", _("副館長（代理館長）")
    TRACKING_OFFICE = "tracking_office", _("管考人員（秘書室）")
    HR = "hr", _("人事室")
    COMMITTEE = "committee", _("評審委員")
    EXTERNAL_COMMITTEE = "external_committee", _("外部評審委員")
    AUDITOR = "auditor", _("稽核人員")
    ADMINISTRATOR = "administrator", _("系統管理者")


AGENCY_ROLE_CAPABILITIES = {
    AgencyRole.DIRECTOR: {
        Capability.VIEW_UNIT_CASES,
        Capability.DECIDE_FOR_AGENCY,
        Capability.READ_TRAILS,
    },
    AgencyRole.DEPUTY_DIRECTOR: {
        Capability.VIEW_UNIT_CASES,
        Capability.DECIDE_FOR_AGENCY,
        Capability.READ_TRAILS,
    },
    AgencyRole.TRACKING_OFFICE: {
        Capability.VIEW_UNIT_CASES,
        Capability.MANAGE_TRACKING,
        Capability.READ_TRAILS,
    },
    AgencyRole.HR: {Capability.READ_APPRAISAL_EVIDENCE, Capability.RECORD_REWARDS},
    AgencyRole.COMMITTEE: {Capability.SCORE_PROPOSALS},
    AgencyRole.EXTERNAL_COMMITTEE: {Capability.SCORE_ASSIGNED_ONLY},
    AgencyRole.AUDITOR: {Capability.VIEW_UNIT_CASES, Capability.READ_TRAILS, Capability.READ_ACCESS_LOG},
    AgencyRole.ADMINISTRATOR: {Capability.ADMINISTER},
}


def group_name(role):
    """The auth Group that carries an agency-wide role."""
    return f"role:{role}"


# Django model permissions an agency role needs in the admin site.
AGENCY_ROLE_MODEL_PERMISSIONS = {
    AgencyRole.ADMINISTRATOR: [
        "governance.add_user",
        "governance.change_user",
        "governance.view_user",
        "governance.add_unit",
        "governance.change_unit",
        "governance.view_unit",
        "governance.add_membership",
        "governance.change_membership",
        "governance.view_membership",
        "governance.view_trailevent",
        "governance.change_stepinstruction",
        "governance.view_stepinstruction",
        "auth.view_group",
        *(
            f"proposals.{action}_{model}"
            for model in ("scopecategory", "notacceptedreason", "scoringcriterion", "gradeband")
            for action in ("add", "change", "view")
        ),
    ],
}
