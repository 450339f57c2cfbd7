from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from rentan.api import services, tokens
from rentan.api.models import ApiToken
from rentan.core.models import AuditAction, AuditEvent
from rentan.testing.factories import make_user

pytestmark = pytest.mark.django_db


def _call(text: str) -> int:
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}").get("/api/v1/areas").status_code


def test_token_is_stored_hashed_and_works_until_revoked():
    user = make_user("admin")
    created = services.create_api_token(actor=user, user=user, name="dasbor", days=30)
    stored = ApiToken.objects.get()
    secret = tokens.split_token(created.text)[1]
    assert secret not in stored.secret_hash
    assert stored.secret_hash == tokens.hash_secret(secret)
    assert _call(created.text) == 200
    assert ApiToken.objects.get().last_used_at is not None
    services.revoke_api_token(actor=user, token=stored)
    assert _call(created.text) == 401
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == [AuditAction.API_TOKEN_CREATED, AuditAction.API_TOKEN_REVOKED]


def test_expired_wrong_and_missing_tokens_answer_unauthenticated_json():
    user = make_user("admin")
    created = services.create_api_token(actor=user, user=user, name="x", days=1)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _call(created.text) == 401
    prefix, _secret = tokens.split_token(created.text)
    ApiToken.objects.update(expires_at=timezone.now() + timedelta(days=1))
    assert _call(f"rtn_{prefix}_wrongsecret") == 401
    answer = Client().get("/api/v1/areas")
    assert answer.status_code == 401
    assert answer.json()["code"] == "unauthenticated"


def test_token_of_a_deactivated_user_stops_working():
    user = make_user("verifikator")
    created = services.create_api_token(actor=user, user=user, name="x", days=5)
    user.is_active = False
    user.save()
    assert _call(created.text) == 401


def test_user_makes_and_revokes_own_tokens_on_the_page_and_sees_the_secret_once():
    user = make_user("operator", kelurahan_code="33.75.01.1002")
    other = make_user("verifikator")
    theirs = services.create_api_token(
        actor=other, user=other, name="milik-verifikator", days=5
    ).token
    client = Client()
    client.force_login(user)
    page = client.post("/akun/token-api/", {"name": "tablet", "days": 30})
    token = ApiToken.objects.get(user=user)
    text = page.context["created"].text
    assert text in page.content.decode()
    assert "milik-verifikator" not in page.content.decode()
    assert text not in client.get("/akun/token-api/").content.decode()
    assert client.post(f"/akun/token-api/{theirs.pk}/cabut/").status_code == 404
    client.post(f"/akun/token-api/{token.pk}/cabut/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_admin_makes_a_token_for_another_user_which_acts_as_that_user():
    admin = make_user("admin")
    leader = make_user("pimpinan")
    client = Client()
    client.force_login(admin)
    page = client.post("/akun/token-api/", {"name": "dasbor", "days": 7, "user": leader.pk})
    text = page.context["created"].text
    assert ApiToken.objects.get().user == leader
    answer = Client(HTTP_AUTHORIZATION=f"Bearer {text}").get("/api/v1/persons")
    assert answer.status_code == 403


def test_requests_beyond_the_rate_answer_429_json_until_the_next_window(settings, monkeypatch):
    from rentan.api.auth import TokenRateThrottle

    clock = [1_800_000_000.0 + 10]  # ten seconds into a clock minute
    monkeypatch.setattr(TokenRateThrottle, "clock", staticmethod(lambda: clock[0]))
    settings.RENTAN_API_RATE = "2/min"
    user = make_user("admin")
    text = services.create_api_token(actor=user, user=user, name="x", days=1).text
    other = services.create_api_token(actor=user, user=user, name="y", days=1).text
    assert [_call(text) for _ in range(2)] == [200, 200]
    answer = Client(HTTP_AUTHORIZATION=f"Bearer {text}").get("/api/v1/areas")
    assert answer.status_code == 429
    assert answer.json()["code"] == "rate_limited"
    # Each token has its own count.
    assert _call(other) == 200
    clock[0] += 49  # still the same minute
    assert _call(text) == 429
    clock[0] += 1  # the next minute
    assert [_call(text) for _ in range(3)] == [200, 200, 429]
