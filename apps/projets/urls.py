from django.urls import path

from apps.projets import views, vues_coordination, vues_programme

app_name = "projets"
urlpatterns = [
    path("", views.liste, name="liste"),
    path("nouveau/", views.creer, name="creer"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/zone/", views.zone, name="zone"),
    path("<int:pk>/zone.geojson", views.zone_geojson, name="zone_geojson"),
    path("<int:pk>/structures/", views.structures, name="structures"),
    path("<int:pk>/porteur/", views.porteur, name="porteur"),
    path("<int:pk>/programme/", views.programme_vue, name="programme"),
    path("<int:pk>/programme/proposer/", views.proposer, name="proposer"),
    path("<int:pk>/programme/case/", vues_programme.case, name="case"),
    path("<int:pk>/programme/grille/", vues_programme.grille, name="grille"),
    path("<int:pk>/soumission/", views.soumission, name="soumission"),
    path("<int:pk>/valider/", vues_coordination.valider, name="valider"),
    path("<int:pk>/renvoyer/", vues_coordination.renvoyer, name="renvoyer"),
    path("<int:pk>/publier/", vues_coordination.publier, name="publier"),
]
