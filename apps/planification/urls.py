from django.urls import path

from apps.planification import views

app_name = "planification"
urlpatterns = [
    path("", views.travaux, name="travaux"),
    path("lancer/", views.lancer, name="lancer"),
    path("travaux/<int:pk>/", views.travail, name="travail"),
    path("resultats/", views.resultats, name="resultats"),
    path("resultats/non-places.<str:format>", views.export, name="export"),
    path("publier/", views.publier, name="publier"),
    path("reparation/", views.reparation, name="reparation"),
    path("reparation/lancer/", views.reparer, name="reparer"),
    path("reparation/confirmer/", views.confirmer_reparation, name="confirmer_reparation"),
]
