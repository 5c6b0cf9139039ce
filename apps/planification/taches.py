"""Travaux de fond de la coordination : l'affectation des élèves et les programmes
(rotations), lancés avec django-tasks (file en base : `python manage.py db_worker` ; en
test, le backend immédiat). `Travail` suit l'avancement, que la page rafraîchit (htmx).

Chaque tâche lit la session en base par l'adaptateur (`session_moteur`), appelle le moteur
et réécrit le plan par l'adaptateur (`enregistrer_plan`). Les messages et rapports ne
portent que des identifiants pseudonymes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from apps.campagnes.models import Session
from apps.planification import adaptateurs
from apps.planification.models import Affectation, Travail
from apps.projets.models import STATUTS_VALIDES
from moteur import modele as m
from moteur.erreurs import ErreurUtilisateur

journal = logging.getLogger(__name__)

POLITIQUES = ("stable", "optimal")


class Suivi:
    """Écrit l'avancement du travail en base (UPDATE direct : la page le lit pendant ce temps)."""

    def __init__(self, travail: Travail) -> None:
        self.travail = travail

    def __call__(self, progression: float, message: str | None = None) -> None:
        champs: dict = {"progression": min(1.0, max(0.0, progression))}
        if message is not None:
            champs["message"] = message
        Travail.objects.filter(pk=self.travail.pk).update(**champs)

    def entre(self, debut: float, fin: float, message: str) -> Callable[[float], None]:
        """Une fonction f(fraction) qui ramène l'avancement d'une étape dans [debut, fin]."""
        return lambda fraction: self(debut + (fin - debut) * float(fraction), message)


def lancer(session: Session, type_: str, parametres: dict | None = None) -> Travail:
    """Crée le travail et le met en file (immédiatement exécuté avec le backend de test)."""
    travail = Travail.objects.create(session=session, type=type_, parametres=parametres or {})
    tache = calculer_affectation if type_ == Travail.Type.AFFECTATION else calculer_programmes
    tache.enqueue(travail.pk)
    travail.refresh_from_db()
    return travail


def _executer(travail_id: int, corps: Callable[[Travail, Suivi], str]) -> None:
    travail = Travail.objects.select_related("session").get(pk=travail_id)
    Travail.objects.filter(pk=travail_id).update(etat=Travail.Etat.EN_COURS, progression=0.0)
    suivi = Suivi(travail)
    try:
        rapport = corps(travail, suivi)
    except ErreurUtilisateur as exc:
        _terminer(travail_id, Travail.Etat.ECHEC, str(exc), "")
    except Exception:
        journal.exception("Échec du travail de fond n° %s (%s)", travail_id, travail.type)
        _terminer(
            travail_id,
            Travail.Etat.ECHEC,
            "Erreur inattendue : la coordination technique a été prévenue.",
            "",
        )
    else:
        _terminer(travail_id, Travail.Etat.TERMINE, "Terminé.", rapport, progression=1.0)


def _terminer(
    travail_id: int, etat: str, message: str, rapport: str, progression: float | None = None
) -> None:
    champs = {"etat": etat, "message": message, "rapport": rapport, "termine_le": timezone.now()}
    if progression is not None:
        champs["progression"] = progression
    Travail.objects.filter(pk=travail_id).update(**champs)


# --- Affectation ------------------------------------------------------------------------------


@task()
def calculer_affectation(travail_id: int) -> None:
    _executer(travail_id, _affectation)


def _affectation(travail: Travail, suivi: Suivi) -> str:
    session = travail.session
    politique = travail.parametres.get("politique", "stable")
    if politique not in POLITIQUES:
        raise ErreurUtilisateur(f"Politique d'affectation inconnue : {politique}.")
    graine = int(travail.parametres.get("graine", 0))
    suivi(0.05, "Lecture de la session…")
    donnees = adaptateurs.session_moteur(session, statuts=STATUTS_VALIDES)
    if not donnees.eleves or not donnees.projets:
        raise ErreurUtilisateur("Il faut des élèves et au moins un projet validé pour affecter.")
    # La même chaîne que la commande `plan`, sans la rotation (lancée à part, après revue) :
    # capacité effective des projets, puis affectation.
    from moteur.affectation import texte_rapport
    from moteur.planificateur import planifier

    resultat = planifier(
        donnees,
        politique,
        graine,
        avec_rotation=False,
        progression=lambda etape, x: suivi(0.1 + 0.75 * x, f"{etape}…"),
    )
    affectations, raisons = resultat.plan.affectations, resultat.raisons
    rapport = texte_rapport(resultat.affectation, resultat.borne)
    rapport += "\nLes programmes (rotations) sont à recalculer après chaque affectation."
    suivi(0.9, "Enregistrement…")
    with transaction.atomic():
        adaptateurs.enregistrer_plan(session, m.Plan(affectations=affectations), raisons)
        session.statut = Session.Statut.AFFECTATION
        session.save(update_fields=["statut"])
    return rapport


# --- Programmes (rotations) -------------------------------------------------------------------


@task()
def calculer_programmes(travail_id: int) -> None:
    _executer(travail_id, _programmes)


def _programmes(travail: Travail, suivi: Suivi) -> str:
    from moteur.planificateur import rotation_avec_repli

    session = travail.session
    suivi(0.05, "Lecture de la session et de l'affectation…")
    donnees = adaptateurs.session_moteur(session, statuts=STATUTS_VALIDES)
    plan = adaptateurs.plan_moteur(session)
    if not any(a.projet_id for a in plan.affectations.values()):
        raise ErreurUtilisateur("Lancez d'abord l'affectation : aucun élève n'est placé.")
    raisons = dict(
        Affectation.objects.filter(eleve__session=session, projet__isnull=True).values_list(
            "eleve__identifiant", "raison"
        )
    )
    suivi(0.1, "Groupes et rotations…")
    # Même chaîne que la commande `plan` : un élève d'un projet sans programme possible
    # est retiré du projet, avec la raison, et la composante est replanifiée.
    retires: dict[str, str] = {}
    resultat = rotation_avec_repli(
        donnees,
        plan,
        retires,
        graine=int(travail.parametres.get("graine", 0)),
        limite_s=float(travail.parametres.get("limite_s", 30.0)),
        signaler=lambda etape, x: suivi(min(0.9, x), f"{etape}…"),
    )
    raisons.update(retires)
    suivi(0.92, "Enregistrement…")
    adaptateurs.enregistrer_plan(session, plan, raisons)
    lignes = [
        f"Projets planifiés : {len(resultat.groupes)} ; "
        f"groupes : {sum(len(g) for g in resultat.groupes.values())} ; "
        f"journées : {len(resultat.planning)}."
    ]
    for echec in resultat.echecs.values():
        lignes.append(f"Sans programme : {echec.projet_id} — {' ; '.join(echec.raisons)}")
    return "\n".join(lignes)
