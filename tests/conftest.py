import pytest
from background import celery_worker, redis_url, worker_env  # noqa: F401 (fixtures: a real Redis and worker)
from django.contrib.auth import get_user_model

from governance.demo import DEMO_PASSWORD, seed_organisation


def default_configuration():
    """The rows of the data migrations: a transactional test's flush removes them."""
    import importlib

    from django.apps import apps

    importlib.import_module("proposals.migrations.0002_default_configuration").load(apps, None)
    importlib.import_module("governance.migrations.0006_default_reminder_offsets").load(apps, None)


@pytest.fixture
def org(db):
    """The demo organisation: eight units, their people, the agency roles."""
    default_configuration()
    return seed_organisation()


@pytest.fixture
def person(org):
    def get(login):
        return get_user_model().objects.get(username=login)

    return get


@pytest.fixture
def login_as(client, person):
    def log_in(login):
        client.force_login(person(login))
        return client

    return log_in


@pytest.fixture
def demo_password():
    return DEMO_PASSWORD


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


@pytest.fixture
def live_org(transactional_db, live_server):
    """The demo organisation behind a live server, for browser tests."""
    default_configuration()
    seed_organisation()
    return live_server
