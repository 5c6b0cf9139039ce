from django.urls import path

from apps.donnees_personnelles import views

app_name = "donnees_personnelles"
urlpatterns = [
    path("", views.notice, name="notice"),
    path("journal/", views.journal, name="journal"),
    path(
        "etablissements/<str:uai>/eleves/<int:pk>/export.json",
        views.exporter,
        {"format": "json"},
        name="export_json",
    ),
    path(
        "etablissements/<str:uai>/eleves/<int:pk>/export.csv",
        views.exporter,
        {"format": "csv"},
        name="export_csv",
    ),
    path(
        "etablissements/<str:uai>/eleves/<int:pk>/supprimer/",
        views.supprimer,
        name="supprimer",
    ),
]
