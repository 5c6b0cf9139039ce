"""Relancer un calcul sur une session publiée : confirmation explicite, nouveaux résultats
gardés à part et revus, résultats publiés intacts jusqu'à la publication des nouveaux, puis
synchronisation des conventions (les signées touchées ne restent pas « signées »)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.campagnes.models import Session
from apps.conventions.models import Convention
from apps.planification import taches
from apps.planification.models import Affectation, Travail
from apps.projets.models import Creneau, Projet
from tests.apps.fabriques import MOT_DE_PASSE, UtilisateurFactory
from tests.apps.planification.test_taches import session_planifiable

pytestmark = pytest.mark.django_db

AFFECTATION, PROGRAMMES = Travail.Type.AFFECTATION, Travail.Type.PROGRAMMES


@pytest.fixture
def coordination(client):
    client.login(username=UtilisateurFactory(coordinateur=True).username, password=MOT_DE_PASSE)
    return client


def etat_publie(session: Session) -> tuple[list, list]:
    """Ce que voient écoles, structures et conventions : affectations, groupes, créneaux."""
    affectations = sorted(
        Affectation.objects.filter(eleve__session=session).values_list(
            "eleve__identifiant", "projet__identifiant", "rang", "groupe__libelle", "publiee"
        ),
        key=str,
    )
    creneaux = sorted(
        Creneau.objects.filter(groupe__projet__session=session).values_list(
            "groupe__projet__identifiant", "groupe__libelle", "date", "structure__identifiant"
        )
    )
    return affectations, creneaux


def programme(session: Session) -> dict[str, tuple]:
    """Projet et journées (date, structure) de chaque élève placé, lus dans les tables."""
    resultat: dict[str, tuple] = {}
    for a in Affectation.objects.filter(eleve__session=session, projet__isnull=False):
        journees = sorted(
            Creneau.objects.filter(groupe_id=a.groupe_id).values_list("date", "structure_id")
        )
        resultat[a.eleve.identifiant] = (a.projet_id, tuple(journees))
    return resultat


@pytest.fixture
def publiee(coordination):
    """Une session affectée, programmée, publiée, conventions synchronisées et signées."""
    session, projets = session_planifiable()
    for type_, parametres in ((AFFECTATION, {"politique": "stable"}), (PROGRAMMES, {})):
        assert taches.lancer(session, type_, parametres).etat == Travail.Etat.TERMINE
    assert taches.publier(session).nombre == 6
    assert coordination.post(reverse("conventions:synchroniser")).status_code == 302
    assert Convention.objects.filter(eleve__session=session).count() == 5
    Convention.objects.filter(eleve__session=session).update(statut=Convention.Statut.SIGNEE)
    session.refresh_from_db()
    return session, projets


def relancer(coordination, session, projets):
    """Moins de places dans P1, puis affectation et programmes relancés (confirmés)."""
    Projet.objects.filter(pk=projets[0].pk).update(places=1)
    for donnees in (
        {"type": "affectation", "politique": "stable", "graine": "0"},
        {"type": "programmes", "graine": "0"},
    ):
        donnees["confirmer"] = "oui"
        reponse = coordination.post(reverse("planification:lancer"), donnees)
        assert reponse.status_code == 302, reponse.content.decode()[:500]
    return Travail.objects.plan_en_attente(session.pk)


@pytest.mark.usefixtures("publiee")
def test_relancer_sur_une_session_publiee_demande_confirmation(coordination):
    avant = Travail.objects.count()
    reponse = coordination.post(
        reverse("planification:lancer"), {"type": "affectation", "politique": "optimal"}
    )
    assert reponse.status_code == 200
    assert Travail.objects.count() == avant  # rien de lancé sans confirmation
    texte = reponse.content.decode()
    assert "déjà publiés" in texte and "gardés à part" in texte
    assert "5 conventions signées" in texte
    assert 'name="confirmer" value="oui"' in texte and 'value="optimal"' in texte
    confirme = coordination.post(
        reverse("planification:lancer"),
        {"type": "affectation", "politique": "optimal", "graine": "0", "confirmer": "oui"},
    )
    travail = Travail.objects.latest("pk")
    assert confirme["Location"] == reverse("planification:travail", args=[travail.pk])
    assert travail.etat == Travail.Etat.TERMINE and travail.plan is not None
    assert "gardés à part" in travail.rapport


def test_les_resultats_publies_restent_en_place_jusqu_a_la_publication(coordination, publiee):
    session, projets = publiee
    avant = etat_publie(session)
    attente = relancer(coordination, session, projets)
    assert attente is not None and attente.type == PROGRAMMES
    assert etat_publie(session) == avant  # écoles, structures, conventions : rien ne bouge
    session.refresh_from_db()
    assert session.statut == Session.Statut.PUBLIEE
    assert not Convention.objects.exclude(statut=Convention.Statut.SIGNEE).exists()
    # les programmes ont été calculés sur la NOUVELLE affectation (gardée à part)
    plan, _raisons = attente.plan_moteur()
    places = [a.projet_id for a in plan.affectations.values()]
    assert places.count("P1") == 1 and places.count("P2") == 2
    assert plan.planning and {ligne.projet_id for ligne in plan.planning} == {"P1", "P2"}
    # un seul plan en attente : celui de l'affectation a été remplacé par celui des programmes
    assert Travail.objects.filter(session=session, plan__isnull=False).count() == 1
    page = coordination.get(reverse("planification:travaux")).content.decode()
    assert "attendent votre revue" in page


def test_revue_puis_publication_puis_conventions(coordination, publiee):
    session, projets = publiee
    programme_avant = programme(session)
    signees = set(
        Convention.objects.filter(eleve__session=session).values_list(
            "eleve__identifiant", flat=True
        )
    )
    relancer(coordination, session, projets)
    apercu = taches.apercu(session)
    page = coordination.get(reverse("planification:resultats"))
    texte = page.content.decode()
    assert "Nouveaux résultats en attente de publication" in texte
    assert f"{apercu.signees_touchees} déjà signée" in texte
    # publier sans cocher la confirmation : refusé, rien ne change
    avant = etat_publie(session)
    refus = coordination.post(reverse("planification:publier"), follow=True)
    assert "Cochez la confirmation" in refus.content.decode()
    assert etat_publie(session) == avant
    reponse = coordination.post(reverse("planification:publier"), {"confirmer": "oui"}, follow=True)
    texte = reponse.content.decode()
    assert "Nouveaux résultats publiés pour 6 élèves" in texte
    assert reverse("conventions:synchroniser") in texte  # la suite : synchroniser
    assert not Travail.objects.filter(session=session, plan__isnull=False).exists()
    assert not Affectation.objects.filter(eleve__session=session, publiee=False).exists()
    programme_apres = programme(session)
    assert sorted(a for a in programme_apres) != sorted(programme_avant)
    assert sum(1 for p, _ in programme_apres.values() if p == projets[0].pk) == 1
    changes = {
        e
        for e in set(programme_avant) | set(programme_apres)
        if programme_avant.get(e) != programme_apres.get(e)
    }
    assert apercu.changes == len(changes) >= 2
    assert apercu.signees_touchees == len(changes & signees)
    # la synchronisation des conventions : les signées touchées ne restent pas « signées »
    coordination.post(reverse("conventions:synchroniser"))
    encore_signees = set(
        Convention.objects.filter(
            eleve__session=session, statut=Convention.Statut.SIGNEE
        ).values_list("eleve__identifiant", flat=True)
    )
    assert encore_signees == signees - changes


def test_pas_de_publication_pendant_un_calcul(coordination, publiee):
    session, projets = publiee
    relancer(coordination, session, projets)
    Travail.objects.create(session=session, type=AFFECTATION, etat=Travail.Etat.EN_COURS)
    avant = etat_publie(session)
    reponse = coordination.post(reverse("planification:publier"), {"confirmer": "oui"}, follow=True)
    assert "attendez sa fin avant de publier" in reponse.content.decode()
    assert etat_publie(session) == avant
    assert Travail.objects.plan_en_attente(session.pk) is not None


def test_un_plan_en_attente_perime_est_refuse_a_la_publication(coordination, publiee):
    session, projets = publiee
    attente = relancer(coordination, session, projets)
    plan = attente.plan
    plan["affectations"][0][0] = "E-INCONNU"
    Travail.objects.filter(pk=attente.pk).update(plan=plan)
    avant = etat_publie(session)
    reponse = coordination.post(reverse("planification:publier"), {"confirmer": "oui"}, follow=True)
    assert "élève(s) inconnu(s) dans la session : E-INCONNU" in reponse.content.decode()
    assert etat_publie(session) == avant
