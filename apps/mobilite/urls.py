from django.urls import path

from apps.mobilite import views

app_name = "mobilite"
urlpatterns = [
    path("", views.index, name="index"),
    path("sessions/<int:pk>/", views.flux, name="flux"),
    path("sessions/<int:pk>/televerser/", views.televerser, name="televerser"),
    path("sessions/<int:pk>/reglages/", views.reglages, name="reglages"),
]
