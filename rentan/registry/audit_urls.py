from django.urls import path

from rentan.registry import audit_views

app_name = "audit"
urlpatterns = [
    path("", audit_views.event_list, name="event_list"),
    path("ekspor.xlsx", audit_views.event_export, name="event_export"),
]
