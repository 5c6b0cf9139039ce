from django.urls import path

from apps.conventions import views

app_name = "conventions"
urlpatterns = [
    path("", views.tableau, name="tableau"),
    path("synchroniser/", views.synchroniser, name="synchroniser"),
    path("relancer/", views.relancer, name="relancer"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/convention.pdf", views.pdf, name="pdf"),
    path("<int:pk>/calendrier.ics", views.calendrier, name="calendrier"),
    path("<int:pk>/attestation.pdf", views.attestation, name="attestation"),
    path("<int:pk>/presence/", views.presence, name="presence"),
    path("<int:pk>/incident/", views.incident, name="incident"),
    path("<int:pk>/restitution/", views.restitution, name="restitution"),
    path("etablissements/<str:uai>/conventions.zip", views.lot_etablissement, name="lot"),
    path("groupes/<int:pk>/feuille-de-route/", views.feuille_route, name="feuille_de_route"),
    path("structures/<int:pk>/attendus/", views.attendus, name="attendus"),
    path("structures/<int:pk>/presence/", views.presence_structure, name="presence_structure"),
    path("signer/<str:jeton>/", views.signer, name="signer"),
    path("signer/<str:jeton>/convention.pdf", views.signer_pdf, name="signer_pdf"),
]
