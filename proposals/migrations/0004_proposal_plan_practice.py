import django.db.models.deletion
from django.db import migrations, models


def link_practices(apps, schema_editor):
    """Old links were practice numbers as text: the first practice so numbered in the newest
    plan's current version (what governance.plan_selectors.practice_numbered reads)."""
    Proposal = apps.get_model("proposals", "Proposal")
    Plan = apps.get_model("governance", "Plan")
    PlanPractice = apps.get_model("governance", "PlanPractice")
    plan = Plan.objects.order_by("-roc_year").first()
    version = plan.versions.order_by("-number").first() if plan else None
    if version is None:
        return
    practices = PlanPractice.objects.filter(item__area__version=version).order_by(
        "item__area__sort_order", "item__sort_order", "sort_order", "pk"
    )
    first = {}
    for practice in practices:
        first.setdefault(practice.number, practice.pk)
    for proposal in Proposal.objects.exclude(plan_item=""):
        proposal.plan_practice_id = first.get(proposal.plan_item.strip())
        proposal.save(update_fields=["plan_practice"])


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0010_trail_scheme"),
        ("proposals", "0003_proposal_grade_band"),
    ]

    operations = [
        migrations.AddField(
            model_name="proposal",
            name="plan_practice",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="proposals",
                to="governance.planpractice",
                verbose_name="對應服務品質計畫推動作法",
            ),
        ),
        migrations.RunPython(link_practices, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="proposal",
            name="plan_item",
        ),
    ]
