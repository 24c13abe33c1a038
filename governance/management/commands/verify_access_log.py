from django.core.management.base import BaseCommand, CommandError

from governance.access_log import verify_access_log


class Command(BaseCommand):
    help = "驗證個資存取紀錄的雜湊鏈；有竄改或缺漏時以非零狀態結束並指出第一筆。"

    def handle(self, *args, **options):
        check = verify_access_log()
        if not check.ok:
            raise CommandError(check.describe())
        self.stdout.write(self.style.SUCCESS(check.describe()))
