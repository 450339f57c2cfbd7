from django.urls import path

from rentan.api import views

app_name = "tokens"

urlpatterns = [
    path("", views.token_list, name="token_list"),
    path("<int:pk>/cabut/", views.token_revoke, name="token_revoke"),
]
