"""Réparer le plan publié depuis la plateforme : la coordination lance la réparation (tâche
de fond), lit l'aperçu des changements, confirme ; rien ne change avant ; à la
synchronisation, seules les conventions des élèves touchés changent de version."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.campagnes.models import Session
from apps.conventions.models import Convention, Signature
from apps.donnees_personnelles import eleves as droits
from apps.etablissements.models import Eleve
from apps.journal.models import EntreeJournal
from apps.planification import reparation, taches
from apps.planification.models import Affectation, Travail
from apps.projets.models import Creneau, Projet
from apps.structures.models import StructureAccueil
from tests.apps.fabriques import EleveFactory, VoeuFactory
from tests.apps.planification.test_republication import coordination, etat_publie
from tests.apps.planification.test_taches import session_planifiable

pytestmark = pytest.mark.django_db
REPARATION = Travail.Type.REPARATION
__all__ = ["coordination"]  # fixture partagée


def publier_un_petit_plan(client) -> tuple[Session, list[Projet]]:
    """Deux projets (codes 14-001 et 14-002), six élèves : affectation, programmes,
    publication, conventions synchronisées puis toutes signées."""
    session, projets = session_planifiable()
    for i, projet in enumerate(projets, start=1):
        Projet.objects.filter(pk=projet.pk).update(code=f"14-00{i}")
    for type_ in (Travail.Type.AFFECTATION, Travail.Type.PROGRAMMES):
        travail = taches.lancer(session, type_, {"politique": "stable"})
        assert travail.etat == Travail.Etat.TERMINE, travail.message
    assert taches.publier(session).nombre == 6
    assert client.post(reverse("conventions:synchroniser")).status_code == 302
    Signature.objects.filter(version__convention__eleve__session=session).update(
        signee_le=timezone.now()
    )
    Convention.objects.filter(eleve__session=session).update(statut=Convention.Statut.SIGNEE)
    return session, [Projet.objects.get(pk=p.pk) for p in projets]


def eleves_du_projet(projet: Projet) -> list[str]:
    return sorted(
        Affectation.objects.filter(projet=projet).values_list("eleve__identifiant", flat=True)
    )


def retirer_un_eleve(projet: Projet) -> str:
    """L'établissement retire un élève placé dans `projet` (droit à l'effacement)."""
    eleve = Eleve.objects.get(identifiant=eleves_du_projet(projet)[0], session=projet.session)
    droits.supprimer(eleve)
    return eleve.identifiant


def annuler_un_jour(projet: Projet) -> tuple[StructureAccueil, date]:
    """Une structure du projet annule un jour où elle accueille un de ses groupes."""
    creneau = Creneau.objects.filter(groupe__projet=projet).select_related("structure").first()
    structure = creneau.structure
    jours = [j for j in projet.session.jours_ouvres if j != creneau.date]
    structure.jours = [j.isoformat() for j in jours]
    structure.save(update_fields=["jours"])
    return structure, creneau.date


def versions(session: Session) -> dict[str, tuple[int, str]]:
    """Élève → (numéro de la version courante, statut) de sa convention."""
    return {
        c.eleve.identifiant: (c.version_courante().numero, c.statut)
        for c in Convention.objects.filter(eleve__session=session).select_related("eleve")
    }


@pytest.fixture
def reparable(coordination):
    """Plan publié, puis un élève de P1 retiré et un jour annulé par une structure de P2."""
    session, (p1, p2) = publier_un_petit_plan(coordination)
    non_place = Affectation.objects.get(eleve__session=session, projet__isnull=True)
    retire = retirer_un_eleve(p1)
    structure, jour = annuler_un_jour(p2)
    return {
        "session": session,
        "p1": p1,
        "p2": p2,
        "retire": retire,
        "attente": non_place.eleve.identifiant,
        "structure": structure,
        "jour": jour,
        "restent_p1": eleves_du_projet(p1),
        "p2_eleves": eleves_du_projet(p2),
    }


def date_fr(jour: date) -> str:
    """Le jour en toutes lettres (les sessions des tests sont en juin)."""
    assert jour.month == 6
    jours = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
    return f"{jours[jour.weekday()]} {jour.day} juin {jour.year}"


def lire(reponse) -> str:
    return html.unescape(reponse.content.decode())


def lancer(client) -> Travail:
    reponse = client.post(reverse("planification:reparer"))
    travail = Travail.objects.filter(type=REPARATION).latest("pk")
    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("planification:travail", args=[travail.pk])
    assert travail.etat == Travail.Etat.TERMINE, travail.message
    return travail


def test_lancer_puis_apercu_sans_rien_changer_en_base(coordination, reparable):
    s = reparable
    session = s["session"]
    avant, avant_conventions = etat_publie(session), versions(session)
    travail = lancer(coordination)
    assert etat_publie(session) == avant  # rien ne change avant la confirmation
    assert versions(session) == avant_conventions
    assert travail.plan is not None and reparation.CLE in travail.plan
    assert "Affectations gardées telles quelles : 4 sur 5" in travail.rapport

    page = coordination.get(reverse("planification:travail", args=[travail.pk]))
    assert "Voir l'aperçu de la réparation" in lire(page)
    texte = lire(coordination.get(reverse("planification:reparation")))
    chiffres = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", texte))
    assert "4 affectations gardées telles quelles (sur 5 élèves placés au plan publié)" in (
        chiffres
    )
    jours = len(session.jours_ouvres)
    groupes = Creneau.objects.filter(groupe__projet__session=session).count() // jours
    assert f"{groupes * jours - 1} journées de programme gardées sur {groupes * jours}" in (
        chiffres
    )
    assert "1 journée reportée" in chiffres
    # l'élève en liste d'attente prend la place libérée dans P1 : avant → après, raison
    p1 = f"14-001 — {s['p1'].nom}"
    ligne = re.search(rf"<tr><td>{s['attente']}</td>(.*?)</tr>", texte).group(1)
    assert "non placé" in ligne and f"{p1}, groupe G1" in ligne
    assert "place libérée proposée (non placé au plan publié, rang 1" in ligne
    # l'élève retiré, avec son ancien projet ; la journée reportée, structures par leur nom
    assert re.search(rf"<td>{s['retire']}</td><td>{p1}</td><td>retiré</td>", texte)
    assert s["structure"].nom in texte and "n'accueille plus le" in texte
    assert f"<td>{date_fr(s['jour'])}</td>" in texte  # le jour en toutes lettres
    assert "Liste d'attente servie" in texte and "placé : " + p1 in texte
    assert "Aucun : tous les élèves ont une place après réparation." in texte
    # conventions touchées : les deux élèves de P2 (journée reportée), signées
    assert "Confirmer touchera 2 conventions, dont 2 déjà signées" in chiffres
    # ni identifiant de base ni nom d'élève : codes, noms de projets, pseudonymes
    assert f"/{s['p1'].pk}/" not in texte and "Confirmer la réparation" in texte


def test_confirmer_remplace_le_plan_et_seules_les_conventions_touchees_changent(
    coordination, reparable
):
    s = reparable
    session = s["session"]
    travail = lancer(coordination)
    avant = versions(session)
    reponse = coordination.post(
        reverse("planification:confirmer_reparation"),
        {"travail": travail.pk, "confirmer": "oui"},
        follow=True,
    )
    texte = lire(reponse)
    assert "Plan réparé publié" in texte and "1 élève(s) changent" in texte
    assert "Synchroniser les conventions" in texte  # le bouton, sur la page des résultats
    # le plan réparé est en place et publié
    assert eleves_du_projet(s["p1"]) == sorted([*s["restent_p1"], s["attente"]])
    assert eleves_du_projet(s["p2"]) == s["p2_eleves"]
    assert not Affectation.objects.filter(eleve__session=session, publiee=False).exists()
    assert not Creneau.objects.filter(
        groupe__projet__session=session, structure=s["structure"], date=s["jour"]
    ).exists()
    assert Travail.objects.get(pk=travail.pk).plan is None
    assert EntreeJournal.objects.filter(objet__startswith="plan réparé publié").count() == 1

    synchro = coordination.post(reverse("conventions:synchroniser"), follow=True)
    assert "1 créée(s), 2 nouvelle(s) version(s) à signer, 2 inchangée(s), 0 annulée(s)" in (
        lire(synchro)
    )
    apres = versions(session)
    # P1 : ceux qui restent gardent leur convention signée, même version
    for eleve in s["restent_p1"]:
        assert apres[eleve] == avant[eleve] == (1, Convention.Statut.SIGNEE)
    # P2 : journée reportée, nouvelle version à re-signer
    for eleve in s["p2_eleves"]:
        assert apres[eleve] == (2, Convention.Statut.A_RESIGNER)
    # l'élève servi par la liste d'attente : première convention ; le retiré : annulée
    assert apres[s["attente"]] == (1, Convention.Statut.A_SIGNER)
    assert apres[s["retire"]][1] == Convention.Statut.ANNULEE
    assert set(apres) == {*avant, s["attente"]}


def test_confirmation_refusee_si_la_session_a_change_depuis_le_calcul(coordination, reparable):
    s = reparable
    session = s["session"]
    travail = lancer(coordination)
    retirer_un_eleve(s["p1"])  # un autre retrait après le calcul
    avant = etat_publie(session)
    reponse = coordination.post(
        reverse("planification:confirmer_reparation"),
        {"travail": travail.pk, "confirmer": "oui"},
        follow=True,
    )
    assert "La session a changé depuis le calcul de cette réparation" in (lire(reponse))
    assert etat_publie(session) == avant
    assert Travail.objects.get(pk=travail.pk).plan is not None


def test_confirmation_sans_la_case_ou_d_un_autre_travail_ne_change_rien(coordination, reparable):
    session = reparable["session"]
    travail = lancer(coordination)
    avant = etat_publie(session)
    url = reverse("planification:confirmer_reparation")
    for donnees in ({"travail": travail.pk}, {"travail": travail.pk + 1, "confirmer": "oui"}):
        reponse = coordination.post(url, donnees)
        assert reponse["Location"] == reverse("planification:reparation")
    assert etat_publie(session) == avant


def test_publication_generique_d_une_reparation_perimee_refusee(coordination, reparable):
    """La page des résultats mène à l'aperçu ; publier par elle vérifie aussi la session."""
    session = reparable["session"]
    lancer(coordination)
    assert "Voir l'aperçu de la réparation" in (
        lire(coordination.get(reverse("planification:resultats")))
    )
    StructureAccueil.objects.filter(pk=reparable["structure"].pk).update(accueil_max=4)
    with pytest.raises(Exception, match="La session a changé"):
        taches.publier(session)


def test_projet_retire_et_arrivee_tardive(coordination):
    session, (p1, p2) = publier_un_petit_plan(coordination)
    Projet.objects.filter(pk=p2.pk).update(statut=Projet.Statut.BROUILLON)  # retiré
    retire = retirer_un_eleve(p1)
    tardif = EleveFactory(session=session, identifiant="E99999")
    VoeuFactory(eleve=tardif, projet=p1, rang=1)
    lancer(coordination)
    texte = lire(coordination.get(reverse("planification:reparation")))
    assert retire in texte
    # les élèves de P2 doivent bouger : projet retiré, avec son code
    for eleve in eleves_du_projet(p2):
        ligne = re.search(rf"<tr><td>{eleve}</td>(.*?)</tr>", texte).group(1)
        assert f"14-002 — {p2.nom}, groupe" in ligne and "projet 14-002 retiré" in ligne
    # liste d'attente : le non placé et l'arrivée tardive, dans l'ordre du barème
    assert re.search(r"<td>E99999</td><td>oui</td>", texte)
    assert "Non placés restants" in texte


def test_reparer_sans_resultats_publies_refuse(coordination):
    session_planifiable()
    reponse = coordination.post(reverse("planification:reparer"), follow=True)
    assert "Aucun résultat n'est publié" in lire(reponse)
    assert not Travail.objects.filter(type=REPARATION).exists()


def test_un_seul_calcul_actif(coordination, reparable):
    Travail.objects.create(
        session=reparable["session"], type=Travail.Type.PROGRAMMES, etat=Travail.Etat.EN_COURS
    )
    reponse = coordination.post(reverse("planification:reparer"), follow=True)
    assert "Un calcul est déjà en cours" in lire(reponse)
    assert not Travail.objects.filter(type=REPARATION).exists()


def test_page_de_reparation_sans_apercu_propose_le_lancement(coordination, reparable):
    texte = lire(coordination.get(reverse("planification:reparation")))
    assert "Réparer le plan publié</button>" in texte
    assert "Rien ne change avant votre confirmation" in texte
    assert "attendent votre revue" not in texte
    # un recalcul en attente de revue : la page prévient qu'une réparation le remplacera
    travail = taches.lancer(reparable["session"], Travail.Type.PROGRAMMES, {})
    assert travail.plan is not None
    texte = lire(coordination.get(reverse("planification:reparation")))
    assert f"De nouveaux résultats (travail n° {travail.pk}, programmes" in texte
    lancer(coordination)
    assert Travail.objects.get(pk=travail.pk).plan is None  # un seul plan en attente


def test_plan_publie_sans_programmes_echec_explique(coordination):
    session, _projets = session_planifiable()
    taches.lancer(session, Travail.Type.AFFECTATION, {"politique": "stable"})
    taches.publier(session)
    avant = etat_publie(session)
    coordination.post(reverse("planification:reparer"))
    travail = Travail.objects.get(type=REPARATION)
    assert travail.etat == Travail.Etat.ECHEC
    assert travail.message == reparation.MESSAGE_SANS_PROGRAMMES
    texte = lire(coordination.get(reverse("planification:reparation")))
    assert f"La dernière réparation (travail n° {travail.pk}) a échoué" in texte
    assert "Lancez les programmes, publiez-les" in texte
    assert etat_publie(session) == avant


def test_liens_vers_la_reparation(coordination, reparable):
    for nom in ("planification:travaux", "planification:resultats"):
        texte = lire(coordination.get(reverse(nom)))
        assert f'href="{reverse("planification:reparation")}"' in texte
