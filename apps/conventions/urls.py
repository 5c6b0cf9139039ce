from django.urls import path

from apps.conventions import views, views_signature, views_structures

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
    path("structures/<int:pk>/attendus/", views_structures.attendus, name="attendus"),
    path(
        "structures/<int:pk>/presence/",
        views_structures.presence_structure,
        name="presence_structure",
    ),
    path("a-signer/", views_signature.a_signer, name="a_signer"),
    path(
        "signatures/<int:pk>/hors-plateforme/",
        views_signature.hors_plateforme,
        name="hors_plateforme",
    ),
    path("<int:pk>/scans/<int:signature_pk>/", views_signature.scan, name="scan"),
    path("signer/<str:jeton>/", views_signature.signer, name="signer"),
    path("signer/<str:jeton>/convention.pdf", views_signature.signer_pdf, name="signer_pdf"),
]
