"""Pourquoi aucun plan n'existe : des raisons en français, sur lesquelles un porteur agit.

Deux étages :
1. des contrôles directs, projet par projet (capacité par jour, âge par jour, jours
   offerts à chaque élève par les structures de son âge, taille des groupes par jour,
   jours_max contre jours × élèves) ; ils nomment le jour, les
   structures et le manque ;
2. quand le solveur dit infaisable malgré tout (structures partagées, jours_max qui se
   croisent…), `localiser` résout le modèle avec des hypothèses (une par projet, une par
   jours_max, une par capacité structure × jour) et traduit le sous-ensemble d'hypothèses
   suffisant pour l'infaisabilité (`sufficient_assumptions_for_infeasibility`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from moteur.modele import Session, StructureAccueil
from moteur.rotation.capacite import jour_fr, structures_du_projet
from moteur.rotation.groupes import Groupe


@dataclass(frozen=True, slots=True)
class Raison:
    message: str
    eleves: tuple[str, ...] = ()
    # Vrai quand des groupes plus petits pourraient lever le blocage.
    granularite: bool = False


def _ouvertes(
    structures: list[StructureAccueil], jours: tuple[date, ...], jour: date
) -> list[StructureAccueil]:
    return [s for s in structures if jour in s.jours_possibles(jours)]


def controles_directs(session: Session, projet_id: str, groupes: list[Groupe]) -> list[Raison]:
    """Raisons évidentes qui rendent la rotation du projet impossible (vide si aucune)."""
    projet = session.projets[projet_id]
    structures = structures_du_projet(session, projet)
    jours = session.jours
    eleves = [e for g in groupes for e in g.eleves]
    n = len(eleves)
    raisons: list[Raison] = []
    if not structures:
        return [Raison(f"le projet {projet_id} n'a aucune structure d'accueil", tuple(eleves))]
    ages = _ages(session, eleves)
    raisons += _controle_ages(session, projet_id, structures, eleves, ages)
    if not raisons:
        raisons += _controle_jours_eleve(session, projet_id, structures, eleves, ages)
    for jour in jours:
        ouvertes = _ouvertes(structures, jours, jour)
        places = sum(s.accueil_max for s in ouvertes)
        if places < n:
            liste = ", ".join(s.id for s in ouvertes) or "aucune structure ouverte"
            raisons.append(
                Raison(f"le {jour_fr(jour)}, {places} places d'accueil pour {n} élèves ({liste})")
            )
    raisons += _controle_jeunes_par_jour(session, structures, eleves, ages)
    raisons += _controle_jours_max(structures, jours, n)
    if not raisons:
        raisons += _controle_groupes(session, structures, groupes)
    return raisons


def _ages(session: Session, eleves: list[str]) -> dict[str, list[int]]:
    """Âge de chaque élève chaque jour ouvré (dans l'ordre de `session.jours`), calculé une
    fois pour tous les contrôles (ils le demandaient des millions de fois à l'échelle
    d'une région)."""
    jours = session.jours
    return {e: [session.eleves[e].age_le(j) for j in jours] for e in eleves}


def _controle_ages(
    session: Session,
    projet_id: str,
    structures: list[StructureAccueil],
    eleves: list[str],
    ages: dict[str, list[int]],
) -> list[Raison]:
    jours = session.jours
    # Par jour : âge minimum le plus bas des structures ouvertes (None : aucune ouverte).
    seuils = []
    for jour in jours:
        ouvertes = _ouvertes(structures, jours, jour)
        seuils.append(min(s.age_min for s in ouvertes) if ouvertes else None)
    raisons = []
    for eid in eleves:
        for k, jour in enumerate(jours):
            age, seuil = ages[eid][k], seuils[k]
            if seuil is not None and age < seuil:
                raisons.append(
                    Raison(
                        f"Élève {eid} ({age} ans le {jour_fr(jour)}) : aucune structure du "
                        f"projet {projet_id} n'accueille les moins de {seuil} ans le "
                        f"{jour_fr(jour)}",
                        (eid,),
                    )
                )
                break
    return raisons


def _controle_jours_eleve(
    session: Session,
    projet_id: str,
    structures: list[StructureAccueil],
    eleves: list[str],
    ages: dict[str, list[int]],
) -> list[Raison]:
    """Les structures qui accueillent l'élève (âge) offrent-elles assez de jours (jours_max) ?

    Chaque jour, l'élève doit être dans une structure dont il a l'âge minimum ; chacune
    ne l'accueille qu'au plus `jours_max` jours : la somme doit couvrir la session.
    """
    jours = session.jours
    index = {j: k for k, j in enumerate(jours)}
    par_structure = [(s, [index[j] for j in s.jours_possibles(jours)]) for s in structures]
    raisons = []
    for eid in eleves:
        age_jour = ages[eid]
        total, ouvertes = 0, []
        for s, indices in par_structure:
            possibles = [k for k in indices if age_jour[k] >= s.age_min]
            if possibles:
                ouvertes.append(s.id)
                total += len(possibles) if s.jours_max is None else min(len(possibles), s.jours_max)
        if total < len(jours):
            age = age_jour[0]
            raisons.append(
                Raison(
                    f"Élève {eid} : les structures du projet {projet_id} qui l'accueillent à "
                    f"{age} ans ({', '.join(ouvertes)}) offrent {total} jours au total "
                    f"(jours_max) pour {len(jours)} jours de stage",
                    (eid,),
                )
            )
    return raisons


def _controle_jeunes_par_jour(
    session: Session,
    structures: list[StructureAccueil],
    eleves: list[str],
    ages: dict[str, list[int]],
) -> list[Raison]:
    """Les moins de t ans ne vont que dans les structures d'âge minimum < t : assez de place ?"""
    jours = session.jours
    raisons = []
    for k, jour in enumerate(jours):
        ouvertes = _ouvertes(structures, jours, jour)
        for seuil in sorted({s.age_min for s in ouvertes}):
            jeunes = [e for e in eleves if ages[e][k] < seuil]
            accueil = [s for s in ouvertes if s.age_min < seuil]
            places = sum(s.accueil_max for s in accueil)
            if jeunes and accueil and places < len(jeunes):
                liste = ", ".join(s.id for s in accueil)
                raisons.append(
                    Raison(
                        f"le {jour_fr(jour)}, {len(jeunes)} élèves de moins de {seuil} ans "
                        f"pour {places} places dans les structures qui les accueillent ({liste})",
                        tuple(jeunes),
                    )
                )
                return raisons
    return raisons


def _controle_jours_max(
    structures: list[StructureAccueil], jours: tuple[date, ...], n: int
) -> list[Raison]:
    offertes = 0
    details = []
    for s in structures:
        possibles = len(s.jours_possibles(jours))
        jmax = possibles if s.jours_max is None else min(possibles, s.jours_max)
        offertes += s.accueil_max * jmax
        if s.jours_max is not None and s.jours_max < possibles:
            details.append(f"{s.id} : {s.jours_max} jours")
    besoin = n * len(jours)
    if offertes >= besoin or not details:
        return []
    return [
        Raison(
            f"jours_max trop petits ({', '.join(details)}) : les structures offrent "
            f"{offertes} journées-élèves pour {len(jours)} jours × {n} élèves = {besoin}"
        )
    ]


def _controle_groupes(
    session: Session, structures: list[StructureAccueil], groupes: list[Groupe]
) -> list[Raison]:
    jours = session.jours
    for groupe in groupes:
        for jour in jours:
            possibles = [
                s
                for s in _ouvertes(structures, jours, jour)
                if s.accueil_max >= groupe.taille and (s.id, jour) not in groupe.interdits
            ]
            if not possibles:
                return [
                    Raison(
                        f"le {jour_fr(jour)}, le groupe {groupe.libelle} ({groupe.taille} "
                        "élèves) ne tient dans aucune structure ouverte qui accueille tous "
                        "ses membres",
                        tuple(groupe.eleves),
                        granularite=True,
                    )
                ]
    return []


def decrire_hypothese(session: Session, cle: tuple[Any, ...]) -> str:
    """Texte d'une hypothèse du modèle : ("projet", p), ("jours_max", h), ("capacite", h, d)."""
    if cle[0] == "projet":
        return f"couvrir chaque jour les groupes du projet {cle[1]}"
    structure = session.structures[cle[1]]
    if cle[0] == "jours_max":
        return f"la structure {structure.id} n'accueille que {structure.jours_max} jours"
    return (
        f"le {jour_fr(cle[2])}, la structure {structure.id} accueille au plus "
        f"{structure.accueil_max} élèves"
    )


def expliquer_conflit(session: Session, cles: list[tuple[Any, ...]]) -> str:
    """Phrase qui résume un ensemble d'hypothèses incompatibles, structure par structure."""
    projets = [c[1] for c in cles if c[0] == "projet"]
    debut = (
        f"les projets {', '.join(projets)} ne peuvent pas être tous couverts chaque jour"
        if len(projets) > 1
        else f"le projet {projets[0]} ne peut pas être couvert chaque jour"
        if projets
        else "les contraintes des structures sont incompatibles"
    )
    details = []
    for hid in dict.fromkeys(c[1] for c in cles if c[0] != "projet"):
        structure = session.structures[hid]
        jours = sorted(c[2] for c in cles if c[0] == "capacite" and c[1] == hid)
        morceaux = []
        if jours:
            liste = ", ".join(jour_fr(j) for j in jours)
            morceaux.append(f"au plus {structure.accueil_max} élèves par jour (le {liste})")
        if ("jours_max", hid) in cles:
            morceaux.append(f"seulement {structure.jours_max} jours d'accueil")
        details.append(f"{hid} : {' et '.join(morceaux)}")
    if not details:
        return debut
    return f"{debut} ; structures en cause : {' ; '.join(details)}"
