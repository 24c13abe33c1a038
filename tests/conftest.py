import pytest
from django.contrib.auth import get_user_model

from governance.demo import DEMO_PASSWORD, seed_organisation


@pytest.fixture
def org(db):
    """The demo organisation: eight units, their people, the agency roles."""
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
