import os
import subprocess
import sys
from pathlib import Path


def run_with(settings_module: str, extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    env.update({"DJANGO_SETTINGS_MODULE": settings_module, **extra_env})
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_secret_key():
    result = run_with("config.settings.prod", {"ALLOWED_HOSTS": "rentan.example"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_starts_with_its_own_settings():
    result = run_with(
        "config.settings.prod",
        {
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "rentan.example",
            "DATABASE_URL": "sqlite:///:memory:",
        },
    )
    assert result.returncode == 0, result.stderr


PRODUCTION = {
    "SECRET_KEY": "k9Vq2-production-like-secret-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "rentan.example",
    "DATABASE_URL": "sqlite:///:memory:",
}


def deploy_check(extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # The browser fixture allows Django's ORM in Playwright's event loop for this process;
    # a server never has that variable.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("RENTAN_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.prod", **PRODUCTION, **extra_env})
    return subprocess.run(
        # The installed console command, as an operator runs it.
        [
            str(Path(sys.executable).parent / "rentan"),
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_deploy_check_is_clean_on_production_settings():
    result = deploy_check({})
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
    assert "WARNINGS" not in result.stderr


def test_deploy_check_names_a_turned_off_https_redirect():
    result = deploy_check({"RENTAN_SSL_REDIRECT": "0"})
    assert result.returncode != 0
    assert "security.W008" in result.stderr


def production_values(extra_env: dict[str, str]) -> list[str]:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_PROXY_SSL_HEADER, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("RENTAN_")}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.prod", **PRODUCTION, **extra_env})
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    # Production logs go to standard output too: the values are the last line.
    return result.stdout.splitlines()[-1].split()


def test_production_reads_the_proxy_and_hsts_switches():
    assert production_values({}) == ["None", "31536000", "True"]
    behind_proxy = {"RENTAN_TRUST_X_FORWARDED_PROTO": "1", "RENTAN_HSTS_INCLUDE_SUBDOMAINS": "0"}
    assert production_values(behind_proxy) == [
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "31536000",
        "False",
    ]


def test_wsgi_and_asgi_without_settings_run_production_and_refuse_to_start():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"}
    }
    for module in ["config.wsgi", "config.asgi"]:
        result = subprocess.run(
            [sys.executable, "-c", f"import {module}"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode != 0
        assert "ImproperlyConfigured: Setel variabel lingkungan SECRET_KEY" in result.stderr
