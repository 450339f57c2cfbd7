from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "rentan.accounts"
    label = "accounts"
    verbose_name = "Pengguna"

    def ready(self) -> None:
        from rentan.accounts import signals  # noqa: F401  (connects the login receivers)
