"""L'espace d'une structure : jamais de brouillon, le chemin vers la feuille de présence,
« accueillerez-vous de nouveau ? » après la session, la fiche reprise à reconfirmer et la
session archivée en lecture seule."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from apps.campagnes.models import Session
from apps.projets.models import Projet
from apps.structures.models import AccueilSuivant
from apps.structures.reconduction import jours_dans
from tests.apps.fabriques import (
    ProjetFactory,
    SessionFactory,
    StructureAccueilFactory,
    UtilisateurFactory,
)
from tests.apps.structures.test_structures import _donnees

pytestmark = pytest.mark.django_db


@pytest.fixture
def gestionnaire():
    return UtilisateurFactory(structure=True)


@pytest.fixture
def structure(gestionnaire):
    """Une structure d'une session terminée (juin 2026), invitée par un projet publié et
    par le brouillon d'un autre porteur."""
    structure = StructureAccueilFactory(gestionnaires=[gestionnaire], nom="Garage Morel")
    ProjetFactory(
        session=structure.session,
        nom="Projet publié",
        statut=Projet.Statut.PUBLIE,
        structures=[structure],
    )
    for statut in (Projet.Statut.BROUILLON, Projet.Statut.SOUMIS, Projet.Statut.RENVOYE):
        ProjetFactory(
            session=structure.session,
            nom=f"Projet {statut} secret",
            statut=statut,
            structures=[structure],
        )
    return structure


def test_la_fiche_ne_montre_jamais_un_brouillon(client, gestionnaire, structure):
    client.force_login(gestionnaire)
    page = client.get(reverse("structures:fiche", args=[structure.pk])).content.decode()
    assert "Projet publié" in page
    assert "secret" not in page


def test_la_liste_ne_compte_jamais_un_brouillon(client, structure):
    client.force_login(UtilisateurFactory(coordinateur=True))
    page = client.get(reverse("structures:mes_structures")).content.decode()
    ligne = page[page.index("Garage Morel") :].split("</tr>")[0]
    assert '<td class="nombre">1</td>' in ligne  # un seul projet validé ou publié
    assert "secret" not in page


def test_chemin_vers_qui_vient_et_la_feuille_de_presence(client, gestionnaire, structure):
    client.force_login(gestionnaire)
    fiche = client.get(reverse("structures:fiche", args=[structure.pk])).content.decode()
    assert f'href="{reverse("structures:qui_vient", args=[structure.pk])}"' in fiche
    assert f'href="{reverse("conventions:attendus", args=[structure.pk])}"' in fiche
    qui_vient = client.get(reverse("structures:qui_vient", args=[structure.pk])).content.decode()
    assert f'href="{reverse("conventions:attendus", args=[structure.pk])}"' in qui_vient
    assert client.get(reverse("conventions:attendus", args=[structure.pk])).status_code == 200


def test_repondre_accueil_suivant(client, gestionnaire, structure):
    client.force_login(gestionnaire)
    fiche = client.get(reverse("structures:fiche", args=[structure.pk])).content.decode()
    assert "Accueillerez-vous de nouveau des élèves de seconde" in fiche
    url = reverse("structures:accueil_suivant", args=[structure.pk])
    reponse = client.post(url, {"reponse": "oui", "remarque": " 4 élèves au plus "}, follow=True)
    assert "Réponse enregistrée" in reponse.content.decode()
    assert "Oui, nous accueillerons de nouveau</strong> (4 élèves au plus)" in (
        reponse.content.decode()
    )
    structure.refresh_from_db()
    assert structure.accueil_suivant == AccueilSuivant.OUI
    assert structure.accueil_suivant_remarque == "4 élèves au plus"
    assert structure.accueil_suivant_le is not None
    client.post(url, {"reponse": "non"})
    structure.refresh_from_db()
    assert structure.accueil_suivant == AccueilSuivant.NON


def test_reponse_manquante_ou_inconnue(client, gestionnaire, structure):
    client.force_login(gestionnaire)
    url = reverse("structures:accueil_suivant", args=[structure.pk])
    for donnees in ({}, {"reponse": "peut-etre"}):
        reponse = client.post(url, donnees)
        assert reponse.status_code == 200
        contenu = reponse.content.decode()
        assert "Le formulaire contient 1 erreur" in contenu
        assert "Répondez oui ou non." in contenu or "peut-etre" in contenu
    structure.refresh_from_db()
    assert structure.accueil_suivant == AccueilSuivant.SANS_REPONSE


def test_la_question_attend_la_fin_de_la_session(client, gestionnaire):
    future = SessionFactory(date_debut=date(2099, 6, 15), date_fin=date(2099, 6, 26))
    structure = StructureAccueilFactory(session=future, gestionnaires=[gestionnaire])
    client.force_login(gestionnaire)
    fiche = client.get(reverse("structures:fiche", args=[structure.pk])).content.decode()
    assert "Accueillerez-vous de nouveau" not in fiche
    url = reverse("structures:accueil_suivant", args=[structure.pk])
    reponse = client.post(url, {"reponse": "oui"})
    assert reponse.status_code == 403
    assert "après le dernier jour de la session" in reponse.content.decode()
    # Close avant la date : la question se pose.
    Session.objects.filter(pk=future.pk).update(statut=Session.Statut.CLOSE)
    assert client.post(url, {"reponse": "oui"}).status_code == 302


def test_une_autre_structure_ne_repond_pas_pour_moi(client, structure):
    client.force_login(UtilisateurFactory(structure=True))
    url = reverse("structures:accueil_suivant", args=[structure.pk])
    assert client.post(url, {"reponse": "non"}).status_code == 404
    client.force_login(UtilisateurFactory(porteur=True))
    assert client.post(url, {"reponse": "non"}).status_code == 403
    structure.refresh_from_db()
    assert structure.accueil_suivant == AccueilSuivant.SANS_REPONSE


def test_session_archivee_lecture_seule(client, gestionnaire, structure):
    structure.session.archiver()
    client.force_login(gestionnaire)
    url = reverse("structures:fiche", args=[structure.pk])
    page = client.get(url).content.decode()
    assert "est archivée : votre fiche se consulte seulement" in page
    assert "Enregistrer ma fiche" not in page
    assert "Accueillerez-vous de nouveau" not in page
    for cible, donnees in (
        (url, _donnees(accueil_max="9")),
        (reverse("structures:accueil_suivant", args=[structure.pk]), {"reponse": "non"}),
    ):
        refus = client.post(cible, donnees)
        assert refus.status_code == 403
        assert "est archivée : elle se consulte seulement" in refus.content.decode()
    structure.refresh_from_db()
    assert structure.accueil_max == 5
    assert structure.accueil_suivant == AccueilSuivant.SANS_REPONSE


def test_fiche_reprise_a_reconfirmer(client, gestionnaire):
    structure = StructureAccueilFactory(gestionnaires=[gestionnaire], a_reconfirmer=True)
    client.force_login(gestionnaire)
    url = reverse("structures:fiche", args=[structure.pk])
    page = client.get(url).content.decode()
    assert "Fiche reprise de la saison précédente" in page
    assert "Confirmer ma fiche" in page
    assert client.post(url, _donnees()).status_code == 302
    structure.refresh_from_db()
    assert not structure.a_reconfirmer
    assert "Fiche reprise" not in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("jours", "attendus"),
    [
        ([], []),
        # Mardi et vendredi de la 1re semaine → mêmes places en 2027.
        (["2026-06-16", "2026-06-19"], ["2027-06-15", "2027-06-18"]),
        # Le jeudi de la 2e semaine tombe un jour férié : il disparaît.
        (["2026-06-16", "2026-06-25"], ["2027-06-15"]),
        # Seul ce jeudi-là : on propose les jeudis ouvrés de la nouvelle session.
        (["2026-06-25"], ["2027-06-17"]),
    ],
)
def test_jours_reportes_sur_la_saison_suivante(jours, attendus):
    ancienne = SessionFactory.build(date_debut=date(2026, 6, 15), date_fin=date(2026, 6, 26))
    nouvelle = SessionFactory.build(
        date_debut=date(2027, 6, 14), date_fin=date(2027, 6, 25), jours_feries=["2027-06-24"]
    )
    assert jours_dans(jours, ancienne, nouvelle) == attendus
