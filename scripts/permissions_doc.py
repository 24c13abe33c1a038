"""Write docs/permissions.md from the authorization table (tests/authorization_table.py).

    .venv/bin/python scripts/permissions_doc.py      (or: make permissions-doc)

The table is the one the authorization matrix test checks every page against, so the document
says what the tests prove. tests/governance/test_authorization_matrix.py fails when the document is not
what this script writes from the current table.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "permissions.md"
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import authorization_table as table  # noqa: E402

LEGEND = [
    ("✓", "可使用（200；POST 為未被拒絕）", "allowed (200; for a POST: not refused)"),
    ("✓400 / ✓409", "可使用，但回應 400／409（如語言不支援、批次未完成）", "allowed, answered 400 / 409"),
    (
        "↪",
        "轉址（到案件頁、清單等，由該頁再行檢查）",
        "redirect (to the case, a list …, which checks on its own)",
    ),
    ("✗", "拒絕（403）", "refused (403)"),
    ("✗404", "找不到（404）", "not found (404)"),
    (
        "✗↪",
        "轉到管理介面登入頁（管理介面的拒絕方式）",
        "sent to the admin's login page (the admin's refusal)",
    ),
    ("—405", "不接受此方法（405）", "method not allowed (405)"),
    ("🔒", "轉到登入頁", "sent to the login page"),
    ("本組", "僅限本單位的案件／物件", "only the objects of their own unit"),
    ("本人", "僅限本人的資料", "only their own"),
    ("受指派", "僅限受指派評審的提案", "only proposals assigned to them"),
    ("承辦人", "僅限任務承辦人", "only the task's owner"),
    ("待認領時", "任務尚無人認領時可認領", "while the task is queued"),
    ("⚠", "已知錯誤，見該頁說明（測試標為 xfail）", "a known bug, see the page's note (xfail in the test)"),
]


def _routes():
    """URL name → route, from Django's resolver; {} when Django cannot be set up."""
    try:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
        # Only the URL patterns are read: the development settings (no SECRET_KEY) will do.
        os.environ.setdefault("DJANGO_DEBUG", "1")
        django.setup()
        from django.urls import URLPattern, URLResolver, get_resolver
    except Exception:  # the document is still useful without the addresses
        return {}

    routes = {}

    def walk(resolver, prefix, local, namespaces):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                if p.namespace:
                    walk(p, prefix + str(p.pattern), "", namespaces + (p.namespace,))
                else:
                    walk(p, prefix + str(p.pattern), local + str(p.pattern), namespaces)
            elif isinstance(p, URLPattern):
                ns = ":".join(namespaces)
                name = f"{ns}:{p.name}" if ns and p.name else p.name
                key = name if name else f"{ns}:[{local}]"
                routes.setdefault(key, "/" + prefix + str(p.pattern))

    walk(get_resolver(), "", "", ())
    return routes


def _cell(rule, role, anonymous_outcome):
    if role.anonymous:
        return table.OUTCOME_MARKS[anonymous_outcome]
    return rule.summary(role)


def _escape(text):
    return str(text).replace("|", "\\|")


def render(routes=None):
    routes = _routes() if routes is None else routes
    roles = table.ROLES
    lines = [
        "# 權限對照表 Permissions matrix",
        "",
        "本文件由 `scripts/permissions_doc.py` 依 `tests/authorization_table.py` 產生，請勿手動編輯；"
        "修改該表後執行 `make permissions-doc`。表中每一列都由 `tests/governance/test_authorization_matrix.py` "
        "以示範資料實際請求驗證（閱覽典藏組的物件與他組的物件各一）。",
        "",
        "Generated from `tests/authorization_table.py` by `scripts/permissions_doc.py`; do not edit by hand, "
        "run `make permissions-doc` after changing the table. Every row is checked by "
        "`tests/governance/test_authorization_matrix.py`, which requests each page as each role on an object of the "
        "readers unit and one of another unit.",
        "",
        "## 圖例 Legend",
        "",
        "| 符號 Mark | 意義 | Meaning |",
        "|---|---|---|",
        *(f"| {mark} | {zh} | {en} |" for mark, zh, en in LEGEND),
        "",
        "## 角色 Roles",
        "",
        "| 角色 Role | 示範帳號 Login | 單位 Unit | 說明 |",
        "|---|---|---|---|",
    ]
    for role in roles:
        what = "、".join(sorted(role.agency)) or (role.unit_role or "")
        lines.append(f"| {role.zh} {role.en} | `{role.login}` | {role.unit or '—'} | {what} |")
    lines += [
        "",
        "館長、管考、稽核可讀所有單位的案件。The director, the 管考 office and the auditor read every "
        "unit's cases.",
        "",
    ]

    for app, (app_zh, app_en) in table.APPS.items():
        entries = [(name, entry) for name, entry in table.PAGES.items() if entry.app == app]
        if not entries:
            continue
        lines += [f"## {app_zh} {app_en}", ""]
        for name, entry in entries:
            lines.append(f"### {entry.zh} {entry.en}")
            lines.append("")
            address = routes.get(name, entry.url)
            about = f"`{name}`" + (f" — `{address}`" if address else "")
            if entry.targets:
                about += f" — 物件 objects: `{entry.targets}`"
            if entry.query:
                about += f" — 請求 requested with `{entry.query}`"
            lines.append(about)
            lines.append("")
            lines.append("| 方法 Method | 規則 Rule | " + " | ".join(r.zh for r in roles) + " |")
            lines.append("|---|---|" + "---|" * len(roles))
            methods = [("GET", entry.get, entry.anonymous_get)]
            if entry.post is not None:
                methods.append(("POST", entry.post, entry.anonymous_post))
            for method, rule, anonymous in methods:
                known = {login for (m, login, _label) in entry.known if m == method}
                cells = []
                for role in roles:
                    cell = _cell(rule, role, anonymous)
                    if role.login in known or ("*" in known and not role.anonymous):
                        cell += " ⚠"
                    cells.append(cell)
                lines.append(
                    f"| {method} | {_escape(rule.zh)}<br>{_escape(rule.en)} | " + " | ".join(cells) + " |"
                )
            for (method, login, label), reason in sorted(entry.known.items()):
                who = "所有登入者 everyone logged in" if login == "*" else f"`{login}`"
                lines.append("")
                lines.append(f"⚠ 已知錯誤 known bug ({method}, {who}, {label}): {reason}")
            if entry.shows_cases:
                lines.append("")
                lines.append(f"本頁可顯示他人案件 the page may show others' cases: {entry.shows_cases}")
            lines.append("")

    lines += ["## 未檢查的網址 Not checked", "", "| 網址名稱 URL name | 原因 Reason |", "|---|---|"]
    for prefix, reason in table.SKIPPED.items():
        lines.append(f"| `{prefix}*` | {reason} |")
    for key, shadowed in table.SHADOWED.items():
        lines.append(
            f"| `{key}` | 無法到達，由 `{shadowed.by}` 先行處理 unreachable: {_escape(shadowed.reason)} |"
        )
    lines.append("")
    return "\n".join(lines)


def main():
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(render(), encoding="utf-8")
    print(f"已寫入 {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
