from django.core.management.base import BaseCommand, CommandError

from governance.trail import verify_all


class Command(BaseCommand):
    help = "驗證每一案件事件軌跡的雜湊鏈；有竄改或缺漏時以非零狀態結束並指出第一筆。"

    def handle(self, *args, **options):
        cases = 0
        for check in verify_all():
            cases += 1
            if not check.ok:
                raise CommandError(check.describe())
        self.stdout.write(self.style.SUCCESS(f"事件軌跡驗證無誤：共 {cases} 件案件。"))
