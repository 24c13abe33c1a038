"""The fixtures shared by the tests of every app; plain helpers are in tests/helpers.py."""

import pytest

# The shared modules' asserts explain themselves as the tests' own do.
pytest.register_assert_rewrite("tests.helpers", "tests.support")

from governance.demo import DEMO_PASSWORD, seed_organisation  # noqa: E402
from tests.background import (  # noqa: E402, F401 (fixtures: a real Redis and worker)
    celery_worker,
    redis_url,
    worker_env,
)
from tests.helpers import default_configuration, frozen_at, log_in, user  # noqa: E402
from tests.support.proposal_http import Driver, run_to_closure  # noqa: E402


@pytest.fixture
def org(db):
    """The demo organisation: eight units, their people, the agency roles."""
    default_configuration()
    return seed_organisation()


@pytest.fixture
def person(org):
    """A person of the demo organisation by login."""
    return user


@pytest.fixture
def login_as(client, person):
    """The test client logged in as the person of that login: login_as("readers-head").get(…)."""

    return lambda login: log_in(client, person(login))


@pytest.fixture
def demo_password():
    return DEMO_PASSWORD


@pytest.fixture
def frozen(request):
    """Time standing still at the test module's NOW (a module freezing every test lists the
    fixture in its pytestmark: pytest.mark.usefixtures("frozen"))."""
    moment = getattr(request.module, "NOW", None)
    assert moment is not None, f"{request.module.__name__} uses the frozen fixture: give it a NOW"
    with frozen_at(moment):
        yield


@pytest.fixture
def closed_proposal(client, person, org):
    """Adopted and run to closure: readers-staff1 with readers-staff2 (40 %)."""
    drive = Driver(client, person)
    return run_to_closure(drive, drive.submit("readers-staff1", co_proposers="readers-staff2 40"))


# ---------------------------------------------------------------- browsers

CHROMIUM_ARGS = [
    "--no-sandbox",  # needed as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these chromium keeps trying to reach the internet, which this network refuses.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's chromium: Playwright's own browser download is not available here."""
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Browsers as people here have them: Traditional Chinese (Taiwan)."""
    return {**browser_context_args, "locale": "zh-TW"}


@pytest.fixture
def live_org(transactional_db, live_server):
    """The demo organisation behind a live server, for browser tests."""
    default_configuration()
    seed_organisation()
    return live_server
