"""The demo organisation: the eight units of the 102 plan and their people.

`seed_demo` loads it; running it again changes nothing.
"""

from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from .models import Membership, Unit
from .permissions import sync_agency_role_groups, sync_unit_permissions
from .roles import AgencyRole, UnitRole, group_name

DEMO_PASSWORD = "demo-2026"
ORGANISATION_START = date(2013, 1, 1)

# code, name, short name, kind, people (head, liaison, staff, staff)
UNITS = [
    ("planning", "企劃推廣組", "企劃組", Unit.Kind.DIVISION, ["林志明", "陳怡君", "王雅婷", "張家豪"]),
    ("acquisitions", "採訪編目組", "採編組", Unit.Kind.DIVISION, ["李建宏", "黃淑芬", "吳宗翰", "劉佳穎"]),
    ("readers", "閱覽典藏組", "閱覽組", Unit.Kind.DIVISION, ["蔡明哲", "楊惠如", "許志偉", "鄭雅雯"]),
    ("reference", "參考特藏組", "參考組", Unit.Kind.DIVISION, ["謝國華", "郭美玲", "洪俊傑", "邱詩涵"]),
    ("secretariat", "秘書室", "秘書室", Unit.Kind.OFFICE, ["曾文彬", "廖淑惠", "賴冠宇", "周欣怡"]),
    ("accounting", "會計室", "會計室", Unit.Kind.OFFICE, ["徐正雄", "蘇麗華", "葉承恩", "莊佩珊"]),
    ("personnel", "人事室", "人事室", Unit.Kind.OFFICE, ["江俊賢", "呂秀蘭", "何宜蓁", "高偉倫"]),
    ("chungshan", "陽明山中山樓管理所", "中山樓", Unit.Kind.BRANCH, ["羅世昌", "潘玉梅", "簡志豪", "范靜宜"]),
]

UNIT_ROLES_IN_ORDER = [UnitRole.HEAD, UnitRole.LIAISON, UnitRole.STAFF, UnitRole.STAFF]
LOGIN_SUFFIXES = ["head", "liaison", "staff1", "staff2"]
TITLES = {UnitRole.HEAD: "組主任", UnitRole.LIAISON: "編輯", UnitRole.STAFF: "助理編輯"}

# login, name, title, agency roles, home unit code (or None)
AGENCY_PEOPLE = [
    ("director", "陳德光", "館長", [AgencyRole.DIRECTOR], None),
    ("deputy", "林秀英", "副館長", [AgencyRole.DEPUTY_DIRECTOR], None),
    ("tracking", "孫立群", "專員", [AgencyRole.TRACKING_OFFICE], "secretariat"),
    ("hr", "朱芳儀", "科員", [AgencyRole.HR], "personnel"),
    ("committee1", "馬振宇", "編纂", [AgencyRole.COMMITTEE], "reference"),
    ("committee2", "袁美君", "研究員", [AgencyRole.COMMITTEE], "planning"),
    ("external1", "鍾文瀚", "教授（外部委員）", [AgencyRole.EXTERNAL_COMMITTEE], None),
    ("auditor", "方正平", "稽核", [AgencyRole.AUDITOR], None),
    ("admin", "系統管理者", "資訊管理", [AgencyRole.ADMINISTRATOR], None),
]


def demo_logins():
    """(login, name, what they are) for the README and `make run`'s banner."""
    rows = []
    for code, unit_name, _short, _kind, people in UNITS:
        for suffix, role, person in zip(LOGIN_SUFFIXES, UNIT_ROLES_IN_ORDER, people, strict=False):
            rows.append((f"{code}-{suffix}", person, f"{unit_name} {role.label}"))
    for login, name, _title, roles, _unit in AGENCY_PEOPLE:
        rows.append((login, name, "、".join(str(r.label) for r in roles)))
    return rows


def _person(login, full_name, job_title, *, is_staff=False):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=login,
        defaults={
            "full_name": full_name,
            "job_title": job_title,
            "email": f"{login}@demo.invalid",
            "is_staff": is_staff,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _membership(user, unit, role):
    Membership.objects.get_or_create(user=user, unit=unit, role=role, valid_from=ORGANISATION_START)


@transaction.atomic
def seed_organisation():
    sync_agency_role_groups()
    units = {}
    for order, (code, name, short, kind, people) in enumerate(UNITS, start=1):
        units[code], _ = Unit.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "short_name": short,
                "kind": kind,
                "sort_order": order,
                "valid_from": ORGANISATION_START,
            },
        )
        for suffix, role, person in zip(LOGIN_SUFFIXES, UNIT_ROLES_IN_ORDER, people, strict=False):
            user = _person(f"{code}-{suffix}", person, TITLES[role])
            _membership(user, units[code], role)
            sync_unit_permissions(user)

    for login, name, title, roles, unit_code in AGENCY_PEOPLE:
        is_admin = AgencyRole.ADMINISTRATOR in roles
        # The administrator manages the organisation in the admin; not a superuser,
        # so it acts in no workflow and sees no case it is not granted.
        user = _person(login, name, title, is_staff=is_admin)
        user.groups.add(*Group.objects.filter(name__in=[group_name(r) for r in roles]))
        if unit_code:
            _membership(user, units[unit_code], UnitRole.STAFF)
        sync_unit_permissions(user)
    return units
