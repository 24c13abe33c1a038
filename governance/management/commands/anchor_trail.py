from django.core.management.base import BaseCommand, CommandError

from governance import trail_anchor


class Command(BaseCommand):
    help = (
        "立即寫出今日的事件軌跡摘要（每日一份，已有則沿用），以 TRAIL_DIGEST_KEY_FILE 簽署，"
        "並通知稽核人員；排程每日由 Celery beat 執行同一工作。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-mail", action="store_true", help="只寫摘要檔，不通知稽核人員")

    def handle(self, *args, no_mail=False, **options):
        try:
            result = trail_anchor.anchor()
        except trail_anchor.AnchorError as error:
            raise CommandError(str(error)) from None
        document = result.document
        state = "已寫出" if result.created else "今日摘要已存在"
        self.stdout.write(
            f"{state}：{result.path}（{document['cases']} 件案件、{document['events']} 筆事件，"
            f"根雜湊 {document['root']}）"
        )
        for finding in document["findings"]:
            self.stderr.write(finding)
        if not no_mail:
            from governance import notifications

            written = trail_anchor.notify_auditors(document)
            sent = notifications.deliver_emails()
            self.stdout.write(f"通知稽核人員 {written} 則，寄出 {sent} 封。")
