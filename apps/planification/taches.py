"""Travaux de fond de la coordination : l'affectation des élèves, les programmes
(rotations) et la réparation du plan publié (`reparation`), lancés avec django-tasks
(file en base : `python manage.py db_worker` ; en test, le backend immédiat). `Travail`
suit l'avancement, que la page rafraîchit (htmx).

Sans blocage :
- un travail en cours bat (`Travail.battre`) à chaque étape et, par un fil à part, toutes
  les `TRAVAUX_BATTEMENT_S` secondes (30 par défaut) ; un travail actif silencieux plus de
  `TRAVAUX_DELAI_SILENCE_S` secondes (600) est abandonné au prochain passage (lancement,
  pages des travaux) et ne bloque plus rien ; s'il se réveille, il s'arrête sans écrire ;
- un seul travail actif par session et par type (contrainte en base) ; le lancement
  verrouille la session et traduit l'`IntegrityError` en `DejaEnCours` ;
- si des résultats sont publiés, le nouveau plan est gardé à part sur le `Travail`
  (`Travail.plan`) : écoles, structures et conventions gardent les résultats publiés
  jusqu'à `publier`, qui seul remplace affectations, groupes et créneaux ; le plan d'une
  réparation est toujours gardé à part, et n'est publié que si la session n'a pas changé
  depuis son calcul.

Chaque tâche lit la session en base par l'adaptateur (`session_moteur`) et appelle le
moteur. Les messages et rapports ne portent que des identifiants pseudonymes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps as django_apps
from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django_tasks import task

from apps.campagnes.models import Session
from apps.planification import enregistrement_plan, lecture_moteur, rapports
from apps.planification.models import Affectation, Travail
from apps.projets.models import STATUTS_VALIDES
from moteur import modele as m
from moteur.erreurs import ErreurUtilisateur

journal = logging.getLogger(__name__)

POLITIQUES = ("stable", "optimal")
CALCULS = (Travail.Type.AFFECTATION, Travail.Type.PROGRAMMES, Travail.Type.REPARATION)
BATTEMENT_S_DEFAUT = 30.0
MESSAGE_DEJA_EN_COURS = (
    "Un calcul est déjà en cours pour cette session : attendez qu'il se termine (un calcul "
    "resté sans nouvelles est abandonné de lui-même au bout de quelques minutes)."
)


class DejaEnCours(Exception):
    """Un calcul est déjà actif pour la session ; le message est affichable tel quel."""

    def __init__(self, message: str = MESSAGE_DEJA_EN_COURS) -> None:
        super().__init__(message)


class TravailInterrompu(Exception):
    """Le travail n'est plus « en cours » en base (abandonné) : on s'arrête sans écrire."""


class Suivi:
    """Écrit l'avancement du travail en base (UPDATE direct : la page le lit pendant ce
    temps) ; chaque écriture est aussi un battement de cœur."""

    def __init__(self, travail: Travail) -> None:
        self.travail = travail

    def __call__(self, progression: float, message: str | None = None) -> None:
        if not self.travail.battre(progression, message):
            raise TravailInterrompu

    def entre(self, debut: float, fin: float, message: str) -> Callable[[float], None]:
        """Une fonction f(fraction) qui ramène l'avancement d'une étape dans [debut, fin]."""
        return lambda fraction: self(debut + (fin - debut) * float(fraction), message)


class Pouls:
    """Bat pour le travail toutes les `intervalle` secondes tant que le calcul tourne, même
    quand le moteur reste longtemps dans une même étape (flot de coût minimum national)."""

    def __init__(self, travail: Travail, intervalle: float | None = None) -> None:
        self.travail = travail
        self.intervalle = float(
            intervalle
            if intervalle is not None
            else getattr(settings, "TRAVAUX_BATTEMENT_S", BATTEMENT_S_DEFAUT)
        )
        self._arret = threading.Event()
        self._fil: threading.Thread | None = None

    def __enter__(self) -> Pouls:
        if self.intervalle > 0:
            self._fil = threading.Thread(target=self._boucle, name="pouls-travail", daemon=True)
            self._fil.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._arret.set()
        if self._fil is not None:
            self._fil.join(timeout=10)

    def _boucle(self) -> None:
        try:
            while not self._arret.wait(self.intervalle):
                if not self.travail.battre():
                    return  # plus en cours : le fil s'arrête
        except Exception:  # le calcul continue ; au pire, il sera déclaré silencieux
            journal.exception("Battement impossible pour le travail n° %s", self.travail.pk)
        finally:
            connections.close_all()  # la connexion propre à ce fil


# --- Résultats publiés ou non --------------------------------------------------------------


def resultats_publies(session: Session) -> bool:
    """Vrai si les établissements voient déjà des résultats de la session."""
    return (
        session.statut in (Session.Statut.PUBLIEE, Session.Statut.CLOSE)
        or Affectation.objects.filter(eleve__session=session, publiee=True).exists()
    )


def _verrouiller(session: Session) -> Session:
    """Verrouille la ligne de la session (PostgreSQL) jusqu'à la fin de la transaction :
    lancements, enregistrements et publications d'une même session passent un par un."""
    return Session.objects.select_for_update().get(pk=session.pk)


# --- Lancement -------------------------------------------------------------------------------


def lancer(session: Session, type_: str, parametres: dict | None = None) -> Travail:
    """Crée le travail et le met en file (immédiatement exécuté avec le backend de test).

    Lève `DejaEnCours` si un calcul de la session est actif (les silencieux sont d'abord
    abandonnés)."""
    Travail.objects.filter(session=session).abandonner_silencieux()
    try:
        with transaction.atomic():
            _verrouiller(session)
            if Travail.objects.filter(session=session, type__in=CALCULS).actifs().exists():
                raise DejaEnCours
            travail = Travail.objects.create(
                session=session, type=type_, parametres=parametres or {}
            )
    except IntegrityError:  # contrainte « un seul travail actif par session et par type »
        raise DejaEnCours from None
    tache = {
        Travail.Type.AFFECTATION: calculer_affectation,
        Travail.Type.PROGRAMMES: calculer_programmes,
        Travail.Type.REPARATION: calculer_reparation,
    }[Travail.Type(type_)]
    try:
        tache.enqueue(travail.pk)
    except Exception:
        journal.exception("Mise en file impossible pour le travail n° %s", travail.pk)
        travail.echouer("La mise en file du calcul a échoué : réessayez dans un instant.")
    travail.refresh_from_db()
    return travail


@dataclass(slots=True)
class Resultat:
    plan: m.Plan
    raisons: dict[str, str]
    rapport: str
    # Rangé à côté du plan gardé à part (clé → valeur JSON), par exemple l'aperçu d'une
    # réparation ; oublié à la publication avec le plan.
    annexes: dict | None = None


def _executer(travail_id: int, corps: Callable[[Travail, Suivi], Resultat]) -> None:
    travail = Travail.objects.select_related("session").get(pk=travail_id)
    if not travail.demarrer():
        journal.warning("Travail n° %s non démarré : il n'est plus en attente", travail_id)
        return
    try:
        with Pouls(travail):
            resultat = corps(travail, Suivi(travail))
        _conclure(travail, resultat)
    except TravailInterrompu:
        journal.warning("Travail n° %s abandonné en cours de route : rien d'écrit", travail_id)
    except ErreurUtilisateur as exc:
        travail.echouer(str(exc))
    except Exception:
        journal.exception("Échec du travail de fond n° %s (%s)", travail_id, travail.type)
        travail.echouer("Erreur inattendue : la coordination technique a été prévenue.")


def _conclure(travail: Travail, resultat: Resultat) -> None:
    """Termine le travail et enregistre son plan, en une transaction : dans les tables si
    rien n'est publié, sinon à part (sur le travail), en attendant la publication."""
    with transaction.atomic():
        session = _verrouiller(travail.session)
        publie = resultats_publies(session)
        rapport = resultat.rapport
        if travail.type == Travail.Type.REPARATION:
            publie = True  # une réparation ne touche à rien avant sa confirmation
        elif publie:
            rapport += (
                "\nDes résultats sont déjà publiés : ces nouveaux résultats sont gardés à part. "
                "Revoyez-les puis publiez-les pour qu'ils remplacent les résultats publiés."
            )
        plan = Travail.serialiser_plan(resultat.plan, resultat.raisons) if publie else None
        if plan is not None and resultat.annexes:
            plan.update(resultat.annexes)
        if not travail.terminer(rapport, plan=plan):
            raise TravailInterrompu
        Travail.objects.filter(session=session).exclude(pk=travail.pk).update(plan=None)
        if publie:
            return
        enregistrement_plan.enregistrer_plan(session, resultat.plan, resultat.raisons)
        if travail.type == Travail.Type.AFFECTATION:
            session.statut = Session.Statut.AFFECTATION
            session.save(update_fields=["statut"])


def plan_de_travail(session: Session) -> tuple[m.Plan, dict[str, str]]:
    """Le plan sur lequel enchaîner : celui en attente de publication s'il y en a un et que
    des résultats sont publiés, sinon celui des tables."""
    attente = Travail.objects.plan_en_attente(session.pk)
    if attente is not None and resultats_publies(session):
        return attente.plan_moteur()
    raisons = dict(
        Affectation.objects.filter(eleve__session=session, projet__isnull=True).values_list(
            "eleve__identifiant", "raison"
        )
    )
    return lecture_moteur.plan_moteur(session), raisons


# --- Affectation ------------------------------------------------------------------------------


@task()
def calculer_affectation(travail_id: int) -> None:
    _executer(travail_id, _affectation)


def _affectation(travail: Travail, suivi: Suivi) -> Resultat:
    session = travail.session
    politique = travail.parametres.get("politique", "stable")
    if politique not in POLITIQUES:
        raise ErreurUtilisateur(f"Politique d'affectation inconnue : {politique}.")
    graine = int(travail.parametres.get("graine", 0))
    suivi(0.05, "Lecture de la session…")
    donnees = lecture_moteur.session_moteur(session, statuts=STATUTS_VALIDES)
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
    rapport = texte_rapport(resultat.affectation, resultat.borne, detail_raisons=False)
    rapport += "\nLes programmes (rotations) sont à recalculer après chaque affectation."
    suivi(0.9, "Enregistrement…")
    plan = m.Plan(affectations=resultat.plan.affectations)
    return Resultat(plan, dict(resultat.raisons), rapport)


# --- Programmes (rotations) -------------------------------------------------------------------


@task()
def calculer_programmes(travail_id: int) -> None:
    _executer(travail_id, _programmes)


def _programmes(travail: Travail, suivi: Suivi) -> Resultat:
    from moteur.planificateur import rotation_avec_repli

    session = travail.session
    suivi(0.05, "Lecture de la session et de l'affectation…")
    donnees = lecture_moteur.session_moteur(session, statuts=STATUTS_VALIDES)
    plan, raisons = plan_de_travail(session)
    if not any(a.projet_id for a in plan.affectations.values()):
        raise ErreurUtilisateur("Lancez d'abord l'affectation : aucun élève n'est placé.")
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
    lignes = [
        f"Projets planifiés : {rapports.nombre_fr(len(resultat.groupes))} ; "
        f"groupes : {rapports.nombre_fr(sum(len(g) for g in resultat.groupes.values()))} ; "
        f"journées : {rapports.nombre_fr(len(resultat.planning))}."
    ]
    for echec in resultat.echecs.values():
        lignes.append(f"Sans programme : {echec.projet_id} — {' ; '.join(echec.raisons)}")
    return Resultat(plan, raisons, "\n".join(lignes))


# --- Réparation du plan publié ------------------------------------------------------------


@task()
def calculer_reparation(travail_id: int) -> None:
    _executer(travail_id, _reparation)


def _reparation(travail: Travail, suivi: Suivi) -> Resultat:
    from apps.planification import reparation

    if not resultats_publies(travail.session):
        raise ErreurUtilisateur(reparation.MESSAGE_RIEN_DE_PUBLIE)
    calcul = reparation.calculer(travail.session, int(travail.parametres.get("graine", 0)), suivi)
    suivi(0.95, "Enregistrement (à part, en attente de confirmation)…")
    return Resultat(calcul.plan, calcul.raisons, calcul.rapport, {reparation.CLE: calcul.apercu})


# --- Revue et publication -------------------------------------------------------------------


def statuts_conventions(session: Session) -> dict[str, str]:
    """Statut de la convention de chaque élève qui en a une (identifiant → statut), lu par le
    registre des apps : la planification n'importe pas l'app des conventions (pas de cycle)."""
    try:
        modele = django_apps.get_model("conventions", "Convention")
    except LookupError:
        return {}
    return dict(
        modele.objects.filter(eleve__session=session).values_list("eleve__identifiant", "statut")
    )


STATUT_SIGNEE = "signee"
STATUT_ANNULEE = "annulee"


@dataclass(slots=True)
class Enjeux:
    """Ce qu'un nouveau calcul peut toucher, montré avant de le lancer."""

    publies: int
    conventions: int
    signees: int


def enjeux(session: Session) -> Enjeux:
    statuts = statuts_conventions(session)
    return Enjeux(
        publies=Affectation.objects.filter(eleve__session=session, publiee=True).count(),
        conventions=sum(1 for s in statuts.values() if s != STATUT_ANNULEE),
        signees=sum(1 for s in statuts.values() if s == STATUT_SIGNEE),
    )


def _programme_par_eleve(plan: m.Plan) -> dict[str, tuple]:
    """Ce qui, du plan, entre dans la convention d'un élève : son projet et les journées
    (date, structure) de son groupe."""
    journees: dict[tuple[str, str], list] = {}
    for ligne in plan.planning:
        journees.setdefault((ligne.projet_id, ligne.groupe), []).append(
            (ligne.date, ligne.structure_id)
        )
    return {
        e: (a.projet_id, tuple(sorted(journees.get((a.projet_id, a.groupe), ()))))
        for e, a in plan.affectations.items()
        if a.projet_id
    }


@dataclass(slots=True)
class Apercu:
    """Le plan en attente de publication, comparé aux résultats publiés."""

    travail: Travail
    plan: m.Plan
    raisons: dict[str, str]
    places: int
    changes: int  # élèves dont le projet ou les journées changent (ou qui perdent leur place)
    conventions_touchees: int
    signees_touchees: int


def apercu(session: Session) -> Apercu | None:
    """Le plan en attente de publication, s'il y en a un, et ce qu'il changerait."""
    travail = Travail.objects.plan_en_attente(session.pk)
    if travail is None or not resultats_publies(session):
        return None
    plan, raisons = travail.plan_moteur()
    avant = _programme_par_eleve(lecture_moteur.plan_moteur(session))
    apres = _programme_par_eleve(plan)
    changes = {e for e in set(avant) | set(apres) if avant.get(e) != apres.get(e)}
    statuts = statuts_conventions(session)
    touchees = [statuts[e] for e in changes if e in statuts and statuts[e] != STATUT_ANNULEE]
    return Apercu(
        travail=travail,
        plan=plan,
        raisons=raisons,
        places=len(apres),
        changes=len(changes),
        conventions_touchees=len(touchees),
        signees_touchees=sum(1 for s in touchees if s == STATUT_SIGNEE),
    )


@dataclass(slots=True)
class Publication:
    nombre: int
    remplacement: bool


def publier(session: Session, attendu: int | None = None) -> Publication:
    """Publie les résultats : s'il y a un plan en attente (résultats déjà publiés), il
    remplace d'abord affectations, groupes et créneaux ; tout en une transaction.

    Lève `DejaEnCours` si un calcul est actif, `ErreurUtilisateur` si le plan en attente ne
    correspond plus à la session (élève ou projet supprimé depuis ; pour une réparation :
    tout changement de la session depuis son calcul). `attendu` : le numéro du travail dont
    le plan en attente a été revu ; si un autre l'a remplacé entre-temps, rien n'est publié."""
    Travail.objects.filter(session=session).abandonner_silencieux()
    with transaction.atomic():
        session = _verrouiller(session)
        if Travail.objects.filter(session=session, type__in=CALCULS).actifs().exists():
            raise DejaEnCours(
                "Un calcul est en cours pour cette session : attendez sa fin avant de publier."
            )
        attente = Travail.objects.plan_en_attente(session.pk)
        remplacement = attente is not None and resultats_publies(session)
        if attendu is not None and (not remplacement or attente.pk != attendu):
            raise ErreurUtilisateur(
                "Les résultats en attente ont changé depuis votre revue : revoyez-les."
            )
        if remplacement and attente.type == Travail.Type.REPARATION:
            from apps.planification import reparation

            reparation.verifier_a_jour(session, attente)
        if remplacement:
            plan, raisons = attente.plan_moteur()
            enregistrement_plan.enregistrer_plan(session, plan, raisons)
        Travail.objects.filter(session=session, plan__isnull=False).update(plan=None)
        nombre = Affectation.objects.filter(eleve__session=session).update(publiee=True)
        if nombre:
            session.statut = Session.Statut.PUBLIEE
            session.save(update_fields=["statut"])
    return Publication(nombre, remplacement)
