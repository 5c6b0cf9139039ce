"""Arrivées au plus tôt par le Connection Scan Algorithm (CSA).

Algorithme publié : J. Dibbelt, T. Pajor, B. Strasser, D. Wagner, « Connection Scan
Algorithm », ACM Journal of Experimental Algorithmics 23 (2018). Les connexions (un tronçon
d'une course entre deux arrêts consécutifs) sont balayées une fois, par heure de départ
croissante, à partir de l'heure demandée. Une connexion est prise si l'on est déjà dans sa
course, ou si l'on est à son arrêt de départ au plus tard à son heure de départ (aucun
temps de correspondance en plus de la marche). Chaque descente améliorée relâche les
correspondances à pied de l'arrêt (≤ 1 000 m, voir `marche`).

Deux marches ne se suivent jamais : on marche de l'origine à un arrêt, d'un arrêt de
descente à un arrêt voisin, d'un arrêt de descente à la destination, ou directement de
l'origine à la destination (si elle est à 1 000 m au plus). D'où deux tableaux : `ea`
(arrivée au plus tôt à l'arrêt, à pied ou en véhicule : sert à monter) et `ea_veh`
(arrivée en descendant d'un véhicule : seule d'où l'on peut repartir à pied).

Égalités : les connexions de même heure de départ forment un bloc ; si une mise à jour
tombe pile à cette heure (tronçon de durée nulle, marche de 0 s), le bloc est rebalayé,
pour qu'une correspondance « à la même minute » ne dépende pas de l'ordre du tri.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Literal

from moteur.transport.marche import PORTEE_MARCHE_M, distance_m, secondes_de_marche
from moteur.transport.reseau import DESCENTE, MONTEE, Reseau

INFINI = 1 << 60
_ORIGINE, _VEHICULE = -1, -2


@dataclass(frozen=True, slots=True)
class Etape:
    """Une étape d'un itinéraire : à pied ou en transport (heures en secondes du jour)."""

    genre: Literal["marche", "transport"]
    depart: int
    arrivee: int
    de: str
    vers: str
    ligne: str = ""
    direction: str = ""
    metres: float = 0.0


@dataclass(frozen=True, slots=True)
class Itineraire:
    depart: int  # l'heure demandée
    arrivee: int
    etapes: list[Etape] = field(default_factory=list)

    @property
    def duree_min(self) -> int:
        """Durée arrondie à la minute supérieure (départ demandé → arrivée)."""
        return math.ceil((self.arrivee - self.depart) / 60)


@dataclass(slots=True)
class _Balayage:
    """L'état du CSA après un balayage, avec de quoi reconstruire les itinéraires."""

    ea: list[int]
    ea_veh: list[int]
    source: list[int]  # d'où vient ea[s] : _ORIGINE, _VEHICULE, ou l'arrêt d'où l'on a marché
    montee: list[int]  # par arrêt : la connexion où l'on est monté dans la course d'arrivée
    descente: list[int]  # par arrêt : la connexion où l'on est descendu
    marche_origine: dict[int, tuple[int, float]]  # arrêt -> (secondes, mètres) depuis l'origine


Coordonnees = tuple[float, float]


def balayer(
    reseau: Reseau,
    origine: Coordonnees,
    depart: int,
    limite: int = INFINI,
    cible: dict[int, int] | None = None,
) -> _Balayage:
    """Un balayage CSA depuis `origine` à l'heure `depart` (secondes). On s'arrête aux
    connexions qui partent après `limite`, ou, si `cible` (arrêt -> secondes de marche
    jusqu'à la destination) est donnée, dès qu'aucune ne peut plus l'améliorer."""
    n_arrets = len(reseau.arrets_id)
    ea, ea_veh = [INFINI] * n_arrets, [INFINI] * n_arrets
    etat = _Balayage(ea, ea_veh, [_ORIGINE] * n_arrets, [-1] * n_arrets, [-1] * n_arrets, {})
    for arret, metres in reseau.grille.voisins(*origine):
        secondes = secondes_de_marche(metres)
        etat.marche_origine[arret] = (secondes, metres)
        ea[arret] = depart + secondes
    meilleur = INFINI
    dep, arr, de, vers = reseau.dep, reseau.arr, reseau.de, reseau.vers
    course, drapeaux = reseau.course, reseau.drapeaux
    m_debut, m_vers, m_sec = reseau.marche_debut, reseau.marche_vers, reseau.marche_sec
    source, montee, descente = etat.source, etat.montee, etat.descente
    monte: dict[int, int] = {}  # course -> connexion de montée
    n = len(dep)
    i = bisect_left(dep, depart)
    bloc, heure_bloc, refaire = i, -1, False
    while True:
        d = dep[i] if i < n else INFINI
        if d != heure_bloc:
            if refaire:
                refaire, i = False, bloc
                continue
            if d > limite or d >= meilleur or i >= n:
                break
            bloc, heure_bloc = i, d
        c = course[i]
        entree = monte.get(c)
        # Au rebalayage d'un bloc, une course peut avoir été prise à un tronçon SUIVANT
        # (indice plus grand) : ses tronçons antérieurs ne sont pas parcourus.
        if (entree is None or entree > i) and drapeaux[i] & MONTEE and ea[de[i]] <= d:
            entree = monte[c] = i
        if entree is not None and entree <= i and drapeaux[i] & DESCENTE:
            a, v = arr[i], vers[i]
            if a < ea_veh[v]:
                ea_veh[v], montee[v], descente[v] = a, entree, i
                if a == d:
                    refaire = True
                if a < ea[v]:
                    ea[v], source[v] = a, _VEHICULE
                if cible is not None and v in cible and a + cible[v] < meilleur:
                    meilleur = a + cible[v]
                for k in range(m_debut[v], m_debut[v + 1]):
                    w, t = m_vers[k], a + m_sec[k]
                    if t < ea[w]:
                        ea[w], source[w] = t, v
                        if t == d:
                            refaire = True
        i += 1
    return etat


def _marche_directe(origine: Coordonnees, destination: Coordonnees) -> tuple[int, float] | None:
    metres = distance_m(*origine, *destination)
    return (secondes_de_marche(metres), metres) if metres <= PORTEE_MARCHE_M else None


def itineraire(
    reseau: Reseau, origine: Coordonnees, destination: Coordonnees, depart: int
) -> Itineraire | None:
    """L'itinéraire d'arrivée au plus tôt, ou None si rien n'arrive (ni à pied ni en
    transport, parmi les courses du jour et leurs prolongements après minuit)."""
    voisins = {a: (secondes_de_marche(m), m) for a, m in reseau.grille.voisins(*destination)}
    cible = {a: s for a, (s, _) in voisins.items()}
    etat = balayer(reseau, origine, depart, cible=cible)
    meilleur: tuple[int, int] | None = None  # (arrivée, arrêt de descente ; -1 : à pied)
    directe = _marche_directe(origine, destination)
    if directe is not None:
        meilleur = (depart + directe[0], -1)
    for arret, secondes in sorted(cible.items()):
        if etat.ea_veh[arret] < INFINI:
            candidat = (etat.ea_veh[arret] + secondes, arret)
            if meilleur is None or candidat[0] < meilleur[0]:
                meilleur = candidat
    if meilleur is None:
        return None
    arrivee, arret = meilleur
    if arret == -1:
        assert directe is not None
        etape = Etape("marche", depart, arrivee, "origine", "destination", metres=directe[1])
        return Itineraire(depart, arrivee, [etape])
    finale = Etape(
        "marche",
        etat.ea_veh[arret],
        arrivee,
        reseau.arrets_nom[arret],
        "destination",
        metres=voisins[arret][1],
    )
    return Itineraire(depart, arrivee, [*_remonter(reseau, etat, arret, depart), finale])


def _remonter(reseau: Reseau, etat: _Balayage, arret: int, depart: int) -> list[Etape]:
    """Les étapes de l'origine jusqu'à la descente du véhicule à `arret`."""
    etapes: list[Etape] = []
    noms = reseau.arrets_nom
    while True:
        i, j = etat.montee[arret], etat.descente[arret]
        c = reseau.course[j]
        etapes.append(
            Etape(
                "transport",
                reseau.dep[i],
                reseau.arr[j],
                noms[reseau.de[i]],
                noms[arret],
                reseau.courses_ligne[c],
                reseau.courses_direction[c],
            )
        )
        quai = reseau.de[i]
        source = etat.source[quai]
        if source == _ORIGINE:
            secondes, metres = etat.marche_origine[quai]
            etapes.append(
                Etape("marche", depart, depart + secondes, "origine", noms[quai], metres=metres)
            )
            break
        if source == _VEHICULE:
            arret = quai
            continue
        metres = distance_m(
            reseau.latitudes[source],
            reseau.longitudes[source],
            reseau.latitudes[quai],
            reseau.longitudes[quai],
        )
        etapes.append(
            Etape(
                "marche",
                etat.ea_veh[source],
                etat.ea[quai],
                noms[source],
                noms[quai],
                metres=metres,
            )
        )
        arret = source
    etapes.reverse()
    return etapes


def arrivees(
    reseau: Reseau,
    origine: Coordonnees,
    destinations: list[Coordonnees],
    depart: int,
    duree_max: int | None = None,
) -> list[int | None]:
    """Un vers plusieurs : l'heure d'arrivée au plus tôt à chaque destination (secondes),
    ou None si elle n'est pas atteinte (dans `duree_max` secondes, si elle est donnée).
    Un seul balayage, borné à `depart + duree_max`."""
    limite = INFINI if duree_max is None else depart + duree_max
    etat = balayer(reseau, origine, depart, limite=limite)
    resultats: list[int | None] = []
    for destination in destinations:
        meilleure = INFINI
        directe = _marche_directe(origine, destination)
        if directe is not None:
            meilleure = depart + directe[0]
        for arret, metres in reseau.grille.voisins(*destination):
            if etat.ea_veh[arret] < INFINI:
                meilleure = min(meilleure, etat.ea_veh[arret] + secondes_de_marche(metres))
        ok = meilleure < INFINI and (duree_max is None or meilleure - depart <= duree_max)
        resultats.append(meilleure if ok else None)
    return resultats
