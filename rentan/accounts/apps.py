from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "rentan.accounts"
    label = "accounts"
    verbose_name = "Pengguna"
