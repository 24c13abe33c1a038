"""E-mail backends for the worker tests: Django's file backend, slowed down or failing.

The worker is another process, so the test reads the mail it sent from files. Each message
file is written whole after its notification is handed over; a `.sending` marker tells the
test that a send is under way (to kill the worker in the middle of one).
"""

import os
import smtplib
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend as FileBackend


class SlowFileBackend(FileBackend):
    delay = float(os.environ.get("TEST_MAIL_DELAY", "0"))

    def send_messages(self, email_messages):
        folder = Path(self.file_path)
        fail_marker = folder / "fail-next"
        for message in email_messages:
            key = (
                message.extra_headers.get("X-Governance-Notification", "").replace(":", "_").replace("@", "_")
            )
            (folder / f"{key}.sending").touch()
            if fail_marker.exists():
                count = int(fail_marker.read_text() or "0")
                if count != 0:  # -1: fail for ever; n > 0: fail n more times
                    fail_marker.write_text(str(count - 1 if count > 0 else -1))
                    raise smtplib.SMTPServerDisconnected("test mail server is down")
            time.sleep(self.delay)
        return super().send_messages(email_messages)
