from django.urls import path

from apps.carte import views, vues_coordination

app_name = "carte"
urlpatterns = [
    path("", views.carte, name="carte"),
    path("projets/", views.liste, name="liste"),
    path("projets/<int:pk>/", views.fiche, name="fiche"),
    path("marqueurs.geojson", views.marqueurs, name="marqueurs"),
    path("contours/<str:niveau>.geojson", views.contours, name="contours"),
    path("couverture/", vues_coordination.couverture, name="couverture"),
    path("tableau-de-bord/", vues_coordination.tableau_de_bord, name="tableau_de_bord"),
    path("tableau-de-bord/export.<str:format>", vues_coordination.export, name="export"),
]
