"""The menu and the proposal lists offer each person only pages they can use."""

import re

import pytest

from tests.authorization_table import ANONYMOUS, ROLES

pytestmark = pytest.mark.django_db

LOGINS = [role.login for role in ROLES if role.login != ANONYMOUS]


def menu_links(html):
    nav = html[html.index("vf-page__menu-list-item") :]
    return sorted(set(re.findall(r'href="(/[^"?#]*)"', nav)) - {"/admin/"})


@pytest.mark.parametrize("login", LOGINS)
def test_every_menu_link_opens_for_its_person(login_as, login):
    client = login_as(login)
    html = client.get("/home/").content.decode()
    links = menu_links(html)
    assert "/proposals/" in links and "/workflow/inbox/" in links
    refused = {link: client.get(link).status_code for link in links}
    assert {link: status for link, status in refused.items() if status >= 400} == {}


@pytest.mark.parametrize(
    "login, offered",
    [
        ("readers-staff1", {"本單位提案", "本單位列管事項", "缺失改善"}),
        ("tracking", {"本單位提案", "全部提案", "缺失改善", "本單位列管事項"}),
        ("external1", set()),
    ],
)
def test_case_lists_in_the_menu_by_role(login_as, login, offered):
    html = login_as(login).get("/home/").content.decode()
    nav = html[html.index("vf-page__menu-list-item") :]
    shown = {
        name for name in ("本單位提案", "全部提案", "缺失改善", "本單位列管事項") if f">{name}</span>" in nav
    }
    assert shown == offered
    # The home page's cards offer the remediation pages to the same people.
    assert ('href="/audits/"' in html) is ("缺失改善" in offered)


@pytest.mark.parametrize(
    "login, offered",
    [("readers-staff1", True), ("director", False), ("auditor", False), ("external1", False)],
)
def test_proposal_lists_offer_a_new_proposal_to_those_who_may(login_as, login, offered):
    client = login_as(login)
    html = client.get("/proposals/").content.decode()
    assert ('href="/proposals/new/"' in html) is offered
    assert client.get("/proposals/new/").status_code == (200 if offered else 403)
