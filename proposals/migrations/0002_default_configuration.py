"""The defaults of docs/domain.md (「設定而非常數」) as rows (ROC year 0), editable in the admin site."""

from django.db import migrations

CATEGORIES = ["讀者服務", "館藏發展", "資訊系統", "行政效率", "節能減碳", "其他"]

NOT_ACCEPTED_REASONS = [
    ("duplicate", "與先前提案重複（僅獎勵最先提案者）"),
    ("already_planned", "已擬訂計畫或已有指示辦理"),
    ("complaint_only", "僅陳述問題，無具體改進作法"),
    ("out_of_scope", "非提案範圍（福利、陞遷、考績等）"),
    ("resubmission", "曾經不採行之提案再次提出"),
]

CRITERIA = [("創意性", 30), ("可行性", 25), ("效益性", 30), ("完整性", 15)]

# name, minimum weighted total, reward amount (NT$), proposed commendations (嘉獎 count)
GRADES = [("特優", 90, 5000, 3), ("優等", 85, 3000, 2), ("甲等", 80, 2000, 1)]


def load(apps, schema_editor):
    ScopeCategory = apps.get_model("proposals", "ScopeCategory")
    NotAcceptedReason = apps.get_model("proposals", "NotAcceptedReason")
    ScoringCriterion = apps.get_model("proposals", "ScoringCriterion")
    GradeBand = apps.get_model("proposals", "GradeBand")
    for order, name in enumerate(CATEGORIES):
        ScopeCategory.objects.get_or_create(name=name, defaults={"sort_order": order})
    for order, (code, label) in enumerate(NOT_ACCEPTED_REASONS):
        NotAcceptedReason.objects.get_or_create(code=code, defaults={"label": label, "sort_order": order})
    for order, (name, weight) in enumerate(CRITERIA):
        ScoringCriterion.objects.get_or_create(
            roc_year=0, name=name, defaults={"weight": weight, "sort_order": order}
        )
    for name, minimum, amount, commendations in GRADES:
        GradeBand.objects.get_or_create(
            roc_year=0,
            name=name,
            defaults={"min_score": minimum, "reward_amount": amount, "commendations": commendations},
        )


class Migration(migrations.Migration):
    dependencies = [("proposals", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
