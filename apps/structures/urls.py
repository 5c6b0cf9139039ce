from django.urls import path

from apps.structures import views

app_name = "structures"
urlpatterns = [
    path("", views.mes_structures, name="mes_structures"),
    path("<int:pk>/", views.fiche, name="fiche"),
    path("<int:pk>/qui-vient/", views.qui_vient, name="qui_vient"),
    path("<int:pk>/saison-suivante/", views.accueil_suivant, name="accueil_suivant"),
]
