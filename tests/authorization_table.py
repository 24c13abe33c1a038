"""The authorization matrix: for every page of the site, who may open it (GET) and who may act on
it (POST), as the one table that tests/governance/test_authorization_matrix.py checks and that
scripts/permissions_doc.py renders as docs/permissions.md.

Each page (keyed by its URL name, "namespace:name") names a rule per method. A rule says, for a
demo role and the object the URL names (one of the readers unit, 閱覽典藏組, and one of another
unit), what the answer must be: 200, a redirect, 403, 404, 405, or the login page. Anonymous
people get the login page everywhere except on the pages marked public.

A page added to the site without a row here fails the test, which names the row to add.
Rules are written in the domain's terms (docs/domain.md, 「組室與角色」, 「誰看得到什麼」), with the role sets spelt out below, and not
derived from the application's own permission code: the point is to check that code.
"""

from dataclasses import dataclass, field

# ---------------------------------------------------------------- outcomes

OK = 200
BAD_REQUEST = 400
FORBIDDEN = 403
NOT_FOUND = 404
NOT_ALLOWED = 405
CONFLICT = 409
LOGIN = "login"  # 302 to the login page (/accounts/login/)
ADMIN_LOGIN = "admin-login"  # 302 to the admin's login page: the admin's way of refusing
REDIRECT = "redirect"  # 302 anywhere else (the case page, a list, the admin index …)
ACCESS = "access"  # any answer but a refusal: 2xx, 302 not to a login page, 400, 409
REFUSED = "refused"  # 403 or 404: either refusal says nothing (e.g. a file asked for under another case)

REFUSALS = frozenset({FORBIDDEN, NOT_FOUND, NOT_ALLOWED, LOGIN, ADMIN_LOGIN})


def matches(expected, actual):
    """Does the classified answer `actual` (a status code, LOGIN, ADMIN_LOGIN or REDIRECT) meet
    `expected`?"""
    if expected == ACCESS:
        return actual not in REFUSALS and actual != 500
    if expected == REFUSED:
        return actual in (FORBIDDEN, NOT_FOUND)
    return expected == actual


# How each outcome reads in docs/permissions.md.
OUTCOME_MARKS = {
    OK: "✓",
    ACCESS: "✓",
    REFUSED: "✗",
    REDIRECT: "↪",
    BAD_REQUEST: "✓400",
    CONFLICT: "✓409",
    FORBIDDEN: "✗",
    NOT_FOUND: "✗404",
    NOT_ALLOWED: "—405",
    LOGIN: "🔒",
    ADMIN_LOGIN: "✗↪",
}

# ---------------------------------------------------------------- roles


@dataclass(frozen=True)
class Role:
    login: str
    zh: str
    en: str
    unit: str | None = None  # code of the person's unit
    unit_role: str | None = None  # staff / liaison / head
    agency: frozenset = frozenset()  # agency-wide roles

    @property
    def anonymous(self):
        return self.login == ANONYMOUS


ANONYMOUS = "anonymous"

# The demo people the matrix logs in as (governance/demo.py), and what they are.
ROLES = [
    Role(ANONYMOUS, "未登入", "anonymous"),
    Role("readers-staff1", "閱覽組同仁", "readers staff", "readers", "staff"),
    Role("readers-liaison", "閱覽組連絡窗口", "readers liaison", "readers", "liaison"),
    Role("readers-head", "閱覽組主管", "readers head", "readers", "head"),
    Role("planning-staff1", "企劃組同仁", "planning staff", "planning", "staff"),
    Role("director", "館長", "director", agency=frozenset({"director"})),
    Role("tracking", "管考人員", "tracking office", "secretariat", "staff", frozenset({"tracking"})),
    Role("hr", "人事室", "HR", "personnel", "staff", frozenset({"hr"})),
    Role("committee1", "評審委員", "committee member", "reference", "staff", frozenset({"committee"})),
    Role("external1", "外部委員", "external member", agency=frozenset({"external"})),
    Role("auditor", "稽核人員", "auditor", agency=frozenset({"auditor"})),
    Role("admin", "系統管理者", "administrator", agency=frozenset({"admin"})),
]

# Agency roles that read every unit's cases (docs/domain.md, 「角色」: the director decides, the 管考 office
# tracks, the auditor reads everything needed to audit).
SEES_ALL_CASES = frozenset({"director", "tracking", "auditor"})


def sees_all(role):
    return bool(role.agency & SEES_ALL_CASES)


def in_unit(role, units):
    return role.unit is not None and role.unit in units


def may_see_case(role, facts):
    """A case (proposal, finding, audit): its people, its units' people, the agency readers;
    drafts only their own people. `facts`: units, people, draft."""
    if role.anonymous:
        return False
    if role.login in facts.get("people", ()):
        return True
    if facts.get("draft"):
        return False
    return sees_all(role) or in_unit(role, facts.get("units", ())) or role.login in facts.get("reviewers", ())


# ---------------------------------------------------------------- rules


class Rule:
    """What one role gets for one object. `zh`/`en` describe the rule in the document."""

    zh = ""
    en = ""

    def expect(self, role, facts):
        raise NotImplementedError

    def summary(self, role):
        """The document's cell for a role: the answer, or in words whose objects it is."""
        return OUTCOME_MARKS[self.expect(role, {})]


@dataclass(frozen=True)
class Everyone(Rule):
    """Every logged-in person gets `outcome`."""

    zh: str = "登入者皆可"
    en: str = "anyone logged in"
    outcome: object = OK

    def expect(self, role, facts):
        return self.outcome


@dataclass(frozen=True)
class Only(Rule):
    """The listed roles get `yes`, every other logged-in person `no`."""

    logins: frozenset
    zh: str
    en: str
    yes: object = OK
    no: object = FORBIDDEN
    # fact → what the listed roles get instead of `yes` when the object has it (e.g. a meeting
    # held already sends the 管考 office back to the meeting page).
    yes_when: tuple = ()

    def expect(self, role, facts):
        if role.login not in self.logins:
            return self.no
        for fact, outcome in self.yes_when:
            if facts.get(fact):
                return outcome
        return self.yes


@dataclass(frozen=True)
class Case(Rule):
    """The case's people, its units' people and the agency readers (may_see_case)."""

    zh: str = "案件相關者：本人、本單位、受指派委員、館長／管考／稽核"
    en: str = "the case's people, its units, assigned reviewers, director / 管考 / auditor"
    yes: object = OK
    no: object = FORBIDDEN

    def expect(self, role, facts):
        return self.yes if may_see_case(role, facts) else self.no

    def summary(self, role):
        if sees_all(role):
            return OUTCOME_MARKS[self.yes]
        assigned = "external" in role.agency or "committee" in role.agency
        if role.unit:
            return "本組、受指派" if assigned else "本組"
        if assigned:
            return "受指派"
        return OUTCOME_MARKS[self.no]


@dataclass(frozen=True)
class UnitOnly(Rule):
    """The people of the object's unit (`facts["units"]`) and the listed agency roles."""

    zh: str
    en: str
    also: frozenset = frozenset()
    yes: object = OK
    no: object = FORBIDDEN

    def expect(self, role, facts):
        allowed = role.login in self.also or in_unit(role, facts.get("units", ()))
        return self.yes if allowed else self.no

    def summary(self, role):
        if role.login in self.also:
            return OUTCOME_MARKS[self.yes]
        return "本組" if role.unit else OUTCOME_MARKS[self.no]


@dataclass(frozen=True)
class UnitRoleOnly(Rule):
    """The holders of `unit_roles` (liaison, head) in the object's unit, plus `also`."""

    unit_roles: frozenset
    zh: str
    en: str
    also: frozenset = frozenset()
    yes: object = OK
    no: object = FORBIDDEN

    def expect(self, role, facts):
        allowed = role.login in self.also or (
            role.unit_role in self.unit_roles and in_unit(role, facts.get("units", ()))
        )
        return self.yes if allowed else self.no

    def summary(self, role):
        if role.login in self.also:
            return OUTCOME_MARKS[self.yes]
        return "本組" if role.unit_role in self.unit_roles else OUTCOME_MARKS[self.no]


@dataclass(frozen=True)
class HasUnit(Rule):
    """Whoever belongs to a unit (proposals are made in a unit's name)."""

    zh: str = "有所屬單位者"
    en: str = "people of a unit"
    yes: object = OK

    def expect(self, role, facts):
        return self.yes if role.unit else FORBIDDEN


@dataclass(frozen=True)
class Person(Rule):
    """The person the URL names, and HR for anyone."""

    zh: str = "本人；人事室可看所有人"
    en: str = "the person themself; HR for anyone"
    yes: object = OK

    def expect(self, role, facts):
        if "hr" in role.agency:
            return NOT_FOUND if facts.get("missing") else self.yes
        return self.yes if role.login == facts.get("person") else FORBIDDEN

    def summary(self, role):
        return OUTCOME_MARKS[self.yes] if "hr" in role.agency else "本人"


@dataclass(frozen=True)
class Submitter(Rule):
    """Only the proposal's submitter (drafts, withdrawal)."""

    zh: str = "僅提案人"
    en: str = "the submitter only"
    yes: object = ACCESS

    def expect(self, role, facts):
        return self.yes if role.login == facts.get("submitter") else FORBIDDEN

    def summary(self, role):
        return "本人" if role.unit else OUTCOME_MARKS[FORBIDDEN]


@dataclass(frozen=True)
class TaskOwner(Rule):
    """A task page: its owner while it is open; a task done already sends everyone to the case
    page (governance.nodes), which checks on its own."""

    zh: str = "僅任務承辦人（已完成的任務轉到案件頁）"
    en: str = "the task's owner (a done task redirects to its case)"
    yes: object = OK

    def expect(self, role, facts):
        if not facts.get("open", True):
            return REDIRECT
        return self.yes if role.login == facts.get("owner") else FORBIDDEN

    def summary(self, role):
        return "承辦人"


@dataclass(frozen=True)
class Claim(Rule):
    """Claiming a queued task: whoever holds the step's permission, while nobody owns it."""

    who: str  # "tracking" (管考), "director", "head", "liaison", "staff"
    zh: str = ""
    en: str = ""
    yes: object = OK

    def allowed(self, role, facts):
        if self.who in ("tracking", "director"):
            return self.who in role.agency
        if self.who == "committee":
            return bool(role.agency & {"committee", "external"})
        units = facts.get("units", ())
        if self.who == "staff":
            return in_unit(role, units)
        return role.unit_role == self.who and in_unit(role, units)

    def expect(self, role, facts):
        if facts.get("status") != "NEW":
            return FORBIDDEN
        return self.yes if self.allowed(role, facts) else FORBIDDEN

    def summary(self, role):
        if self.who in ("tracking", "director", "committee"):
            return "待認領時" if self.allowed(role, {}) else OUTCOME_MARKS[FORBIDDEN]
        return (
            "本組待認領"
            if role.unit_role == self.who or (self.who == "staff" and role.unit)
            else OUTCOME_MARKS[FORBIDDEN]
        )


@dataclass(frozen=True)
class Unassign(Rule):
    """Giving a claimed task back: its owner while it is open; a task done already sends
    everyone to the case page, as its task page does (governance.nodes)."""

    zh: str = "僅任務承辦人（任務進行中；已完成的任務轉到案件頁）"
    en: str = "the task's owner while it is open (a done task redirects to its case)"
    yes: object = OK

    def expect(self, role, facts):
        if not facts.get("open", True):
            return REDIRECT
        return self.yes if role.login == facts.get("owner") else FORBIDDEN

    def summary(self, role):
        return "承辦人"


@dataclass(frozen=True)
class AccessLogReader(Rule):
    """The personal-data access log: auditors all of it; HR one person at a time (without a
    person named, HR gets `hr_unnamed`: the page asks for one, the export answers 400)."""

    zh: str = "稽核人員；人事室須指定當事人"
    en: str = "auditor; HR for one named person"
    hr_unnamed: object = OK

    def expect(self, role, facts):
        if "auditor" in role.agency:
            return OK
        if "hr" in role.agency:
            return OK if facts.get("subject") else self.hr_unnamed
        return FORBIDDEN

    def summary(self, role):
        if "auditor" in role.agency:
            return OUTCOME_MARKS[OK]
        return "指定當事人" if "hr" in role.agency else OUTCOME_MARKS[FORBIDDEN]


# Presets.
ANYONE = Everyone()
ANYONE_ACTS = Everyone(outcome=ACCESS, zh="登入者皆可（本人之資料）", en="anyone logged in (their own)")
POST_ONLY = Everyone(outcome=NOT_ALLOWED, zh="僅接受 POST", en="POST only")
NOBODY = Only(
    frozenset(),
    "無人可用：viewflow 內建管理頁，未授權任何角色",
    "nobody: viewflow's own pages, granted to no role",
)
HR_ONLY = Only(frozenset({"hr"}), "僅人事室", "HR only")
TRACKING_ONLY = Only(frozenset({"tracking"}), "僅管考人員", "管考 only")
# The agency readers (SEES_ALL_CASES): agency-wide lists, trails, the quarter's tracking.
AGENCY_READERS = Only(
    frozenset({"director", "tracking", "auditor"}), "館長、管考、稽核", "director, 管考, auditor"
)
PLAN_DOC_READERS = Only(frozenset({"director", "tracking"}), "館長、管考", "director, 管考")
REWARD_EXPORTERS = Only(frozenset({"hr", "tracking"}), "人事室、管考", "HR, 管考")


# ---------------------------------------------------------------- pages


@dataclass(frozen=True)
class Page:
    app: str  # section of the document: site, admin, home, notifications, workflow, proposals, …
    zh: str
    en: str
    get: Rule
    post: Rule | None = None  # None: the page changes nothing, so it is not POSTed
    targets: str | None = None  # the kind of objects the URL's parameters name (the test's TARGETS)
    query: str = ""  # added to the URL (e.g. ?format=csv, so the body can be read)
    anonymous_get: object = LOGIN
    anonymous_post: object = LOGIN
    # A minimal valid body, where an empty one would be turned away by the form before the
    # permission check is reached (so it would prove nothing).
    post_data: dict = field(default_factory=dict)
    url: str = ""  # a fixed address, for a regular-expression pattern
    # Why a 200 of this page may show a case the person cannot open ("" = it may not, checked).
    shows_cases: str = ""
    # Known bugs: (method, login or "*" for every logged-in role, target label or "*") → reason.
    # The test xfails while they fail, and fails once they pass (so the mark goes with the fix).
    known: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Shadowed:
    """A pattern another one before it answers for: unreachable, checked to stay so."""

    app: str
    by: str
    reason: str


PAGES = {}


def page(name, *args, **kwargs):
    assert name not in PAGES, name
    PAGES[name] = Page(*args, **kwargs)


# -- the site's own: login, logout, language, the JavaScript catalog

page(
    "home",
    "site",
    "網站根目錄（轉到首頁）",
    "site root (redirects to the home page)",
    Everyone(outcome=REDIRECT, zh="轉到首頁", en="redirect to home"),
)
page(
    "login",
    "site",
    "登入",
    "log in",
    ANYONE,
    post=Everyone(outcome=OK, zh="登入表單（空白則顯示錯誤）", en="the form (errors when empty)"),
    anonymous_get=OK,
    anonymous_post=OK,
)
page(
    "logout",
    "site",
    "登出",
    "log out",
    POST_ONLY,
    post=Everyone(outcome=LOGIN, zh="登出後回到登入頁", en="logs out, back to the login page"),
)
page(
    "set_language",
    "site",
    "切換語言",
    "switch language",
    POST_ONLY,
    post=Everyone(
        outcome=BAD_REQUEST, zh="任何人（不支援的語言回 400）", en="anyone (400 for an unknown language)"
    ),
    anonymous_get=NOT_ALLOWED,
    anonymous_post=BAD_REQUEST,
)
page(
    "javascript-catalog",
    "site",
    "介面翻譯（JavaScript）",
    "JavaScript translations",
    ANYONE,
    anonymous_get=OK,
)

SHADOWED = {
    # viewflow's Site adds its own index at "", after our RedirectView of the same address.
    "index": Shadowed("site", "home", "viewflow Site 的首頁，由 home 轉址先行處理 / viewflow's site index"),
    # The plan app's Application adds an index at plan/, after plan_urls' own index.
    "plan:index@plan/": Shadowed(
        "plan",
        "plan:index",
        "viewflow Application 的預設首頁，由計畫列表先行處理 / the Application's default index",
    ),
}

# -- home

page("home:index", "home", "首頁（待辦與角色）", "home page (to-dos by role)", ANYONE)
page("home:tracking_report", "home", "季列管報告 PDF", "quarterly tracking report (PDF)", AGENCY_READERS)

# -- the to-do list

page("todo:index", "todo", "待辦事項（本人應辦的全部事項）", "to-do list (all the person owes)", ANYONE)
page("todo:count", "todo", "待辦事項件數（選單）", "to-do count (menu)", ANYONE)

# -- verifying a printed document (its verification code, 查驗碼): whoever holds the paper

page("verify:index", "verify", "查驗文件（輸入查驗碼）", "verify a document (type its code)", ANYONE)
page(
    "verify:code",
    "verify",
    "查驗文件（文件上 QR 碼的網址）",
    "verify a document (the address in its QR code)",
    ANYONE,
    targets="verification_code",
    shows_cases=(
        "持有紙本者才有查驗碼：答覆只說明文件是否由本系統產製、產製時間，及所屬案件的案號與名稱或人員姓名，"
        "不含文件內容 / only who holds the paper has its code: the answer says whether the system made it, "
        "when, and the case's number and title or the person's name, nothing of its contents"
    ),
)

# -- notifications

page("notifications:index", "notifications", "我的通知", "my notifications", ANYONE)
page(
    "notifications:read",
    "notifications",
    "標示已讀",
    "mark read",
    POST_ONLY,
    post=Everyone(outcome=REDIRECT, zh="登入者（僅本人通知）", en="anyone (their own notifications)"),
)
page("notifications:settings", "notifications", "通知設定", "notification settings", ANYONE, post=ANYONE_ACTS)

# -- workflow: the scalable lists

for name, zh, en in [
    ("index", "工作流程（收件匣）", "workflow (inbox)"),
    ("inbox", "收件匣", "inbox"),
    ("queue", "待認領任務", "queue"),
    ("archive", "已完成任務", "archive"),
]:
    page(f"workflow:{name}", "workflow", zh, en, ANYONE)

# viewflow's bulk claim/release pages (queue/assign/, inbox/unassign/) are not offered
# (governance.site.WorkflowApp): they listed every task of the system on a plain POST.
page(
    "workflow:flows:index",
    "workflow",
    "流程清單（viewflow）：轉到收件匣",
    "flows (viewflow): to the inbox",
    Everyone(outcome=REDIRECT, zh="轉到收件匣", en="redirects to the inbox"),
)

# -- workflow: each flow's viewflow pages and task pages

# node kinds → the task URLs viewflow makes for them
NODE_ACTIONS = {
    "human": ["execute", "assign", "unassign", "index", "detail", "revive", "undo", "cancel"],
    "start": ["index", "detail", "undo"],
    "end": ["index", "detail", "revive", "undo"],
    "switch": ["index", "detail", "revive", "undo", "cancel"],
    "function": ["index", "detail", "revive", "undo", "cancel"],
    "timer": ["index", "detail", "revive", "cancel"],
}

# flow → node → (kind, title, who claims it: tracking, director, head, liaison, committee)
FLOWS = {
    "proposal": (
        "創意提案",
        {
            "start": ("start", "提案送出", None),
            "first_review": ("human", "初審", "head"),
            "revise": ("human", "修正提案", "staff"),
            "not_accepted": ("end", "不予受理", None),
            "assign_reviewers": ("human", "指派複審委員", "tracking"),
            "score": ("human", "複審評分", "committee"),
            "decide": ("human", "採行決定", "director"),
            "not_adopted": ("end", "不採行", None),
            "execution_plan": ("human", "提報執行計畫", "liaison"),
            "progress_report": ("human", "季進度回報", "liaison"),
            "approve_progress": ("human", "主管核定進度", "head"),
            "progress_wait": ("timer", "等待下一季回報", None),
            "evaluate": ("human", "成效評估", "tracking"),
            "end": ("end", "結案", None),
        },
    ),
    "remediation": (
        "缺失改善",
        {
            "start": ("start", "列管", None),
            "route_registration": ("switch", "列管分流", None),
            "review_meeting": ("human", "檢討會議", "tracking"),
            "plan": ("human", "改善措施", "liaison"),
            "approve_plan": ("human", "主管核定改善措施", "head"),
            "progress": ("human", "辦理情形", "liaison"),
            "request_removal": ("human", "申請解除列管", "head"),
            "review_removal": ("human", "管考審查", "tracking"),
            "council_decision": ("human", "館務會議決定", "tracking"),
            "close": ("function", "解除列管", None),
            "end": ("end", "結束", None),
        },
    ),
    "reply": (
        "回復上級機關",
        {
            "start": ("start", "開始", None),
            "reply": ("human", "回復", "tracking"),
            "end": ("end", "結束", None),
        },
    ),
}

CLAIMERS = {
    "tracking": ("管考人員", "管考"),
    "director": ("館長", "director"),
    "head": ("本組主管", "the unit's head"),
    "liaison": ("本組連絡窗口", "the unit's liaison"),
    "staff": ("提案人所屬單位同仁", "the proposer's unit"),
    "committee": ("評審委員", "committee members"),
}


def _flow_pages():
    for flow, (flow_zh, nodes) in FLOWS.items():
        app = "workflow"
        for name, zh, en in [
            ("index", "流程首頁", "flow index"),
            ("process_list", "流程清單", "process list"),
            ("task_list", "任務清單", "task list"),
            ("chart", "流程圖", "flow chart"),
        ]:
            page(
                f"workflow:flows:{flow}:{name}",
                app,
                f"{flow_zh}：{zh}（viewflow）",
                f"{flow}: {en} (viewflow)",
                NOBODY,
            )
        for name, zh, en, post in [
            ("process_detail", "流程內容", "process detail", None),
            ("process_chart", "流程圖", "process chart", None),
            ("process_cancel", "取消流程", "cancel the process", NOBODY),
        ]:
            page(
                f"workflow:flows:{flow}:{name}",
                app,
                f"{flow_zh}：{zh}（viewflow）",
                f"{flow}: {en} (viewflow)",
                NOBODY,
                post=post,
                targets=f"process:{flow}",
            )
        for node, (kind, title, claimer) in nodes.items():
            targets = f"task:{flow}:{node}"
            for action in NODE_ACTIONS[kind]:
                key = f"workflow:flows:{flow}:{node}:{action}"
                label = f"{flow_zh}：{title}"
                if action == "execute":
                    page(
                        key,
                        app,
                        f"{label}（辦理）",
                        f"{flow} {node}: do the task",
                        TaskOwner(),
                        post=TaskOwner(yes=ACCESS),
                        targets=targets,
                    )
                elif action == "assign":
                    zh, en = CLAIMERS[claimer]
                    rule = Claim(claimer, zh=f"待認領時：{zh}", en=f"while queued: {en}")
                    page(
                        key,
                        app,
                        f"{label}（認領）",
                        f"{flow} {node}: claim",
                        rule,
                        post=Claim(claimer, zh=rule.zh, en=rule.en, yes=ACCESS),
                        targets=targets,
                    )
                elif action == "unassign":
                    page(
                        key,
                        app,
                        f"{label}（退回認領）",
                        f"{flow} {node}: unassign",
                        Unassign(),
                        post=Unassign(yes=ACCESS),
                        targets=targets,
                    )
                elif action == "index":
                    page(
                        key,
                        app,
                        f"{label}（任務首頁，viewflow）",
                        f"{flow} {node}: task index (viewflow)",
                        Everyone(
                            outcome=REDIRECT,
                            zh="轉到任務內容頁（該頁自行檢查）",
                            en="redirects to the task's detail page, which checks",
                        ),
                        targets=targets,
                    )
                else:
                    zh, en = {
                        "detail": ("任務內容", "task detail"),
                        "revive": ("重啟", "revive"),
                        "undo": ("復原", "undo"),
                        "cancel": ("取消", "cancel"),
                    }[action]
                    post = None if action == "detail" else NOBODY
                    page(
                        key,
                        app,
                        f"{label}（{zh}，viewflow）",
                        f"{flow} {node}: {en} (viewflow)",
                        NOBODY,
                        post=post,
                        targets=targets,
                    )


_flow_pages()

# -- proposals

CSV = "?format=csv"  # exports are read as CSV, so their rows can be searched
page("proposals:index", "proposals", "我的提案", "my proposals", ANYONE, targets="unit_filter")
page("proposals:unit", "proposals", "本單位提案", "my unit's proposals", ANYONE, targets="unit_filter")
page("proposals:all", "proposals", "全部提案", "all proposals", AGENCY_READERS, targets="unit_filter")
page(
    "proposals:export",
    "proposals",
    "我的提案匯出",
    "my proposals export",
    ANYONE,
    query=CSV,
    targets="unit_filter",
)
page(
    "proposals:unit_export",
    "proposals",
    "本單位提案匯出",
    "my unit's proposals export",
    ANYONE,
    query=CSV,
    targets="unit_filter",
)
page(
    "proposals:all_export",
    "proposals",
    "全部提案匯出",
    "all proposals export",
    AGENCY_READERS,
    query=CSV,
    targets="unit_filter",
)
page("proposals:create", "proposals", "新增提案", "new proposal", HasUnit(), post=HasUnit())
page("proposals:detail", "proposals", "提案內容", "proposal", Case(), targets="proposal")
page(
    "proposals:edit",
    "proposals",
    "修改草稿",
    "edit a draft",
    Submitter(yes=OK),
    post=Submitter(yes=OK),
    targets="draft",
)
page(
    "proposals:submit",
    "proposals",
    "送出草稿",
    "submit a draft",
    POST_ONLY,
    post=Submitter(),
    targets="draft",
)
page(
    "proposals:withdraw",
    "proposals",
    "撤回提案",
    "withdraw",
    POST_ONLY,
    post=Submitter(),
    targets="submitted",
)
page(
    "proposals:attachment",
    "proposals",
    "提案附件下載",
    "proposal attachment",
    Case(),
    targets="proposal_attachment",
)
page(
    "proposals:trail_pdf", "proposals", "案件軌跡 PDF", "case trail (PDF)", AGENCY_READERS, targets="proposal"
)
# The 創意提案單, to attach to a 簽: whoever may open the proposal (as its page).
page("proposals:form_pdf", "proposals", "創意提案單 PDF", "proposal form (PDF)", Case(), targets="proposal")
page("proposals:form_odt", "proposals", "創意提案單 ODT", "proposal form (ODT)", Case(), targets="proposal")
page(
    "proposals:progress_file_remove",
    "proposals",
    "移除季進度佐證檔案（主管核定前）",
    "remove a progress report's file (before the head decides)",
    POST_ONLY,
    post=UnitRoleOnly(
        frozenset({"liaison"}),
        "主辦單位連絡窗口（回到提案頁）",
        "the lead unit's liaison (back to the proposal)",
        yes=REDIRECT,
    ),
    targets="progress_attachment",
)
page(
    "proposals:correct_due_date",
    "proposals",
    "更正預定完成日（執行中）",
    "correct the due date (while executing)",
    TRACKING_ONLY,
    post=Only(frozenset({"tracking"}), "僅管考人員", "管考 only", yes=ACCESS),
    targets="executing",
)

# -- audits

page("audits:index", "audits", "上級機關考核", "audits", ANYONE)
page("audits:register", "audits", "登錄考核", "register an audit", TRACKING_ONLY, post=TRACKING_ONLY)
page("audits:audit", "audits", "考核內容", "audit", Case(), targets="audit")
page(
    "audits:correct",
    "audits",
    "更正考核文號或日期",
    "correct an audit's document number or dates",
    Only(frozenset({"tracking"}), "僅管考人員", "管考 only"),
    post=Only(frozenset({"tracking"}), "僅管考人員", "管考 only", yes=ACCESS),
    targets="audit",
)
page(
    "audits:withdraw",
    "audits",
    "撤銷考核登錄",
    "withdraw an audit registered by mistake",
    POST_ONLY,
    post=Only(
        frozenset({"tracking"}), "僅管考人員（回到考核頁）", "管考 only (back to the audit)", yes=REDIRECT
    ),
    targets="audit",
)
page(
    "audits:audit_attachment",
    "audits",
    "考核附件下載",
    "audit attachment",
    Case(),
    targets="audit_attachment",
)
# The audit's 公文 papers: whoever may open the audit, its findings as its page lists them.
page(
    "audits:status_table_pdf",
    "audits",
    "缺失改善辦理情形表 PDF",
    "remediation status table (PDF)",
    Case(),
    targets="audit",
)
page(
    "audits:status_table_odt",
    "audits",
    "缺失改善辦理情形表 ODT",
    "remediation status table (ODT)",
    Case(),
    targets="audit",
)
page(
    "audits:reply_letter",
    "audits",
    "函復上級機關函稿 ODT",
    "draft reply letter to the superior agency (ODT)",
    Case(),
    targets="audit",
)
page(
    "audits:meeting_record_pdf",
    "audits",
    "檢討會議紀錄 PDF",
    "review meeting record (PDF)",
    Case(),
    targets="audit_meeting",
)
page(
    "audits:meeting_record_odt",
    "audits",
    "檢討會議紀錄 ODT",
    "review meeting record (ODT)",
    Case(),
    targets="audit_meeting",
)
page("audits:findings", "audits", "全部列管事項", "all findings", AGENCY_READERS, targets="unit_filter")
page("audits:unit_findings", "audits", "本單位列管事項", "my unit's findings", ANYONE, targets="unit_filter")
page(
    "audits:findings_export",
    "audits",
    "全部列管事項匯出",
    "all findings export",
    AGENCY_READERS,
    query=CSV,
    targets="unit_filter",
)
page(
    "audits:unit_findings_export",
    "audits",
    "本單位列管事項匯出",
    "my unit's findings export",
    ANYONE,
    query=CSV,
    targets="unit_filter",
)
page("audits:finding", "audits", "列管事項內容", "finding", Case(), targets="finding")
page(
    "audits:contribute",
    "audits",
    "協辦填報",
    "supporting unit's report",
    POST_ONLY,
    post=UnitRoleOnly(
        frozenset({"liaison"}),
        "協辦單位連絡窗口（辦理中）",
        "a supporting unit's liaison (while open)",
        yes=ACCESS,
    ),
    targets="finding_supporting",
    post_data={"text": "協辦單位已配合辦理。"},
)
page(
    "audits:finding_attachment",
    "audits",
    "列管事項附件下載",
    "finding attachment",
    Case(),
    targets="finding_attachment",
)
page(
    "audits:finding_trail_pdf",
    "audits",
    "案件軌跡 PDF",
    "case trail (PDF)",
    AGENCY_READERS,
    targets="finding",
)
page(
    "audits:finding_file_remove",
    "audits",
    "移除辦理情形佐證檔案（其後尚無填報、申請或決定）",
    "remove a progress report's file (nothing reported, asked or decided since)",
    POST_ONLY,
    post=UnitRoleOnly(
        frozenset({"liaison"}),
        "主辦單位連絡窗口（回到列管事項頁）",
        "the lead unit's liaison (back to the finding)",
        yes=REDIRECT,
    ),
    targets="round_attachment",
)
page(
    "audits:finding_correct_due_date",
    "audits",
    "更正改善期限（列管中）",
    "correct a finding's due date (while tracked)",
    TRACKING_ONLY,
    post=Only(frozenset({"tracking"}), "僅管考人員", "管考 only", yes=ACCESS),
    targets="open_finding",
)

# -- evidence

page(
    "evidence:index",
    "evidence",
    "考績佐證（人事室）",
    "appraisal evidence (HR)",
    Only(frozenset({"hr"}), "人事室；其他人轉到本人頁", "HR; others go to their own", no=REDIRECT),
    targets="unit_code_filter",
)
page("evidence:mine", "evidence", "我的考績佐證", "my appraisal evidence", ANYONE)
page("evidence:pdf", "evidence", "考績佐證 PDF", "appraisal evidence (PDF)", Person(), targets="person")
page(
    "evidence:batch_start",
    "evidence",
    "批次產製",
    "start a batch",
    POST_ONLY,
    post=Only(frozenset({"hr"}), "僅人事室", "HR only", yes=ACCESS),
)
page("evidence:batch", "evidence", "批次進度", "batch", HR_ONLY, targets="batch")
page(
    "evidence:batch_progress",
    "evidence",
    "批次進度（JSON）",
    "batch progress (JSON)",
    HR_ONLY,
    targets="batch",
)
page("evidence:batch_zip", "evidence", "批次 ZIP", "batch ZIP", HR_ONLY, targets="batch")
page("evidence:verify", "evidence", "驗證資料指紋", "verify a fingerprint", HR_ONLY)

# -- the personal-data access log (個資存取紀錄)

page(
    "access_log:index",
    "access_log",
    "個資存取紀錄",
    "personal-data access log",
    AccessLogReader(),
    targets="access_log_filter",
)
page(
    "access_log:export",
    "access_log",
    "個資存取紀錄匯出",
    "personal-data access log export",
    AccessLogReader(
        zh="稽核人員；人事室須指定當事人（未指定回 400）",
        en="auditor; HR for one named person (else 400)",
        hr_unnamed=BAD_REQUEST,
    ),
    targets="access_log_filter",
    query=CSV,
)
page("access_log:mine", "access_log", "誰查閱了我的資料", "who read my data", ANYONE)

# -- plan: the plan and its versions (an agency-wide document: everyone logged in reads it)

page("plan:index", "plan", "服務品質計畫", "plans", ANYONE)
page("plan:import", "plan", "匯入計畫", "import a plan", TRACKING_ONLY, post=TRACKING_ONLY)
page("plan:plan", "plan", "計畫（現行版）", "plan (current version)", ANYONE, targets="plan_year")
page("plan:version", "plan", "計畫版次", "plan version", ANYONE, targets="plan_version_number")
page("plan:changes", "plan", "版次差異", "changes of a version", ANYONE, targets="plan_version_number")
page("plan:xlsx", "plan", "計畫 xlsx", "plan (xlsx)", ANYONE, targets="plan_version_number")
page("plan:ods", "plan", "計畫 ods", "plan (ods)", ANYONE, targets="plan_version_number")

# -- plan: next year's plan as a draft (not a plan until approved as its version 1: only 管考 sees it)

DRAFT_ACTS = Only(frozenset({"tracking"}), "僅管考人員", "管考 only", yes=ACCESS)
page(
    "plan:draft_start",
    "plan",
    "建立下年度計畫草案",
    "start next year's draft",
    TRACKING_ONLY,
    post=DRAFT_ACTS,
    targets="plan_year",
)
page("plan:draft", "plan", "計畫草案", "next year's draft", TRACKING_ONLY, targets="plan_draft_year")
page("plan:draft_xlsx", "plan", "計畫草案 xlsx", "draft (xlsx)", TRACKING_ONLY, targets="plan_draft_year")
page("plan:draft_ods", "plan", "計畫草案 ods", "draft (ods)", TRACKING_ONLY, targets="plan_draft_year")
page(
    "plan:draft_upload",
    "plan",
    "上傳修改後的草案",
    "upload the edited draft",
    TRACKING_ONLY,
    post=DRAFT_ACTS,
    targets="plan_draft_year",
)
page(
    "plan:draft_changes",
    "plan",
    "草案與去年計畫比較",
    "draft compared with last year",
    TRACKING_ONLY,
    targets="plan_draft_year",
)
page(
    "plan:draft_approve",
    "plan",
    "核定計畫草案",
    "approve the draft as version 1",
    TRACKING_ONLY,
    post=DRAFT_ACTS,
    targets="plan_draft_year",
    post_data={"approved_on": "116/1/10", "note": "計畫經執行小組會議通過"},
)
page(
    "plan:draft_discard",
    "plan",
    "刪除計畫草案",
    "delete the draft",
    POST_ONLY,
    post=DRAFT_ACTS,
    targets="plan_draft_year",
    post_data={"confirm": "1"},
)

# -- plan: quarterly reports (a unit's people read its reports; the liaison writes, the head confirms)

UNIT_OR_AGENCY_READERS = UnitOnly(
    "本組；館長、管考、稽核",
    "the unit; director, 管考, auditor",
    also=frozenset({"director", "tracking", "auditor"}),
)
page("plan:report_index", "plan", "本單位季報", "my unit's quarterly reports", ANYONE)
page("plan:report_quarter", "plan", "季報總覽（管考）", "quarter overview (管考)", AGENCY_READERS)
page(
    "plan:report_practice",
    "plan",
    "推動作法季報",
    "a practice's report",
    UNIT_OR_AGENCY_READERS,
    targets="practice_period",
)
page(
    "plan:report_submit",
    "plan",
    "填報季報",
    "submit a report",
    POST_ONLY,
    post=UnitRoleOnly(frozenset({"liaison"}), "本組連絡窗口", "the unit's liaison", yes=ACCESS),
    targets="practice_period",
    post_data={"status": "on_track", "text": "依進度辦理。"},
)
page(
    "plan:report_officers",
    "plan",
    "指定推動作法承辦人",
    "name a practice's officers",
    POST_ONLY,
    post=UnitRoleOnly(
        frozenset({"liaison", "head"}),
        "本組連絡窗口、主管；管考",
        "the unit's liaison and head; 管考",
        also=frozenset({"tracking"}),
        yes=ACCESS,
    ),
    targets="practice_period",
    post_data={},
)
page(
    "plan:report_review",
    "plan",
    "主管確認季報",
    "confirm a report",
    POST_ONLY,
    post=UnitRoleOnly(frozenset({"head"}), "本組主管", "the unit's head", yes=ACCESS),
    targets="practice_report",
    post_data={"decision": "confirm"},
)
page(
    "plan:report_attachment",
    "plan",
    "季報附件下載",
    "report attachment",
    UNIT_OR_AGENCY_READERS,
    targets="report_attachment",
)
page(
    "plan:report_attachment_remove",
    "plan",
    "移除季報附件（確認前）",
    "remove a report's file (before it is confirmed)",
    POST_ONLY,
    post=UnitRoleOnly(
        frozenset({"liaison"}),
        "本組連絡窗口（回到季報頁）",
        "the unit's liaison (back to the report)",
        yes=REDIRECT,
    ),
    targets="report_attachment",
)

# -- plan: the execution group's meetings

MEETING_READERS = Only(
    frozenset(
        {
            "readers-staff1",
            "readers-liaison",
            "readers-head",
            "planning-staff1",
            "director",
            "tracking",
            "hr",
            "committee1",
            "auditor",
        }
    ),
    "機關內部人員（讀單位案件者與管考）",
    "agency people who read unit cases, and 管考",
)
MEETING_MANAGER = Only(
    frozenset({"tracking"}),
    "僅管考人員（已召開者轉回會議頁）",
    "管考 only (a held meeting: back to it)",
    yes_when=(("held", REDIRECT),),
)
TRACKING_ACTS = Only(frozenset({"tracking"}), "僅管考人員", "管考 only", yes=ACCESS)
page("meetings:index", "plan", "執行小組會議", "meetings", MEETING_READERS)
page("meetings:new", "plan", "排定會議", "schedule a meeting", TRACKING_ONLY, post=TRACKING_ONLY)
page("meetings:detail", "plan", "會議內容", "meeting", MEETING_READERS, targets="meeting")
page("meetings:agenda", "plan", "會議議程", "agenda", MEETING_MANAGER, post=TRACKING_ACTS, targets="meeting")
page("meetings:record", "plan", "會議紀錄", "minutes", MEETING_MANAGER, post=TRACKING_ACTS, targets="meeting")
page(
    "meetings:change",
    "plan",
    "變更或取消會議",
    "change or cancel a meeting",
    MEETING_MANAGER,
    post=TRACKING_ACTS,
    targets="meeting",
)
page(
    "meetings:cancel",
    "plan",
    "取消會議",
    "cancel a meeting",
    POST_ONLY,
    post=TRACKING_ACTS,
    targets="meeting",
)
page(
    "meetings:action_complete",
    "plan",
    "追蹤事項辦結",
    "complete an action",
    POST_ONLY,
    post=UnitRoleOnly(
        frozenset({"liaison", "head"}),
        "追蹤單位之連絡窗口或主管",
        "the action unit's liaison or head",
        yes=ACCESS,
    ),
    targets="decision",
    post_data={"note": "已完成檢討。"},
)
# The meeting's papers: whoever reads the meeting; the minutes only once it is held (before,
# back to the meeting page with the reason).
MINUTES_READERS = Only(
    MEETING_READERS.logins,
    "機關內部人員（讀單位案件者與管考）；會議召開前轉回會議頁",
    "agency people who read unit cases, and 管考; before the meeting is held, back to it",
    yes=REDIRECT,
    yes_when=(("held", OK),),
)
for kind, fmt, zh, en, rule in [
    (kind, fmt, zh, en, MINUTES_READERS if kind == "minutes" else MEETING_READERS)
    for kind, zh, en in (
        ("notice", "開會通知單", "meeting notice"),
        ("agenda", "議程", "agenda"),
        ("minutes", "會議紀錄", "minutes"),
    )
    for fmt in ("pdf", "odt")
]:
    page(
        f"meetings:{kind}_{fmt}",
        "plan",
        f"{zh} {fmt.upper()}",
        f"{en} ({fmt.upper()})",
        rule,
        targets="meeting",
    )
page(
    "meetings:self_assessment_pdf",
    "plan",
    "內部自評 PDF",
    "self-assessment (PDF)",
    PLAN_DOC_READERS,
    targets="plan_version",
)
page(
    "meetings:execution_report_pdf",
    "plan",
    "執行報告 PDF",
    "execution report (PDF)",
    PLAN_DOC_READERS,
    targets="plan_version",
)

# -- plan: dashboard and exports

page(
    "dashboard:index",
    "plan",
    "管考儀表板",
    "dashboard",
    Only(
        frozenset({"director", "tracking", "readers-head"}),
        "館長、管考；組室主管看本組",
        "director, 管考; a unit head their unit's",
    ),
    targets="unit_filter",
)
page(
    "plan:export_practices",
    "plan",
    "推動作法匯出",
    "practices export",
    ANYONE,
    query=CSV,
    targets="plan_version_number",
)
page("proposals:rewards_export", "plan", "獎勵匯出", "rewards export", REWARD_EXPORTERS, query=CSV)

# ---------------------------------------------------------------- the admin

# model → the administrator's permissions on it (AGENCY_ROLE_MODEL_PERMISSIONS in DOMAIN terms:
# the administrator manages the organisation and the proposal configuration, reads the trail).
ADMIN_MODELS = {
    "auth_group": {"view"},
    "axes_accessattempt": set(),
    "axes_accesslog": set(),
    "axes_accessfailurelog": set(),  # (these three and failedtask have no rows in the demo)
    "viewflow_process": set(),
    "viewflow_task": set(),
    "governance_user": {"view", "change", "add"},
    "governance_unit": {"view", "change", "add"},
    "governance_membership": {"view", "change", "add"},
    "governance_trailevent": {"view"},
    "governance_failedtask": set(),
    "governance_reminderoffset": set(),
    "governance_notification": set(),
    "governance_stepinstruction": {"view", "change"},  # the rows are the flows' steps: none added
    "proposals_scopecategory": {"view", "change", "add"},
    "proposals_notacceptedreason": {"view", "change", "add"},
    "proposals_scoringcriterion": {"view", "change", "add"},
    "proposals_gradeband": {"view", "change", "add"},
}

# Models the demo has no rows of: their object pages are requested with a made-up id.
ADMIN_MODELS_WITHOUT_ROWS = {
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
    "governance_failedtask",
}


def _admin_only(zh, en, admin_gets, others=ADMIN_LOGIN):
    """Admin pages: the administrator gets `admin_gets`; any other logged-in person is sent to
    the admin's login page."""
    return Only(frozenset({"admin"}), zh, en, yes=admin_gets, no=others)


def admin_page(name, *args, **kwargs):
    """The admin's own pages answer anonymous people with the admin's login page."""
    page(name, *args, anonymous_get=ADMIN_LOGIN, **kwargs)


# Separation of duties (POSTed with the targets' own form data, which tries it): superuser status
# is never ticked in the admin (manage.py grant_superuser), and nobody adds a unit role to
# themselves. The administrator is refused (403); others never reach the form.
ADMIN_ESCALATIONS = {
    "governance_user_change": {
        "post": Only(
            frozenset({"admin"}),
            "勾選超級使用者：系統管理者亦拒絕",
            "ticking superuser: refused, the administrator too",
            yes=FORBIDDEN,
            no=ADMIN_LOGIN,
        ),
        "targets": "admin:user_superuser",
    },
    "governance_membership_add": {
        "post": Only(
            frozenset({"admin"}),
            "授予自己單位職務：系統管理者亦拒絕",
            "a unit role for oneself: refused, the administrator too",
            yes=FORBIDDEN,
            no=ADMIN_LOGIN,
        ),
        "targets": "admin:membership_for_self",
    },
}


def _admin_pages():
    administrator = _admin_only("系統管理者", "administrator", OK)
    admin_page("admin:index", "admin", "管理首頁", "admin index", administrator)
    page(
        "admin:login",
        "admin",
        "管理登入",
        "admin login",
        Only(
            frozenset({"admin"}),
            "系統管理者轉到管理首頁；他人看到登入表單",
            "administrator redirected; others see the form",
            yes=REDIRECT,
            no=OK,
        ),
        anonymous_get=OK,
    )
    admin_page(
        "admin:logout",
        "admin",
        "管理登出",
        "admin logout",
        _admin_only(
            "系統管理者：僅接受 POST；他人轉走",
            "administrator: POST only; others redirected",
            NOT_ALLOWED,
            others=REDIRECT,
        ),
    )
    admin_page(
        "admin:[(?P<url>.*)$]",
        "admin",
        "其他管理網址",
        "any other admin address",
        _admin_only("系統管理者（找不到頁面）", "administrator (not found)", NOT_FOUND),
        url="/admin/no-such-page/",
    )
    admin_page("admin:password_change", "admin", "變更密碼", "change password", administrator)
    admin_page("admin:password_change_done", "admin", "密碼已變更", "password changed", administrator)
    admin_page(
        "admin:autocomplete",
        "admin",
        "自動完成",
        "autocomplete",
        _admin_only("系統管理者（缺參數時 403）", "administrator (403 without parameters)", FORBIDDEN),
    )
    admin_page("admin:jsi18n", "admin", "管理介面翻譯", "admin translations", administrator)
    admin_page(
        "admin:view_on_site",
        "admin",
        "在網站上檢視",
        "view on site",
        _admin_only(
            "系統管理者（模型無網址時 404）", "administrator (404: the model has no page)", NOT_FOUND
        ),
        targets="admin:view_on_site",
    )
    admin_page("admin:app_list", "admin", "應用程式清單", "app list", administrator, targets="admin:app_list")
    page(
        "admin:auth_user_password_change",
        "admin",
        "重設使用者密碼",
        "set a user's password",
        administrator,
        targets="admin:user_id",
    )

    for model, perms in ADMIN_MODELS.items():
        app_label, model_name = model.split("_", 1)
        targets = f"admin:{model}"
        viewer = _admin_only(
            "系統管理者（有檢視權限時）",
            "administrator (with view permission)",
            OK if perms & {"view", "change"} else FORBIDDEN,
        )
        adder = _admin_only(
            "系統管理者（有新增權限時）",
            "administrator (with add permission)",
            OK if "add" in perms else FORBIDDEN,
        )
        if model in ADMIN_MODELS_WITHOUT_ROWS:
            history = _admin_only(
                "系統管理者：物件不存在，轉回管理首頁",
                "administrator: no such object, back to the index",
                REDIRECT,
            )
        else:
            history = viewer
        page(f"admin:{model}_changelist", "admin", f"{model}：清單", f"{model}: list", viewer)
        page(
            f"admin:{model}_add",
            "admin",
            f"{model}：新增",
            f"{model}: add",
            adder,
            **ADMIN_ESCALATIONS.get(f"{model}_add", {}),
        )
        page(
            f"admin:{model}_change",
            "admin",
            f"{model}：修改",
            f"{model}: change",
            viewer,
            **{"targets": targets, **ADMIN_ESCALATIONS.get(f"{model}_change", {})},
        )
        page(
            f"admin:{model}_history", "admin", f"{model}：歷程", f"{model}: history", history, targets=targets
        )
        page(
            f"admin:{model}_delete",
            "admin",
            f"{model}：刪除",
            f"{model}: delete",
            _admin_only("無人（未授予刪除權限）", "nobody (no delete permission)", FORBIDDEN),
            targets=targets,
        )
        page(
            f"admin:[{app_label}/{model_name}/<path:object_id>/]",
            "admin",
            f"{model}：轉到修改頁",
            f"{model}: redirect to change",
            _admin_only("系統管理者（轉址）", "administrator (redirect)", REDIRECT),
            targets=targets,
        )


_admin_pages()

# ---------------------------------------------------------------- not checked

BENCH = "benchmark flow (bench/benchflow): only in the test and benchmark settings, not a page of the site"
# URL patterns that are not pages of this project, by prefix of their key, with the reason.
SKIPPED = {
    "workflow:flows:bench:": BENCH,
    "workflow:flows:timerbare:": BENCH,
}

APPS = {
    "site": ("網站", "site"),
    "home": ("首頁", "home"),
    "todo": ("待辦事項", "to-do list"),
    "notifications": ("通知", "notifications"),
    "verify": ("查驗文件", "verifying documents"),
    "workflow": ("工作流程", "workflow"),
    "proposals": ("創意提案", "proposals"),
    "audits": ("缺失改善", "audits"),
    "evidence": ("考績佐證", "appraisal evidence"),
    "access_log": ("個資存取紀錄", "personal-data access log"),
    "plan": ("服務品質計畫", "service-quality plan"),
    "admin": ("系統管理", "admin"),
}


def skip_reason(key):
    for prefix, reason in SKIPPED.items():
        if key.startswith(prefix):
            return reason
    return None


def expected(entry, method, role, facts):
    """The answer `role` must get for `method` on the page `entry` about an object with `facts`."""
    if role.anonymous:
        return entry.anonymous_get if method == "GET" else entry.anonymous_post
    rule = entry.get if method == "GET" else entry.post
    outcome = rule.expect(role, facts)
    if facts.get("mismatched"):
        # An attachment named under another case than its own: not found for those who may
        # open the case named, refused for the others.
        return NOT_FOUND if outcome == OK else REFUSED
    return outcome
