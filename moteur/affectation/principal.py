"""Point d'entrée de l'allocation : `affecter(session, politique, graine, ...)`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import numpy as np

from moteur.affectation.bareme import Bareme, bareme_defaut
from moteur.affectation.egalite import constats_egalite
from moteur.affectation.eligibilite import Instance, construire_instance
from moteur.affectation.optimal import avec_egalite, flot_cout_minimum
from moteur.affectation.premier_arrive import premier_arrive_instance
from moteur.affectation.priorites import Priorites, calculer_priorites_instance, rangs_priorite
from moteur.affectation.rapport import indicateurs_instance
from moteur.affectation.resultat import POLITIQUES, ResultatAffectation
from moteur.affectation.stable import acceptation_differee
from moteur.erreurs import ErreurUtilisateur
from moteur.modele import Affectation, Session
from moteur.transport.acces import Acces, atteignables

Progression = Callable[[float], None]
JOURS_SEMAINE = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")

RAISON_SANS_VOEU = "aucun voeu exprimé"
RAISON_INCONNUS = "aucun de ses voeux ne correspond à un projet de la session"
RAISON_DISTANCE = "aucun voeu à portée (distance au-delà de {dmax:g} km)"
RAISON_AGE = (
    "aucun projet de ses voeux n'accepte son âge (âge minimal d'une structure, ou trop peu "
    "de jours d'accueil, jours_max, dans les structures qui l'acceptent)"
)
RAISON_DISTANCE_AGE = (
    "aucun voeu à la fois à portée et ouvert à son âge : les projets proches n'acceptent "
    "pas son âge, ceux qui l'acceptent sont au-delà de {dmax:g} km"
)
RAISON_TRANSPORT = (
    "aucun voeu atteignable en transport en commun ou à pied : à moins de {dmax:g} km, "
    "mais aucun trajet n'arrive au point de rendez-vous au plus tard à {arrivee}, en "
    "{duree} min au plus (horaires du {jour})"
)
RAISON_SANS_PLACE = "les projets demandés à sa portée n'ont aucune place (capacité nulle)"
RAISON_COMPLETS = {
    "stable": "tous les projets demandés à sa portée sont complets avec des élèves "
    "prioritaires au barème (appelés avant lui)",
    "stable-mixite": "tous les projets demandés à sa portée sont complets avec des élèves "
    "prioritaires au barème (appelés avant lui) ou des places réservées à la mixité "
    "(autre genre)",
    "optimal": "tous les projets demandés à sa portée sont complets : le placer aurait "
    "retiré sa place à un autre élève (le nombre de placés est déjà le plus grand possible)",
    "premier-arrive": "tous les projets demandés à sa portée étaient complets quand son "
    "tour est venu (ordre d'arrivée)",
}


def affecter(
    session: Session,
    politique: str = "stable",
    graine: int = 0,
    capacites: dict[str, int] | None = None,
    bareme: Bareme | None = None,
    progression: Progression | None = None,
    acces: Acces | None = None,
) -> ResultatAffectation:
    """Place les élèves dans les projets de leurs voeux.

    - `politique` : "stable" (acceptation différée, barème), "optimal" (flot de coût
      minimum : le plus de placés) ou "premier-arrive" (base de comparaison) ;
    - `capacites` : capacité effective par projet (rotation) ; jamais plus que `places` ;
    - `acces` : durées de trajet déjà calculées (`moteur.transport.acces.atteignables`) ;
      None : calculées ici si la session a un flux GTFS (sinon, vol d'oiseau seulement) ;
    - même entrée et même graine : même résultat.
    """
    if politique not in POLITIQUES:
        raise ErreurUtilisateur(
            f"politique d'allocation inconnue « {politique} » (attendu : "
            + ", ".join(POLITIQUES)
            + ")"
        )
    bareme = bareme or bareme_defaut()
    if acces is None:
        acces = atteignables(session)
    instance = construire_instance(session, capacites, acces)
    if progression is not None:
        progression(0.05)
    etape = _etape(progression, 0.05, 0.9)
    reference = None
    if politique == "stable":
        projet = acceptation_differee(instance, bareme, graine, progression=etape)
    elif politique == "optimal" and avec_egalite(bareme):
        # D'abord le flot sans équité : sa taille est le flot maximum (il en faut la
        # valeur pour la fourchette) et ses premiers voeux sont la comparaison du rapport.
        reference = flot_cout_minimum(
            instance, replace(bareme, poids_egalite=0), graine, progression=_etape(etape, 0, 0.4)
        )
        projet = flot_cout_minimum(
            instance,
            bareme,
            graine,
            progression=_etape(etape, 0.4, 1.0),
            flot_max=int((reference >= 0).sum()),
        )
    elif politique == "optimal":
        projet = flot_cout_minimum(instance, bareme, graine, progression=etape)
    else:
        projet = premier_arrive_instance(instance)
    resultat = construire_resultat(session, instance, projet, politique, graine, bareme, acces)
    if reference is not None:
        resultat.sans_egalite = indicateurs_instance(instance, reference, bareme.seuil_mixite_pct)
    resultat.constats_egalite = constats_egalite(
        instance, projet, bareme, politique, resultat.sans_egalite
    )
    if progression is not None:
        progression(1.0)
    return resultat


def premier_arrive(
    session: Session, capacites: dict[str, int] | None = None
) -> ResultatAffectation:
    """Premier arrivé, premier servi dans l'ordre de eleves.csv (base de comparaison)."""
    return affecter(session, "premier-arrive", 0, capacites)


def calculer_priorites(
    session: Session,
    bareme: Bareme | None = None,
    graine: int = 0,
    capacites: dict[str, int] | None = None,
) -> Priorites:
    """Les priorités publiques (points, tirage, places réservées) d'une session."""
    instance = construire_instance(session, capacites)
    return calculer_priorites_instance(instance, bareme or bareme_defaut(), graine)


def _etape(progression: Progression | None, debut: float, fin: float) -> Progression | None:
    if progression is None:
        return None
    return lambda x: progression(debut + (fin - debut) * x)


def construire_resultat(
    session: Session,
    instance: Instance,
    projet: np.ndarray,
    politique: str,
    graine: int,
    bareme: Bareme,
    acces: Acces | None = None,
) -> ResultatAffectation:
    place = projet[instance.v_eleve] == instance.v_projet
    rang_obtenu = np.zeros(instance.nb_eleves, dtype=np.int64)
    rang_obtenu[instance.v_eleve[place]] = instance.v_rang[place]
    projet_l, rang_l = projet.tolist(), rang_obtenu.tolist()
    affectations: dict[str, Affectation] = {}
    for e, eid in enumerate(instance.eleve_ids):
        p = projet_l[e]
        pid = instance.projet_ids[p] if p >= 0 else None
        rang = rang_l[e] if p >= 0 else None
        affectations[eid] = Affectation(eleve_id=eid, projet_id=pid, rang=rang, groupe="")
    capacites = dict(zip(instance.projet_ids, instance.capacite.tolist(), strict=True))
    return ResultatAffectation(
        politique=politique,
        graine=graine,
        affectations=affectations,
        raisons=raisons_non_places(session, instance, projet, politique, graine, bareme, acces),
        indicateurs=indicateurs_instance(instance, projet, bareme.seuil_mixite_pct),
        capacites=capacites,
    )


def raisons_non_places(
    session: Session,
    instance: Instance,
    projet: np.ndarray,
    politique: str,
    graine: int,
    bareme: Bareme,
    acces: Acces | None = None,
) -> dict[str, str]:
    n = instance.nb_eleves
    ve = instance.v_eleve

    def par_eleve(masque: np.ndarray) -> np.ndarray:
        return np.bincount(ve[masque], minlength=n) > 0

    connu = np.bincount(ve, minlength=n) > 0
    distance = par_eleve(instance.v_portee)
    portee = par_eleve(instance.v_portee & instance.v_transport)
    age = par_eleve(instance.v_age)
    eligible_mask = instance.v_eligible
    eligible = par_eleve(eligible_mask)
    avec_place = par_eleve(eligible_mask & (instance.capacite[instance.v_projet] > 0))
    mixite = _refuses_par_la_mixite(instance, projet, graine, bareme, politique)
    dmax = session.parametres.distance_max_km
    raisons: dict[str, str] = {}
    for e in np.flatnonzero(projet < 0).tolist():
        if instance.nb_voeux[e] == 0:
            raison = RAISON_SANS_VOEU
        elif not connu[e]:
            raison = RAISON_INCONNUS
        elif not distance[e]:
            raison = RAISON_DISTANCE.format(dmax=dmax)
        elif not portee[e]:
            raison = raison_transport(session, acces)
        elif not age[e]:
            raison = RAISON_AGE
        elif not eligible[e]:
            raison = RAISON_DISTANCE_AGE.format(dmax=dmax)
        elif not avec_place[e]:
            raison = RAISON_SANS_PLACE
        elif mixite[e]:
            raison = RAISON_COMPLETS["stable-mixite"]
        else:
            raison = RAISON_COMPLETS[politique]
        raisons[instance.eleve_ids[e]] = raison
    return raisons


def raison_transport(session: Session, acces: Acces | None) -> str:
    """Pourquoi aucun voeu n'est à portée en transport (phrase en français)."""
    arrivee = f"{acces.arrivee:%H:%M}" if acces else "l'heure d'arrivée"
    duree = acces.duree_max_min if acces else "?"
    jour = _jour_fr(acces.jour) if acces else "jour de calcul"
    return RAISON_TRANSPORT.format(
        dmax=session.parametres.distance_max_km, arrivee=arrivee, duree=duree, jour=jour
    )


def _jour_fr(jour: date) -> str:
    """« mardi 16/06/2026 »."""
    return f"{JOURS_SEMAINE[jour.weekday()]} {jour:%d/%m/%Y}"


def _refuses_par_la_mixite(
    instance: Instance, projet: np.ndarray, graine: int, bareme: Bareme, politique: str
) -> np.ndarray:
    """Élèves non placés (stable) dont un projet éligible garde un élève moins prioritaire
    (forcément sur une place réservée à l'autre genre)."""
    touche = np.zeros(instance.nb_eleves, dtype=bool)
    if politique != "stable":
        return touche
    indices, _ = instance.voeux_eligibles()
    rangs = rangs_priorite(instance, bareme, graine, indices)
    ve, vp = instance.v_eleve[indices], instance.v_projet[indices]
    garde = projet[ve] == vp
    pire = np.full(instance.nb_projets, -1, dtype=np.int64)
    np.maximum.at(pire, vp[garde], rangs[garde])
    refuse = (projet[ve] < 0) & (rangs < pire[vp])
    touche[ve[refuse]] = True
    return touche
