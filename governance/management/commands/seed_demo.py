from django.conf import settings
from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from django.utils.module_loading import import_string

from governance.demo import DEMO_PASSWORD, demo_logins, seed_organisation


class Command(BaseCommand):
    help = "載入示範組織與資料（可重複執行，不會重複建立）。"

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="不列出示範帳號")

    def handle(self, *args, quiet=False, **options):
        seed_organisation()
        # Each app loads its own demo data (settings.DEMO_LOADERS), in order. The demo's history
        # is told in the app as it is played; its e-mails (to demo.invalid) are not sent.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            said = [line for dotted in settings.DEMO_LOADERS for line in import_string(dotted)()]
        if quiet:
            return
        self.stdout.write(f"示範帳號（密碼皆為 {DEMO_PASSWORD}）：")
        for login, name, what in demo_logins():
            self.stdout.write(f"  {login:<22} {name:<8} {what}")
        for line in said:
            self.stdout.write(line)
