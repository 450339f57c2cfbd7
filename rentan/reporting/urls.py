from django.urls import URLPattern, path

app_name = "reporting"
urlpatterns: list[URLPattern] = []
