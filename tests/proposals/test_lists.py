"""My proposals, my unit's, all of them with filters and search, and statistics."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(drive):
    a = drive.submit("readers-staff1", title="閱覽室座位預約系統")
    b = drive.submit("readers-staff2", title="期刊架位標示改善", co_proposers="readers-staff1 30")
    c = drive.submit("acquisitions-staff1", title="編目作業抽檢機制")
    d = drive.submit("acquisitions-staff2", title="只是抱怨冷氣太冷")
    drive.first_review("acquisitions-head", d, "not_accepted", reason_code="complaint_only")
    drive.first_review("readers-head", a, "accepted")
    return a, b, c, d


def test_my_proposals_include_co_proposed_ones(drive, cases):
    a, b, c, d = cases
    html = drive.as_("readers-staff1").get("/proposals/").content.decode()
    assert a.title in html and b.title in html and c.title not in html


def test_unit_list_is_the_units_own(drive, cases):
    a, b, c, d = cases
    html = drive.as_("readers-head").get("/proposals/unit/").content.decode()
    assert a.title in html and b.title in html and c.title not in html


def test_all_proposals_with_filters_and_search(drive, cases):
    a, b, c, d = cases
    client = drive.as_("tracking")
    html = client.get("/proposals/all/").content.decode()
    assert all(p.title in html for p in cases)
    html = client.get("/proposals/all/", {"state": "second_review"}).content.decode()
    assert a.title in html and c.title not in html
    html = client.get("/proposals/all/", {"q": "編目"}).content.decode()
    assert c.title in html and a.title not in html
    from governance.models import Unit

    html = client.get("/proposals/all/", {"unit": Unit.objects.get(code="acquisitions").pk}).content.decode()
    assert c.title in html and a.title not in html
    html = client.get("/proposals/all/", {"year": a.roc_year + 1}).content.decode()
    assert "沒有符合的提案" in html
    # The year as ROC or AD, as on every other page; one it cannot read is said so.
    for given in (str(a.roc_year), str(a.roc_year + 1911)):
        assert a.title in client.get("/proposals/all/", {"year": given}).content.decode(), given
    assert "年度「明年」無法辨識" in client.get("/proposals/all/", {"year": "明年"}).content.decode()


def test_statistics_exclude_not_accepted(drive, cases):
    html = drive.as_("director").get("/proposals/all/").content.decode()
    assert "計 3 件" in html
    assert "另有不予受理 1 件" in html


def test_only_agency_wide_readers_list_all(drive, cases):
    for login in ("readers-staff1", "readers-head", "committee1", "external1"):
        assert drive.as_(login).get("/proposals/all/").status_code == 403, login
    for login in ("tracking", "director", "auditor"):
        assert drive.as_(login).get("/proposals/all/").status_code == 200, login


def test_list_shows_how_many_assigned_scores_are_in(drive, cases):
    a = cases[0]
    drive.assign_reviewers(a, ["committee1", "committee2", "external1"])
    drive.score("committee2", a, {"創意性": 80, "可行性": 80, "效益性": 80, "完整性": 80})
    html = drive.as_("tracking").get("/proposals/all/", {"state": "second_review"}).content.decode()
    assert '<td class="gov-nowrap">1/3</td>' in html


def test_my_proposals_in_english(drive, cases, person):
    a, b, c, d = cases
    client = drive.as_("readers-staff1")
    response = client.post("/language/", {"language": "en", "next": "/proposals/"})
    assert response.status_code == 302 and response["Location"] == "/proposals/"
    assert person("readers-staff1").language == "en"
    client.get("/home/")  # shows, and so clears, the messages queued in Chinese by the steps above
    html = client.get("/proposals/").content.decode()
    assert 'lang="en"' in html
    assert "<h1>My proposals</h1>" in html
    assert "New innovation proposal" in html
    for label in (
        "Case no.",
        "Proposal title",
        "Proposing unit",
        "Proposer",
        "Status",
        "Grade",
        "Submission date",
    ):
        assert f'<th scope="col">{label}</th>' in html, label
    # a was accepted at the first review; b, co-proposed, still waits for it.
    assert a.title in html and b.title in html
    assert (
        '<td class="gov-keep">In second review</td>' in html
        and '<td class="gov-keep">In first review</td>' in html
    )
    for chinese in ("我的提案", "新增創意提案", "提案名稱", "狀態", "複審中", "初審中"):
        assert chinese not in html, chinese


def test_statistics_count_each_proposal_once_whatever_its_reviewers(drive, cases):
    """The list counts each proposal's scores (a join): the statistics must not multiply."""
    from proposals import selectors
    from proposals.models import Proposal

    a = cases[0]
    drive.assign_reviewers(a, ["committee1", "committee2", "external1"])
    for member in ("committee1", "committee2", "external1"):
        drive.score(member, a, {"創意性": 95, "可行性": 95, "效益性": 95, "完整性": 95})
    a.refresh_from_db()
    listed = selectors.with_score_counts(selectors.narrow_proposals(Proposal.objects.all()))
    stats = selectors.statistics(listed)
    assert stats["total"] == 3 and stats["not_accepted"] == 1
    assert sum(row["n"] for row in stats["by_unit"]) == 3
    assert [(row["grade"], row["n"]) for row in stats["by_grade"]] == [(a.grade, 1)]
    html = drive.as_("director").get("/proposals/all/").content.decode()
    assert "計 3 件" in html


def test_statistics_are_one_query_whatever_the_list(drive, cases, django_assert_num_queries):
    """Summed from one grouped query: more proposals, units and states add no query."""
    from proposals import selectors
    from proposals.models import Proposal

    listed = selectors.with_score_counts(selectors.narrow_proposals(Proposal.objects.all()))
    with django_assert_num_queries(1):
        stats = selectors.statistics(listed)
    assert stats["total"] == 3 and stats["not_accepted"] == 1 and stats["adopted"] == 0
    assert sorted((row["state"], row["n"]) for row in stats["by_state"]) == [
        ("first_review", 2),
        ("second_review", 1),
    ]
    assert {row["unit__name"]: row["n"] for row in stats["by_unit"]} == {"閱覽典藏組": 2, "採訪編目組": 1}
    for title in ("新增一", "新增二", "新增三"):
        drive.submit("planning-staff1", title=title)
    with django_assert_num_queries(1):
        stats = selectors.statistics(listed)
    assert stats["total"] == 6 and len(stats["by_unit"]) == 3
