from django.urls import path

from apps.etablissements import views

app_name = "etablissements"
urlpatterns = [
    path("", views.index, name="index"),
    path("depot/", views.depot, name="depot"),
    path("<str:uai>/", views.detail, name="detail"),
    path("<str:uai>/eleves/nouveau/", views.nouvel_eleve, name="nouvel_eleve"),
    path("<str:uai>/eleves/<int:pk>/", views.emploi_du_temps, name="emploi_du_temps"),
]
