from django.core.management.base import BaseCommand, CommandError

from governance.backup import BackupError, restore


class Command(BaseCommand):
    help = "把備份還原到空的資料庫與附件目錄；先核對全部指紋，還原後驗證筆數、附件與事件軌跡。"

    def add_arguments(self, parser):
        parser.add_argument("directory", help="backup 指令寫出的目錄")

    def handle(self, *args, directory, **options):
        try:
            report = restore(directory)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"已還原 {report['rows']} 筆資料、{report['files']} 個附件；"
            f"{report['cases_verified']} 個案件的事件軌跡驗證無誤；"
            f"個資存取紀錄 {report['access_records_verified']} 筆驗證無誤。"
        )
