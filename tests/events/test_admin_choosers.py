"""Wagtail's snippet choosers check only admin access: a section leader must not reach the
registrations' or proposals' names and e-mails through them."""

import pytest
from django.utils import timezone

from events.models import Proposal
from tests.factories import LibraryFactory
from tests.factories.events import RegistrationFactory, section_leader

pytestmark = pytest.mark.django_db

NAME = "Маркерова Ирина"
EMAIL = "leak-marker@example.org"


@pytest.fixture
def leader(django_user_model, conference_tree):
    """A leader of the methodology section, as ``kuzbib_site/demo/events.py`` makes one: admin
    access and the section's pages, nothing else."""
    user = django_user_model.objects.create_user("leader", email="leader@example.org")
    codenames = ("add_page", "change_page", "publish_page")
    return section_leader(user, [conference_tree["methodology"]], codenames)


@pytest.mark.parametrize("model", ["registration", "proposal"])
def test_no_chooser_lists_registrants_or_authors(
    client, admin_client, conference_tree, leader, model
):
    conference = conference_tree["conference"]
    registration = RegistrationFactory(conference=conference, name=NAME, email=EMAIL)
    proposal = Proposal.objects.create(
        conference=conference,
        title="Доклад",
        abstract="Тезисы",
        last_name="Маркерова",
        first_name="Ирина",
        email=EMAIL,
        library=LibraryFactory(),
        consent_given_at=timezone.now(),
    )
    pk = {"registration": registration.pk, "proposal": proposal.pk}[model]
    base = f"/admin/snippets/choose/events/{model}/"
    client.force_login(leader)
    for user_client in (client, admin_client):
        for url in (base, f"{base}results/?q=Маркерова", f"{base}chosen/{pk}/"):
            response = user_client.get(url)
            assert response.status_code == 404, url
            assert EMAIL not in response.content.decode()
    # The listing itself stays for those allowed to see it.
    listing = admin_client.get(f"/admin/snippets/events/{model}/")
    assert listing.status_code == 200 and "Маркерова" in listing.content.decode()
