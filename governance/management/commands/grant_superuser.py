import getpass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from governance.services import set_superuser


class Command(BaseCommand):
    help = (
        "授予（或以 --revoke 撤銷）超級使用者，須以 --reason 註明理由；記入個資存取紀錄與人員軌跡。"
        "管理介面不能授予超級使用者（職務分離）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("login", help="人員帳號")
        parser.add_argument("--reason", required=True, help="理由（例如簽核文號）")
        parser.add_argument("--revoke", action="store_true", help="撤銷而非授予")

    def handle(self, *args, login, reason, revoke, **options):
        user = get_user_model().objects.filter(username=login).first()
        if user is None:
            raise CommandError(f"找不到帳號 {login}")
        # Nobody is logged in here: the record names the server account that ran the command.
        operator = f"管理指令 grant_superuser（主機帳號 {_server_account()}）"
        try:
            changed = set_superuser(user=user, grant=not revoke, reason=reason, operator=operator)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        state = "撤銷" if revoke else "授予"
        if not changed:
            self.stdout.write(f"{login} 已是{'非' if revoke else ''}超級使用者，未變更。")
            return
        self.stdout.write(self.style.SUCCESS(f"已{state} {login} 超級使用者，並記入個資存取紀錄。"))


def _server_account():
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
