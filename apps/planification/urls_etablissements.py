"""L'espace des établissements (dépôt des élèves et de leurs vœux, suivi des placements).

Dans l'app de la planification, qui dépend des établissements et des projets ; espace de
noms « etablissements » pour les adresses."""

from django.urls import path

from apps.planification import vues_etablissements as views

app_name = "etablissements"
urlpatterns = [
    path("", views.index, name="index"),
    path("depot/", views.depot, name="depot"),
    path("<str:uai>/", views.detail, name="detail"),
    path("<str:uai>/reglages/", views.reglages, name="reglages"),
    path("<str:uai>/eleves/nouveau/", views.nouvel_eleve, name="nouvel_eleve"),
    path("<str:uai>/eleves/<int:pk>/", views.emploi_du_temps, name="emploi_du_temps"),
]
