"""« Arriver avant une heure » : départ au plus tard, par un CSA balayé à rebours.

Question : partant d'un point (domicile, lycée), à quelle heure au plus tard faut-il
partir pour être au point de rendez-vous à `arrivee` au plus tard ? La durée du trajet est
alors `arrivee − départ au plus tard`, arrondie à la minute supérieure : c'est le temps
que l'élève perd le matin, attente à l'arrivée comprise (symétrique de la commande
`trajet`, qui compte l'attente au départ). Un trajet « tient dans `duree_max` » si et
seulement si, parti à `arrivee − duree_max`, l'élève arrive au plus tard à `arrivee` :
c'est exactement ce que vérifierait une requête d'arrivée au plus tôt partie à cette heure.

Algorithme : le profil « latest departure » du Connection Scan Algorithm (Dibbelt, Pajor,
Strasser, Wagner, ACM JEA 23, 2018, § 4), pour une seule heure d'arrivée. Les connexions
sont balayées par heure d'arrivée DÉCROISSANTE, de `arrivee` jusqu'à `arrivee − duree_max`
(une connexion arrivée plus tôt ne peut pas servir à un trajet parti après). Trois tableaux :

- `apres_descente[s]` : l'heure la plus tardive à laquelle on peut descendre d'un véhicule
  à l'arrêt s et arriver à temps (à pied jusqu'à la destination, ou en remontant à s, ou
  en marchant vers un arrêt voisin pour y monter) ;
- `montee[s]` : l'heure la plus tardive à laquelle on peut être à s pour y monter ;
- `utile[c]` : le dernier tronçon de la course c d'où descendre mène à temps (rester
  dans la course depuis un tronçon antérieur ou égal y mène).

Un seul balayage par point de rendez-vous donne le départ au plus tard de TOUS les points
d'origine : on le lit ensuite pour chacun en quelques microsecondes (arrêts à 1 000 m au
plus, plus la marche directe). Mêmes règles de marche que le reste du paquet : deux
marches ne se suivent jamais, aucun temps de correspondance en plus de la marche, une
course est prise si l'on est à son arrêt au plus tard à son heure de départ.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass

from moteur.transport.marche import PORTEE_MARCHE_M, distance_m, secondes_de_marche
from moteur.transport.reseau import DESCENTE, MONTEE, Reseau

JAMAIS = -(1 << 60)
Coordonnees = tuple[float, float]


@dataclass(slots=True)
class ProfilArrivee:
    """Le résultat d'un balayage à rebours vers `destination` : de quoi répondre, pour
    n'importe quelle origine, « départ au plus tard » et « durée »."""

    reseau: Reseau
    destination: Coordonnees
    arrivee: int  # secondes depuis minuit du jour du réseau
    duree_max: int  # secondes
    montee: list[int]

    def depart_au_plus_tard(self, origine: Coordonnees) -> int | None:
        """L'heure (secondes) à laquelle partir au plus tard de `origine`, ou None si aucun
        trajet n'arrive à temps en partant à `arrivee − duree_max` ou après."""
        meilleur = JAMAIS
        metres = distance_m(*origine, *self.destination)
        if metres <= PORTEE_MARCHE_M:
            meilleur = self.arrivee - secondes_de_marche(metres)
        montee = self.montee
        for arret, metres in self.reseau.grille.voisins(*origine):
            if montee[arret] > JAMAIS:
                meilleur = max(meilleur, montee[arret] - secondes_de_marche(metres))
        return meilleur if meilleur >= self.arrivee - self.duree_max else None

    def duree_min(self, origine: Coordonnees) -> int | None:
        """Durée (minutes, arrondie au-dessus) du départ au plus tard jusqu'à `arrivee`, ou
        None si elle dépasse `duree_max` (ou qu'aucun trajet n'existe)."""
        depart = self.depart_au_plus_tard(origine)
        return None if depart is None else math.ceil((self.arrivee - depart) / 60)


def profil_arrivee(
    reseau: Reseau, destination: Coordonnees, arrivee: int, duree_max: int
) -> ProfilArrivee:
    """Un balayage à rebours vers `destination`, pour arriver au plus tard à `arrivee`
    (secondes), en partant au plus tôt à `arrivee − duree_max` (secondes)."""
    n_arrets = len(reseau.arrets_id)
    apres_descente, montee = [JAMAIS] * n_arrets, [JAMAIS] * n_arrets
    for arret, metres in reseau.grille.voisins(*destination):
        apres_descente[arret] = arrivee - secondes_de_marche(metres)
    borne = arrivee - duree_max
    ordre = reseau.ordre_arrivees
    dep, arr, de, vers = reseau.dep, reseau.arr, reseau.de, reseau.vers
    course, drapeaux = reseau.course, reseau.drapeaux
    m_debut, m_vers, m_sec = reseau.marche_debut, reseau.marche_vers, reseau.marche_sec
    # Par course : le plus grand indice de connexion d'où descendre mène à temps (−1 : aucun).
    # Une connexion k de la course est utile si ce tronçon d'arrivée est k ou après : au
    # rebalayage d'un bloc, un tronçon ANTÉRIEUR devenu utile ne rend pas utiles les suivants.
    utile = [-1] * len(reseau.courses_ligne)
    n = len(ordre)
    # Première connexion arrivée au plus tard à `arrivee` (les arrivées décroissent).
    i = bisect_left(ordre, -arrivee, key=lambda k: -arr[k])
    bloc, heure_bloc, refaire = i, -1, False
    while True:
        k = ordre[i] if i < n else -1
        a = arr[k] if k >= 0 else JAMAIS
        if a != heure_bloc:
            if refaire:  # une mise à jour est tombée pile à l'heure du bloc : le revoir
                refaire, i = False, bloc
                continue
            if a < borne:
                break
            bloc, heure_bloc = i, a
        i += 1
        c = course[k]
        if utile[c] < k:  # aucun tronçon de la course à partir de k n'est encore utile
            if not (drapeaux[k] & DESCENTE and a <= apres_descente[vers[k]]):
                continue
            utile[c] = k
        d = dep[k]
        if not drapeaux[k] & MONTEE or d < borne:
            continue
        u = de[k]
        if d <= montee[u]:
            continue
        montee[u] = d
        if d > apres_descente[u]:
            apres_descente[u] = d
            refaire |= d == a
        for j in range(m_debut[u], m_debut[u + 1]):
            t = d - m_sec[j]
            w = m_vers[j]
            if t > apres_descente[w]:
                apres_descente[w] = t
                refaire |= t == a
    return ProfilArrivee(reseau, destination, arrivee, duree_max, montee)


def duree_pour_arriver(
    reseau: Reseau,
    origine: Coordonnees,
    destination: Coordonnees,
    arrivee: int,
    duree_max: int,
) -> int | None:
    """Un vers un : la durée (minutes, arrondie au-dessus) pour être à `destination` au plus
    tard à `arrivee` (secondes) en partant de `origine` au plus tôt à `arrivee − duree_max`
    (secondes) ; None si c'est impossible."""
    return profil_arrivee(reseau, destination, arrivee, duree_max).duree_min(origine)


def durees_pour_arriver(
    reseau: Reseau,
    origines: list[Coordonnees],
    destination: Coordonnees,
    arrivee: int,
    duree_max: int,
) -> list[int | None]:
    """Plusieurs vers un (un seul balayage) : la durée de chaque origine, ou None."""
    profil = profil_arrivee(reseau, destination, arrivee, duree_max)
    return [profil.duree_min(o) for o in origines]
