"""Duplicate detection on Chinese text, and what the first reviewer is shown."""

import pytest

from proposals.similarity import bigrams, rank_similar, similarity
from tests.helpers import open_task
from tests.support.proposal_http import Driver

EARLIER = "增設自助借書機中文語音導引，協助高齡讀者自行借書"


def test_bigrams_ignore_punctuation_spaces_and_width():
    assert bigrams("借書，機") == bigrams("借書 機") == {"借書", "書機"}
    assert bigrams("ＡＢ") == bigrams("ab") == {"ab"}
    assert bigrams("") == set()


def test_near_duplicate_in_other_words_scores_high_and_unrelated_low():
    near = "自助借書機加入中文語音導引，讓高齡讀者可以自行借書"
    unrelated = "會計室採購核銷流程電子化，減少紙本簽核"
    assert similarity(EARLIER, near) > 0.5
    assert similarity(EARLIER, unrelated) < 0.1
    assert similarity(EARLIER, EARLIER) == 1.0


def test_rank_orders_by_similarity_and_applies_the_threshold():
    candidates = [
        (1, "會計室採購核銷流程電子化"),
        (2, "自助借書機加入中文語音導引"),
        (3, "自助借書機中文語音導引協助高齡讀者自行借書"),
    ]
    ranked = rank_similar(EARLIER, candidates, threshold=0.3)
    assert [key for key, _ in ranked] == [3, 2]
    assert ranked[0][1] > ranked[1][1]


@pytest.mark.django_db
def test_first_reviewer_sees_the_earlier_similar_proposal(client, person, org):
    drive = Driver(client, person)
    earlier = drive.submit(
        "acquisitions-staff1",
        title="自助借書機增設中文語音導引",
        improvement="於自助借書機加入中文語音導引，協助高齡讀者自行借書。",
    )
    drive.submit("planning-staff1", title="會計核銷電子化", improvement="核銷流程改為線上簽核，減少紙本。")
    later = drive.submit(
        "readers-staff1",
        title="借書機中文語音導引",
        improvement="自助借書機加入中文語音導引，讓高齡讀者自行借書。",
    )
    task = open_task(later, "first_review")
    html = drive.as_("readers-head").get(task.reverse("execute")).content.decode()
    assert "相似的先前提案" in html
    assert earlier.case_number in html
    assert "會計核銷電子化" not in html
    # The earlier one was first: it does not list the later one as "earlier".
    task = open_task(earlier, "first_review")
    html = drive.as_("acquisitions-head").get(task.reverse("execute")).content.decode()
    assert "沒有找到相似的先前提案" in html
