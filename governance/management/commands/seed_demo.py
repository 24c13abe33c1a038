from django.core.management.base import BaseCommand

from governance.demo import DEMO_PASSWORD, demo_logins, seed_organisation


class Command(BaseCommand):
    help = "載入示範組織與資料（可重複執行，不會重複建立）。"

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="不列出示範帳號")

    def handle(self, *args, quiet=False, **options):
        from audits.demo import seed_audits
        from governance.plan_services import load_seed_plan
        from proposals.demo import seed_proposals

        seed_organisation()
        plan = load_seed_plan()  # first: demo proposals name its practices
        loaded = seed_proposals()
        audits = seed_audits()
        if quiet:
            return
        self.stdout.write(f"示範帳號（密碼皆為 {DEMO_PASSWORD}）：")
        for login, name, what in demo_logins():
            self.stdout.write(f"  {login:<22} {name:<8} {what}")
        if loaded:
            self.stdout.write(f"已載入示範創意提案 {loaded} 件。")
        else:
            self.stdout.write("資料庫已有創意提案，未載入示範提案。")
        if audits:
            self.stdout.write(f"已載入示範上級機關考核 {audits} 件。")
        else:
            self.stdout.write("資料庫已有上級機關考核，未載入示範考核。")
        if plan:
            self.stdout.write(f"已載入 {plan.plan.title}（原始計畫書）。")
