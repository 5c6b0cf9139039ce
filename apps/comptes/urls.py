from django.urls import path

from apps.comptes import views

app_name = "comptes"
urlpatterns = [
    path("connexion/", views.Connexion.as_view(), name="connexion"),
    path("deconnexion/", views.Deconnexion.as_view(), name="deconnexion"),
    path("espace/", views.espace, name="espace"),
    path("activer/<uidb64>/<token>/", views.Activation.as_view(), name="activer"),
]
