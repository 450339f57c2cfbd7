"""The desil page refuses every hostile file with its reason and stores nothing; only the
admin Dinas opens it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rentan.registry.models import DesilImport, DesilRanking
from rentan.testing import hostile_files

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", sorted(hostile_files.FILES))
def test_the_desil_page_refuses_each_hostile_file(name, client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("imports:desil_lists"),
        {"file": SimpleUploadedFile(name, hostile_files.build(name)), "source": "DTSEN"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert errors
    assert not DesilImport.objects.exists()
    assert not DesilRanking.objects.exists()


def test_only_the_admin_opens_the_desil_page(client, operator_user, verifier_user):
    for user in (operator_user, verifier_user):
        client.force_login(user)
        assert client.get(reverse("imports:desil_lists")).status_code == 403
    client.force_login(operator_user)
    assert "Impor desil DTSEN" not in client.get(reverse("imports:batch_list")).content.decode()
