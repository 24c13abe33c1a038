"""Sample data shared by the benchmarks and the tests that time the same work."""

import datetime

from evidence.selectors import Evidence
from governance.periods import period_of_year
from governance.text import commendation_label


def synthetic_evidence(person, count, **fields):
    """`count` items, two proposals for every finding, for one person over ROC year 115
    (`fields`: other Evidence fields, e.g. a fixed generated_at)."""
    year = period_of_year(115)
    items = []
    for n in range(count):
        proposal = n % 3 != 2
        items.append(
            {
                "kind": "proposal" if proposal else "finding",
                "case_number": f"{'提' if proposal else '列'}115-{n + 1:04d}",
                "title": f"第 {n + 1} 案："
                + (
                    "閱覽區自助借書機增設中文語音導引與放大字體模式"
                    if proposal
                    else "教育部服務品質考核：閱覽區動線標示不清，讀者不易找到自助借書機"
                ),
                "role": "共同提案人" if proposal else "協辦",
                "share": 40 if proposal else None,
                "state": "已結案" if proposal else "已解除列管",
                "grade": "優等" if proposal else "",
                "decision": "採行" if proposal else "",
                "adopted": proposal,
                "decided_on": datetime.date(2026, 3, 8) if proposal else None,
                "effectiveness": "優良" if proposal else "",
                "closed_on": datetime.date(2026, 9, 30),
                "reference": "" if proposal else "115 年第 5 次館務會議紀錄",
                "reward_amount": 1200 if proposal else 0,
                "commendations": 2 if proposal else 0,
                "commendation_label": "嘉獎二次" if proposal else "",
                "rewarded": proposal,
            }
        )
    commendations = sum(i["commendations"] for i in items)
    return Evidence(
        person_id=person.pk,
        full_name=person.get_full_name(),
        job_title=person.job_title,
        unit_name="閱覽典藏組",
        start=year[0],
        end=year[1],
        items=items,
        totals={
            "items": count,
            "proposals": sum(i["kind"] == "proposal" for i in items),
            "adopted": sum(i["adopted"] for i in items),
            "findings": sum(i["kind"] == "finding" for i in items),
            "reward_amount": sum(i["reward_amount"] for i in items),
            "commendations": commendations,
            "commendation_label": commendation_label(commendations),
        },
        **fields,
    )
