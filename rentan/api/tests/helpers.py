"""A Django test client that calls the API with a personal token of a user."""

from typing import Any

from django.test import Client

from rentan.api import services


def token_for(user: Any, *, days: int = 30) -> str:
    return services.create_api_token(actor=user, user=user, name="uji", days=days).text


def api_client(user: Any) -> Client:
    # CSRF enforced as in production: a token, not a cookie, authenticates the API.
    return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")
