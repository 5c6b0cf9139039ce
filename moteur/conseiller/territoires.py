"""Nouveaux projets et demande non servie, par territoire.

Élèves « sans solution » : non placés par l'affectation, avec au moins un voeu, qui
n'ont à leur portée (distance_max_km, âge accepté chaque jour) aucun projet ayant encore
une place libre. Un nouveau projet de q places dont le point de rendez-vous est au point
de référence d'une commune, ajouté en DERNIER voeu de ceux d'entre eux qui sont à moins
de distance_max_km de ce point (et qui ont 14 ans chaque jour), en place exactement
min(q, leur nombre) de plus, pour les deux politiques : ces élèves avaient épuisé leurs
voeux sans être pris, personne d'autre ne demande le nouveau projet (acceptation
différée : rien d'autre ne change ; flot : chaque élève concerné est un chemin augmentant
à lui seul, et le nouveau projet n'en reçoit pas davantage).
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import numpy as np

from moteur import referentiel
from moteur.affectation.eligibilite import haversine_tableaux
from moteur.affectation.rapport import age_requis_reference
from moteur.conseiller.application import AGE_MIN_NOUVEAU
from moteur.conseiller.evaluation import Evaluateur
from moteur.conseiller.modele import Modification, Recommandation
from moteur.distances import haversine_km
from moteur.modele import Eleve

NOUVEAUX_PROJETS = 10
PREFIXE_NOUVEAU = "NOUVEAU-"


def sans_solution(ev: Evaluateur) -> list[str]:
    """Les élèves sans solution (voir l'en-tête), dans l'ordre du fichier."""
    inst, session = ev.instance, ev.session
    libres = np.bincount(ev.projet[ev.projet >= 0], minlength=inst.nb_projets)
    libre = inst.capacite - libres > 0
    jours = session.jours
    eleves = list(session.eleves.values())
    lat = np.array([e.point.latitude for e in eleves])
    lon = np.array([e.point.longitude for e in eleves])
    dmax = session.parametres.distance_max_km
    non_places = np.flatnonzero((ev.projet < 0) & (inst.nb_voeux > 0))
    p_ouverts = np.flatnonzero(libre)
    requis = age_requis_reference(session)
    resultat = []
    for e in non_places.tolist():
        if len(p_ouverts):
            d = haversine_tableaux(
                np.full(len(p_ouverts), lat[e]),
                np.full(len(p_ouverts), lon[e]),
                inst.p_latitude[p_ouverts],
                inst.p_longitude[p_ouverts],
            )
            proches = [inst.projet_ids[p] for p in p_ouverts[d <= dmax]]
            if _atteint_un(eleves[e], proches, requis, jours):
                continue
        if all(eleves[e].age_le(j) >= AGE_MIN_NOUVEAU for j in jours):
            resultat.append(eleves[e].id)
    return resultat


def _atteint_un(
    eleve: Eleve,
    projets: list[str],
    requis: dict[str, tuple[int | None, ...]],
    jours: tuple[date, ...],
) -> bool:
    """Un des projets ouverts à portée accepte-t-il son âge chaque jour ?"""
    ages = [eleve.age_le(j) for j in jours]
    return any(
        all(r is not None and a >= r for a, r in zip(ages, requis[pid], strict=True))
        for pid in projets
    )


def recommandations_nouveaux(
    ev: Evaluateur, concernes: list[str], taille_max: int
) -> list[Recommandation]:
    """Glouton : la commune qui couvre le plus d'élèves sans solution pas encore couverts,
    puis la suivante… ; le gain de chacune est compté seule (tous ses élèves)."""
    session = ev.session
    if not concernes or taille_max < 1:
        return []
    dmax = session.parametres.distance_max_km
    eleves = [session.eleves[eid] for eid in concernes]
    lat = np.array([e.point.latitude for e in eleves])
    lon = np.array([e.point.longitude for e in eleves])
    codes = sorted(
        {e.commune_insee for e in eleves}
        | {
            session.etablissements[e.uai].commune_insee
            for e in eleves
            if e.uai in session.etablissements
        }
    )
    communes = [c for code in codes if (c := referentiel.commune(code)) is not None]
    couverture = []
    for c in communes:
        d = haversine_tableaux(
            lat, lon, np.full(len(lat), c.point.latitude), np.full(len(lat), c.point.longitude)
        )
        proches = np.flatnonzero(d <= dmax + 1e-6)
        # verdict de référence (même fonction que `check`) près de la limite
        garde = [k for k in proches.tolist() if haversine_km(eleves[k].point, c.point) <= dmax]
        couverture.append(set(garde))
    if not communes:  # communes absentes du référentiel : aucun point de rendez-vous connu
        return []
    restants = set(range(len(eleves)))
    resultats: list[Recommandation] = []
    while restants and len(resultats) < NOUVEAUX_PROJETS:
        meilleure = max(
            range(len(communes)),
            key=lambda i: (len(couverture[i] & restants), len(couverture[i]), -i),
        )
        if not couverture[meilleure] & restants:
            break
        restants -= couverture[meilleure]
        resultats.append(
            _nouveau(
                ev,
                communes[meilleure],
                [eleves[k] for k in sorted(couverture[meilleure])],
                taille_max,
                len(resultats) + 1,
            )
        )
    return resultats


def _nouveau(
    ev: Evaluateur,
    commune: referentiel.CommuneRef,
    liste: list[Eleve],
    taille_max: int,
    numero: int,
) -> Recommandation:
    quantite = min(taille_max, len(liste))
    lycees = Counter(e.uai for e in liste)
    noms = ev.session.etablissements
    texte_lycees = ", ".join(
        f"{noms[uai].nom if uai in noms else uai} ({uai}) : {n}"
        for uai, n in sorted(lycees.items(), key=lambda x: (-x[1], x[0]))
    )
    ident = f"{PREFIXE_NOUVEAU}{numero}-{commune.code}"
    mod = Modification(
        "nouveau_projet",
        ident,
        quantite,
        commune=commune.code,
        latitude=commune.point.latitude,
        longitude=commune.point.longitude,
        eleves=tuple(e.id for e in liste),
    )
    return Recommandation(
        action="nouveau_projet",
        projet_id="",
        commune_insee=commune.code,
        quantite=quantite,
        gain_eleves=quantite,
        gain_premiers_voeux=0 if ev.politique == "stable" else None,
        explication=(
            f"un projet de {quantite} places à {commune.nom} ({commune.code}) : {len(liste)} "
            f"élève(s) sans solution à moins de {ev.session.parametres.distance_max_km:g} km, "
            f"qu'aucun projet ayant une place libre n'atteint ; lycées d'origine : {texte_lycees}."
        ),
        modifications=(mod,),
        lycees=dict(lycees),
    )
