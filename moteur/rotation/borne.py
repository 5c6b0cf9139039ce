"""Borne supérieure du score d'une composante, calculée sans solveur.

Quand le score de la rotation gloutonne atteint cette borne, le glouton est prouvé optimal
et la composante n'est pas envoyée à CP-SAT (statut « glouton optimal », écart 0).

La borne majore chaque terme du score de `modele_cpsat` séparément (voir docs/rotation.md) :
- diversité : un groupe qui découvre D domaines visite au moins s(D) structures (les plus
  riches en domaines d'abord), donc fait au moins s(D) − 1 entrées après le premier jour ;
  seules celles qui tombent sur un saut de calendrier (week-end) sont gratuites, chacune
  des autres coûte au moins `changement` + `km` × (plus petite distance entre deux
  structures du groupe). Par groupe : max sur D ≤ `borne_diversite` de 100·D − ce coût ;
- équité : au plus `borne_diversite` du groupe le moins bien loti du projet ;
- retours : au moins 0 ; porteur : au plus les jours de `jours_porteur` où le groupe peut
  être chez le porteur ;
- charge : chaque jour, au moins autant de structures ouvertes qu'il en faut (les plus
  grandes d'abord) pour loger tous les élèves de la composante.
"""

from __future__ import annotations

from datetime import date
from itertools import combinations, pairwise

from moteur.distances import haversine_km
from moteur.modele import Session, StructureAccueil
from moteur.rotation.capacite import structures_du_projet
from moteur.rotation.groupes import Groupe
from moteur.rotation.modele_cpsat import Poids, jours_consecutifs, structure_porteur


def structures_du_groupe(session: Session, groupe: Groupe) -> list[StructureAccueil]:
    """Structures du projet où le groupe peut passer au moins un jour (âge, jours, taille)."""
    jours = session.jours
    return [
        h
        for h in structures_du_projet(session, session.projets[groupe.projet_id])
        if h.accueil_max >= groupe.taille
        and any((h.id, j) not in groupe.interdits for j in h.jours_possibles(jours))
    ]


def borne_groupe_diversite(structures: list[StructureAccueil], n_jours: int) -> int:
    """Même borne que `modele_cpsat.borne_diversite`, sans le modèle."""
    atteignables = len({d for h in structures for d in h.domaines})
    tailles = sorted((len(set(h.domaines)) for h in structures), reverse=True)
    return min(atteignables, sum(tailles[:n_jours]))


def _cout_min_changement(structures: list[StructureAccueil], poids: Poids) -> int:
    couts = [
        poids.changement + round(poids.km * haversine_km(a.point, b.point))
        for a, b in combinations(structures, 2)
    ]
    return min(couts, default=0)


def _borne_groupe(session: Session, groupe: Groupe, poids: Poids, gratuits: int) -> int:
    structures = structures_du_groupe(session, groupe)
    jours = session.jours
    borne_div = borne_groupe_diversite(structures, len(jours))
    tailles = sorted((len(set(h.domaines)) for h in structures), reverse=True)
    cout = _cout_min_changement(structures, poids)
    meilleur = 0 if borne_div == 0 else None
    cumul, visitees = 0, 0
    for d in range(1, borne_div + 1):
        while cumul < d:  # s(d) : structures les plus riches nécessaires pour d domaines
            cumul += tailles[visitees]
            visitees += 1
        valeur = poids.diversite * d - max(0, visitees - 1 - gratuits) * cout
        meilleur = valeur if meilleur is None else max(meilleur, valeur)
    return meilleur or 0


def _borne_charge(session: Session, groupes: list[Groupe], poids: Poids) -> int:
    """Coût minimal des journées d'ouverture : par jour, assez de structures pour tous."""
    jours = session.jours
    vues: dict[str, StructureAccueil] = {}
    for g in groupes:
        for h in structures_du_projet(session, session.projets[g.projet_id]):
            vues.setdefault(h.id, h)
    total = sum(g.taille for g in groupes)
    ouvertures = 0
    for jour in jours:
        capacites = sorted(
            (h.accueil_max for h in vues.values() if jour in h.jours_possibles(jours)),
            reverse=True,
        )
        cumul = 0
        for n, capacite in enumerate(capacites, start=1):
            cumul += capacite
            if cumul >= total:
                ouvertures += n
                break
    return poids.charge * ouvertures


def borne_superieure(
    session: Session, groupes: list[Groupe], poids: Poids, jours_porteur: tuple[date, ...] = ()
) -> int:
    """Majorant du score pondéré (`mesures.score_planning`) de toute rotation des groupes."""
    jours = session.jours
    consecutifs = set(jours_consecutifs(jours))
    gratuits = sum(1 for couple in pairwise(jours) if couple not in consecutifs)
    borne = -_borne_charge(session, groupes, poids)
    minimum: dict[str, int] = {}
    for g in groupes:
        borne += _borne_groupe(session, g, poids, gratuits)
        structures = structures_du_groupe(session, g)
        borne_div = borne_groupe_diversite(structures, len(jours))
        minimum[g.projet_id] = min(minimum.get(g.projet_id, borne_div), borne_div)
        porteur = structure_porteur(session, g.projet_id)
        if porteur is not None and porteur in {h.id for h in structures}:
            h = session.structures[porteur]
            borne += poids.porteur * sum(
                1
                for j in jours_porteur
                if j in h.jours_possibles(jours) and (porteur, j) not in g.interdits
            )
    return borne + poids.equite * sum(minimum.values())
