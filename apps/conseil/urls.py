from django.urls import path

from apps.conseil import views

app_name = "conseil"
urlpatterns = [
    path("", views.index, name="index"),
    path("sessions/<int:pk>/", views.recruter, name="recruter"),
    path("sessions/<int:pk>/export/", views.export, name="export"),
]
