"""La saison suivante : la coordination l'ouvre (dates, jours fériés, distance, date des
résultats), les projets passés y reviennent en brouillons, les structures qui ont dit non
n'y reviennent pas, et l'ancienne session passe en lecture seule."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from apps.campagnes.models import Session, SessionArchivee
from apps.campagnes.saison import SaisonDejaOuverte, ouvrir_saison_suivante, proposition
from apps.planification.models import Affectation, Voeu
from apps.projets.models import Groupe, Projet
from apps.projets.reconduction import reconduire_projets
from apps.structures.models import AccueilSuivant, StructureAccueil
from tests.apps.fabriques import (
    MOT_DE_PASSE,
    AffectationFactory,
    CreneauFactory,
    EleveFactory,
    GroupeFactory,
    ProjetFactory,
    SessionFactory,
    StructureAccueilFactory,
    UtilisateurFactory,
    VoeuFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordination(client):
    client.login(username=UtilisateurFactory(coordinateur=True).username, password=MOT_DE_PASSE)
    return client


@pytest.fixture
def saison_2026():
    """Un projet publié chez « Garage Morel » (oui) et « Forge Lenoir » (non), un brouillon
    chez « Mairie » (sans réponse) ; des élèves placés, des vœux, un programme."""
    session = SessionFactory(nom="Stages collectifs de seconde 2026", statut="close")
    gestion_structure = UtilisateurFactory(structure=True)
    oui = StructureAccueilFactory(
        session=session,
        identifiant="S-GAR",
        nom="Garage Morel",
        accueil_max=6,
        jours=["2026-06-16", "2026-06-23"],
        gestionnaires=[gestion_structure],
        accueil_suivant=AccueilSuivant.OUI,
    )
    non = StructureAccueilFactory(
        session=session, identifiant="S-FOR", nom="Forge Lenoir", accueil_suivant="non"
    )
    muette = StructureAccueilFactory(session=session, identifiant="S-MAI", nom="Mairie")
    porteur = UtilisateurFactory(porteur=True)
    publie = ProjetFactory(
        session=session,
        identifiant="P-VIRE",
        nom="Vire multi-secteurs",
        statut=Projet.Statut.PUBLIE,
        etape=Projet.Etape.VALIDATION,
        structures=[oui, non],
        gestionnaires=[porteur],
        restitution_prevue=True,
    )
    brouillon = ProjetFactory(
        session=session, identifiant="P-BROU", nom="Brouillon", structures=[muette]
    )
    groupe = GroupeFactory(projet=publie, libelle="A")
    CreneauFactory(groupe=groupe, structure=oui, date=date(2026, 6, 16))
    eleve = EleveFactory(session=session)
    AffectationFactory(eleve=eleve, projet=publie, groupe=groupe)
    VoeuFactory(eleve=eleve, projet=brouillon, rang=2)
    return session, publie, porteur, gestion_structure


def donnees_suivante(**autres):
    base = {
        "nom": "Stages collectifs de seconde 2027",
        "date_debut": "2027-06-14",
        "date_fin": "2027-06-25",
        "date_publication": "2027-05-20",
        "distance_max_km": "30",
        "jours_feries_texte": "2027-06-17",
        "archiver": "on",
    }
    return base | autres


def test_proposition_un_an_plus_tard_meme_jour_de_la_semaine():
    ancienne = SessionFactory(nom="Stages 2026 (Normandie)", distance_max_km=18)
    nouvelle = proposition(ancienne)
    assert nouvelle.nom == "Stages 2027 (Normandie)"
    assert (nouvelle.date_debut, nouvelle.date_fin) == (date(2027, 6, 14), date(2027, 6, 25))
    assert nouvelle.date_debut.weekday() == ancienne.date_debut.weekday()
    assert nouvelle.distance_max_km == 18
    assert nouvelle.jours_feries == []
    assert nouvelle.pk is None


def test_le_formulaire_propose_la_saison_suivante(coordination, saison_2026):
    session, *_ = saison_2026
    page = coordination.get(reverse("campagnes:suivante", args=[session.pk])).content.decode()
    assert 'value="Stages collectifs de seconde 2027"' in page
    assert 'value="2027-06-14"' in page
    assert "2 projets" in page
    assert "« oui » 1, sans réponse 1, « non » 1 (non reprise)." in page


def test_ouvrir_la_saison_suivante(coordination, saison_2026):
    ancienne, publie, porteur, gestion_structure = saison_2026
    reponse = coordination.post(
        reverse("campagnes:suivante", args=[ancienne.pk]), donnees_suivante(), follow=True
    )
    contenu = reponse.content.decode()
    nouvelle = Session.objects.get(nom="Stages collectifs de seconde 2027")
    # Dates, jours fériés, distance, date des résultats ; la session en cours, en préparation.
    assert nouvelle.jours_feries == ["2027-06-17"]
    assert len(nouvelle.jours_ouvres) == 9
    assert nouvelle.distance_max_km == 30
    assert nouvelle.date_publication == date(2027, 5, 20)
    assert nouvelle.precedente == ancienne
    assert nouvelle.statut == Session.Statut.PREPARATION
    assert Session.objects.active() == nouvelle
    # L'ancienne : archivée, plus en cours.
    ancienne.refresh_from_db()
    assert ancienne.est_archivee and not ancienne.est_active
    # Le bilan, en français, sur la liste des sessions.
    assert "Session « Stages collectifs de seconde 2027 » ouverte." in contenu
    assert "2 projets copiés en brouillon" in contenu
    assert "1 lien vers une structure qui a répondu « non » retiré" in contenu
    assert "2 structures d&#x27;accueil reprises (jours et capacité à reconfirmer)" in contenu
    assert "« oui » 1, sans réponse 1." in contenu
    assert "1 structure non reprise (réponse « non ») : Forge Lenoir." in contenu
    assert "Archivée le" in contenu

    # Les projets : des brouillons, avec leur porteur, leurs gestionnaires, leurs options.
    copie = Projet.objects.get(session=nouvelle, identifiant="P-VIRE")
    assert copie.statut == Projet.Statut.BROUILLON
    assert copie.etape == Projet.Etape.PROGRAMME
    assert (copie.nom, copie.porteur_id, copie.places) == (
        publie.nom,
        publie.porteur_id,
        publie.places,
    )
    assert copie.restitution_prevue
    assert list(copie.gestionnaires.all()) == [porteur]
    assert copie.valide_le is None and copie.valide_par is None
    # Les structures : Garage (oui) reprise, Forge (non) non ; le lien suit la reprise.
    garage = StructureAccueil.objects.get(session=nouvelle, identifiant="S-GAR")
    assert list(copie.structures.all()) == [garage]
    assert garage.a_reconfirmer and garage.accueil_suivant == ""
    assert garage.reconduite_de.session == ancienne
    assert garage.accueil_max == 6
    # Mardi de la 1re semaine, mardi de la 2e : même place dans la nouvelle session.
    assert garage.jours == ["2027-06-15", "2027-06-22"]
    assert list(garage.gestionnaires.all()) == [gestion_structure]
    assert not StructureAccueil.objects.filter(session=nouvelle, identifiant="S-FOR").exists()
    mairie = StructureAccueil.objects.get(session=nouvelle, identifiant="S-MAI")
    brouillon = Projet.objects.get(session=nouvelle, identifiant="P-BROU")
    assert list(brouillon.structures.all()) == [mairie]
    # Ni élèves, ni vœux, ni affectations, ni programme.
    assert not nouvelle.eleves.exists()
    assert not Voeu.objects.filter(projet__session=nouvelle).exists()
    assert not Affectation.objects.filter(projet__session=nouvelle).exists()
    assert not Groupe.objects.filter(projet__session=nouvelle).exists()
    # L'ancienne saison est intacte.
    publie.refresh_from_db()
    assert publie.statut == Projet.Statut.PUBLIE
    assert list(publie.structures.values_list("identifiant", flat=True)) == ["S-FOR", "S-GAR"]


def test_sans_archiver(coordination, saison_2026):
    ancienne, *_ = saison_2026
    coordination.post(
        reverse("campagnes:suivante", args=[ancienne.pk]), donnees_suivante(archiver="")
    )
    ancienne.refresh_from_db()
    assert not ancienne.est_archivee
    assert Projet.objects.filter(session__precedente=ancienne).count() == 2


def test_pas_deux_saisons_suivantes(coordination, saison_2026):
    ancienne, *_ = saison_2026
    url = reverse("campagnes:suivante", args=[ancienne.pk])
    coordination.post(url, donnees_suivante(archiver=""))
    reponse = coordination.post(url, donnees_suivante(nom="Encore"), follow=True)
    assert "existe déjà : Stages collectifs de seconde 2027" in reponse.content.decode()
    assert not Session.objects.filter(nom="Encore").exists()
    assert Projet.objects.filter(identifiant="P-VIRE").count() == 2
    with pytest.raises(SaisonDejaOuverte):
        ouvrir_saison_suivante(ancienne, proposition(ancienne), archiver=False)


def test_saison_suivante_refuse_des_dates_invalides(coordination, saison_2026):
    ancienne, *_ = saison_2026
    url = reverse("campagnes:suivante", args=[ancienne.pk])
    for champs, message in (
        ({"jours_feries_texte": "2027-07-14"}, "Le 2027-07-14 est hors de la session."),
        ({"date_publication": "2027-06-20"}, "au plus tard le premier jour"),
        ({"date_debut": "2027-06-30"}, "Le dernier jour précède le premier jour"),
    ):
        reponse = coordination.post(url, donnees_suivante(**champs))
        assert reponse.status_code == 200
        assert message in reponse.content.decode()
    assert not Session.objects.filter(precedente=ancienne).exists()
    ancienne.refresh_from_db()
    assert not ancienne.est_archivee


def test_une_session_archivee_se_lit_seulement(coordination, saison_2026):
    ancienne, *_ = saison_2026
    reponse = coordination.post(reverse("campagnes:archiver", args=[ancienne.pk]), follow=True)
    assert "est archivée : lecture seule" in reponse.content.decode()
    ancienne.refresh_from_db()
    assert ancienne.est_archivee and not ancienne.est_active
    url = reverse("campagnes:configurer", args=[ancienne.pk])
    page = coordination.get(url).content.decode()
    assert "elle se consulte seulement" in page
    assert "disabled" in page and "Enregistrer</button>" not in page
    refus = coordination.post(url, {"nom": "Modifiée", "date_debut": "2026-06-15"})
    assert refus.status_code == 403
    assert "est archivée : elle se consulte seulement" in refus.content.decode()
    assert coordination.post(reverse("campagnes:archiver", args=[ancienne.pk])).status_code == 403
    ancienne.refresh_from_db()
    assert ancienne.nom == "Stages collectifs de seconde 2026"
    with pytest.raises(SessionArchivee):
        ancienne.verifier_modifiable()


def test_une_saison_archivee_peut_encore_etre_reprise(coordination, saison_2026):
    """Archiver d'abord, puis ouvrir la suivante : la reprise ne fait que lire l'ancienne."""
    ancienne, *_ = saison_2026
    ancienne.archiver()
    coordination.post(reverse("campagnes:suivante", args=[ancienne.pk]), donnees_suivante())
    assert Projet.objects.filter(session__precedente=ancienne).count() == 2


def test_archiver_demande_confirmation(coordination):
    session = SessionFactory(nom="Saison à archiver")
    page = coordination.get(reverse("campagnes:archiver", args=[session.pk])).content.decode()
    assert "On ne revient pas en arrière" in page
    session.refresh_from_db()
    assert not session.est_archivee


@pytest.mark.parametrize("role", ["porteur", "structure", "etablissement"])
def test_saison_suivante_et_archive_reservees_a_la_coordination(client, role):
    session = SessionFactory()
    client.force_login(UtilisateurFactory(**{role: True}))
    for nom in ("campagnes:suivante", "campagnes:archiver"):
        assert client.get(reverse(nom, args=[session.pk])).status_code == 403
        assert client.post(reverse(nom, args=[session.pk]), donnees_suivante()).status_code == 403
    session.refresh_from_db()
    assert not session.est_archivee
    assert Session.objects.count() == 1


def test_la_date_des_resultats_se_configure(coordination):
    session = SessionFactory()
    url = reverse("campagnes:configurer", args=[session.pk])
    donnees = {
        "nom": session.nom,
        "date_debut": "2026-06-15",
        "date_fin": "2026-06-26",
        "date_publication": "2026-05-27",
        "distance_max_km": "25",
        "statut": "voeux",
        "est_active": "on",
        "jours_feries_texte": "",
    }
    assert coordination.post(url, donnees).status_code == 302
    session.refresh_from_db()
    assert session.date_publication == date(2026, 5, 27)
    assert coordination.post(url, donnees | {"date_publication": ""}).status_code == 302
    session.refresh_from_db()
    assert session.date_publication is None


def test_reconduire_deux_fois_ne_double_rien(saison_2026):
    ancienne, *_ = saison_2026
    seule = StructureAccueilFactory(session=ancienne, identifiant="S-SEULE", nom="Sans projet")
    nouvelle = SessionFactory(
        nom="Stages 2027", date_debut=date(2027, 6, 14), date_fin=date(2027, 6, 25)
    )
    premier = reconduire_projets(ancienne, nouvelle)
    assert len(premier.projets) == 2 and premier.liens_perdus == 1
    # Une structure sans projet qui n'a pas dit non est reprise aussi (étape 2 des porteurs).
    assert premier.structures.correspondance[seule.pk].nom == "Sans projet"
    second = reconduire_projets(ancienne, nouvelle)
    assert second.projets == []
    assert Projet.objects.filter(session=nouvelle).count() == 2
    assert StructureAccueil.objects.filter(session=nouvelle).count() == 3
    assert second.phrases()[0].startswith("0 projet copié en brouillon")
