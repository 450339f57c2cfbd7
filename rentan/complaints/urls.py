from django.urls import path

from rentan.complaints import views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_list, name="complaint_list"),
    path("baru/", views.complaint_create, name="complaint_create"),
    path("batas-waktu/", views.deadlines, name="deadlines"),
    path("<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("<int:pk>/tanda-terima/", views.complaint_receipt, name="complaint_receipt"),
    path("<int:pk>/tugaskan/", views.complaint_assign, name="complaint_assign"),
    path("<int:pk>/tinjau/", views.complaint_review, name="complaint_review"),
    path("<int:pk>/putusan/", views.complaint_decide, name="complaint_decide"),
    path("<int:pk>/selesai/", views.complaint_close, name="complaint_close"),
    path("<int:pk>/tindak-lanjut/", views.complaint_follow_up, name="complaint_follow_up"),
]
