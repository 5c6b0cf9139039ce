"""Un trajet à montrer : « partir au plus tard à…, prendre telles lignes, arriver à… ».

Sert à la vigilance (point de rendez-vous → structures, structures consécutives d'un
groupe) et aux emplois du temps des élèves (point de départ → structure du jour). La
question est toujours « être à destination au plus tard à `arrivee`, en au plus
`duree_max` » (voir `profil`) :

1. le départ au plus tard vient du balayage à rebours (`profil_arrivee`) ;
2. l'itinéraire montré (lignes, arrêts, heures) est celui d'arrivée au plus tôt en partant
   à cette heure (`csa.itineraire`) : il arrive à temps par construction (vérifié par les
   tests à rebours contre le CSA en avant, `tests/moteur/transport/test_arrivee.py`).

La durée est `arrivee − départ au plus tard`, arrondie à la minute supérieure, comme
`duree_pour_arriver`. Heures en secondes depuis minuit du jour du réseau.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from moteur.modele import Point
from moteur.transport.csa import Etape, itineraire
from moteur.transport.profil import ProfilArrivee, profil_arrivee
from moteur.transport.reseau import Reseau

JOUR_S = 24 * 3600


def heure_texte(secondes: int) -> str:
    """« 08:32 » ; « 00:40 (lendemain) » après minuit. Les secondes sont tronquées : une
    heure de départ au plus tard ne doit jamais être affichée plus tard qu'elle n'est."""
    jours, reste = divmod(secondes, JOUR_S)
    texte = f"{reste // 3600:02d}:{reste % 3600 // 60:02d}"
    return texte + (" (lendemain)" if jours > 0 else "")


def heure_arrivee_texte(secondes: int) -> str:
    """L'heure d'arrivée arrondie à la minute supérieure (08:58:10 → « 08:59 »)."""
    return heure_texte(math.ceil(secondes / 60) * 60)


@dataclass(frozen=True, slots=True)
class TrajetHoraire:
    """Un trajet trouvé : départ au plus tard, arrivée, durée, étapes."""

    depart: int
    arrivee: int  # arrivée au plus tôt en partant à `depart` (≤ l'heure voulue)
    arrivee_voulue: int
    etapes: tuple[Etape, ...]

    @property
    def duree_min(self) -> int:
        return math.ceil((self.arrivee_voulue - self.depart) / 60)

    @property
    def a_pied(self) -> bool:
        return all(e.genre == "marche" for e in self.etapes)

    @property
    def lignes(self) -> tuple[str, ...]:
        """Les lignes prises, dans l'ordre, sans doublon consécutif."""
        lignes: list[str] = []
        for e in self.etapes:
            if e.genre == "transport" and (not lignes or lignes[-1] != e.ligne):
                lignes.append(e.ligne)
        return tuple(lignes)

    @property
    def lignes_texte(self) -> str:
        """« ligne 2 », « lignes 1 puis 2 », « à pied »."""
        if not self.lignes:
            return "à pied"
        if len(self.lignes) == 1:
            return f"ligne {self.lignes[0]}"
        return f"lignes {' puis '.join(self.lignes)}"

    @property
    def detail(self) -> str:
        """Les montées et descentes : « ligne 1 de Arrêt A (08:10) à Arrêt B (08:25) ;
        ligne 2 de Arrêt C (08:40) à Arrêt D (09:00) »."""
        if self.a_pied:
            metres = sum(e.metres for e in self.etapes)
            return f"à pied ({round(metres)} m)"
        return " ; ".join(
            f"ligne {e.ligne} de {e.de} ({heure_texte(e.depart)}) "
            f"à {e.vers} ({heure_arrivee_texte(e.arrivee)})"
            for e in self.etapes
            if e.genre == "transport"
        )

    @property
    def resume(self) -> str:
        """« départ 08:32, lignes 1 puis 2, arrivée 08:59 (28 min) »."""
        return (
            f"départ {heure_texte(self.depart)}, {self.lignes_texte}, arrivée "
            f"{heure_arrivee_texte(self.arrivee)} ({self.duree_min} min)"
        )


def _coord(point: Point) -> tuple[float, float]:
    return (point.latitude, point.longitude)


def depuis_profil(profil: ProfilArrivee, origine: Point) -> TrajetHoraire | None:
    """Le trajet de `origine` vers la destination du profil, ou None (pas à temps)."""
    depart = profil.depart_au_plus_tard(_coord(origine))
    if depart is None:
        return None
    trouve = itineraire(profil.reseau, _coord(origine), profil.destination, depart)
    if trouve is None or trouve.arrivee > profil.arrivee:  # garde-fou : jamais attendu
        return None
    return TrajetHoraire(depart, trouve.arrivee, profil.arrivee, tuple(trouve.etapes))


class Trajets:
    """Des trajets vers quelques destinations, avec un profil (balayage à rebours) gardé par
    (destination, heure d'arrivée) : plusieurs origines vers une même structure n'en
    coûtent qu'un."""

    def __init__(self, reseau: Reseau, duree_max_s: int) -> None:
        self.reseau = reseau
        self.duree_max_s = duree_max_s
        self._profils: dict[tuple[Point, int], ProfilArrivee] = {}

    def profil(self, destination: Point, arrivee_s: int) -> ProfilArrivee:
        cle = (destination, arrivee_s)
        if cle not in self._profils:
            self._profils[cle] = profil_arrivee(
                self.reseau, _coord(destination), arrivee_s, self.duree_max_s
            )
        return self._profils[cle]

    def pour_arriver(
        self, origine: Point, destination: Point, arrivee_s: int
    ) -> TrajetHoraire | None:
        """Être à `destination` au plus tard à `arrivee_s`, parti de `origine` au plus tôt
        `duree_max_s` avant ; None si c'est impossible en transport en commun ou à pied."""
        return depuis_profil(self.profil(destination, arrivee_s), origine)
