"""Long unbroken text on a page: a finding whose text, audit names, meeting decisions, plan and
history carry a 300-character token and a 149-character URL wraps inside the window (no
sideways scrolling), in headless Debian chromium, at a desktop's width and a phone's."""

import pytest

from tests.helpers import log_in_browser
from tests.support.audit_http import AuditDriver, finding_fields
from tests.support.long_text import LongTexts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_finding_with_long_words_fits_the_window(page, live_org, client, person, demo_password, tmp_path):
    texts = LongTexts()
    drive = AuditDriver(client, person)
    audit = drive.register(
        [finding_fields(0, lead="readers", text=texts.text("finding"))],
        agency=texts.char("agency", 100),
        title=texts.char("audit title", 200),
    )
    (finding,) = drive.findings(audit)
    drive.meeting(finding, attendees=texts.text("attendees"), decisions=texts.text("meeting decisions"))
    drive.plan(finding, text=texts.text("plan"))

    log_in_browser(page, live_org.url, "tracking", demo_password)
    for width, height in ((1280, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_org.url}/audits/findings/{finding.pk}/")
        body = page.locator("#gov-main").inner_text()
        assert texts.expected["finding"][0] in "".join(body.split())
        page.screenshot(path=str(tmp_path / f"finding-{width}.png"), full_page=True)
        scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll_width <= inner_width, (width, scroll_width)
