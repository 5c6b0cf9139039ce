"""Une session archivée se consulte seulement : toute écriture sur ses projets répond 403
(message français de `SessionArchivee`), la lecture reste permise."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.campagnes.models import SessionArchivee
from apps.projets.models import Projet
from tests.apps.fabriques import (
    PorteurFactory,
    ProjetFactory,
    SessionFactory,
    StructureAccueilFactory,
    UtilisateurFactory,
)

pytestmark = pytest.mark.django_db

# Chaque vue d'écriture du porteur, avec des données qui seraient acceptées ailleurs.
ECRITURES_PORTEUR = {
    "zone": {"nom": "Renommé", "places": "12"},
    "structures": {"choisir": "1", "secteurs": "Industrie"},
    "porteur": {"porteur": "", "nouveau-nom": "Nouveau porteur"},
    "programme": {"referent": "Quelqu'un"},
    "soumission": {},
    "proposer": {"eleves": "8"},
    "case": {"groupe": "1", "jour": "2026-06-15"},
    "grille": {},
}


def _archivee():
    return SessionFactory(
        nom="Stages de seconde 2026", est_active=False, archivee_le=timezone.now()
    )


@pytest.fixture
def porteur_user():
    return UtilisateurFactory(porteur=True)


@pytest.fixture
def brouillon_archive(porteur_user):
    session = _archivee()
    return ProjetFactory(
        session=session,
        nom="Vire multi",
        gestionnaires=[porteur_user],
        structures=StructureAccueilFactory.create_batch(2, session=session),
    )


@pytest.mark.parametrize("page", sorted(ECRITURES_PORTEUR))
def test_le_porteur_ne_modifie_rien_dans_une_session_archivee(
    client, brouillon_archive, porteur_user, page
):
    client.force_login(porteur_user)
    avant = Projet.objects.values().get(pk=brouillon_archive.pk)
    reponse = client.post(
        reverse(f"projets:{page}", args=[brouillon_archive.pk]), ECRITURES_PORTEUR[page]
    )
    assert reponse.status_code == 403
    texte = reponse.content.decode()
    assert "« Stages de seconde 2026 » est archivée" in texte
    assert 'lang="fr"' in texte
    assert Projet.objects.values().get(pk=brouillon_archive.pk) == avant
    assert not brouillon_archive.groupes.exists()


@pytest.mark.parametrize("action", ["valider", "renvoyer", "publier"])
@pytest.mark.parametrize("statut", ["soumis", "valide"])
def test_la_coordination_ne_decide_rien_dans_une_session_archivee(client, action, statut):
    session = _archivee()
    projet = ProjetFactory(
        session=session,
        statut=statut,
        porteur=PorteurFactory(),
        structures=StructureAccueilFactory.create_batch(2, session=session),
    )
    client.force_login(UtilisateurFactory(coordinateur=True))
    reponse = client.post(reverse(f"projets:{action}", args=[projet.pk]), {"motif": "À revoir"})
    assert reponse.status_code == 403
    assert "est archivée" in reponse.content.decode()
    projet.refresh_from_db()
    assert projet.statut == statut
    assert projet.motif_renvoi == ""


def test_les_transitions_refusent_une_session_archivee(brouillon_archive):
    with pytest.raises(SessionArchivee):
        brouillon_archive.soumettre()
    brouillon_archive.refresh_from_db()
    assert brouillon_archive.statut == Projet.Statut.BROUILLON


def test_la_lecture_reste_permise(client, brouillon_archive, porteur_user):
    client.force_login(porteur_user)
    fiche = client.get(reverse("projets:detail", args=[brouillon_archive.pk]))
    assert fiche.status_code == 200
    texte = fiche.content.decode()
    assert "Vire multi" in texte
    assert "est archivée : ce projet se consulte seulement" in texte
    # Ni « Modifier » ni « Soumettre » sur la fiche.
    assert reverse("projets:soumission", args=[brouillon_archive.pk]) not in texte
    # Une étape du parcours ramène à la fiche, avec le message.
    etape = client.get(reverse("projets:zone", args=[brouillon_archive.pk]), follow=True)
    assert etape.redirect_chain[-1][0] == reverse("projets:detail", args=[brouillon_archive.pk])
    assert "ce projet se consulte seulement" in etape.content.decode()
    zone = client.get(reverse("projets:zone_geojson", args=[brouillon_archive.pk]))
    assert zone.status_code == 200


def test_la_coordination_lit_sans_bouton_de_decision(client):
    session = _archivee()
    projet = ProjetFactory(session=session, statut="soumis")
    client.force_login(UtilisateurFactory(coordinateur=True))
    texte = client.get(reverse("projets:detail", args=[projet.pk])).content.decode()
    assert "Session archivée : plus aucune décision possible." in texte
    assert reverse("projets:valider", args=[projet.pk]) not in texte
    assert reverse("projets:renvoyer", args=[projet.pk]) not in texte


def test_une_session_ouverte_reste_modifiable(client, porteur_user):
    projet = ProjetFactory(session=SessionFactory(), gestionnaires=[porteur_user])
    client.force_login(porteur_user)
    reponse = client.post(reverse("projets:soumission", args=[projet.pk]))
    assert reponse.status_code == 302
    projet.refresh_from_db()
    assert projet.statut == Projet.Statut.SOUMIS
