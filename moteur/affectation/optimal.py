"""Politique « optimale » : flot de coût minimum (OR-Tools, SimpleMinCostFlow).

Réseau : source → élève (capacité 1) → projet (capacité 1 par voeu éligible) → puits
(capacité du projet). Pour un projet à places réservées (mixité), les élèves passent par
un nœud « filles » ou « garçons » du projet, relié au projet par deux arcs : le premier,
de capacité r (les places réservées), ne coûte rien ; le second (le reste) coûte une
unité de mixité. Les élèves de genre non renseigné et les projets sans réserve paient
toujours cette unité. Remplir une place réservée est donc récompensé, jamais imposé :
une place réservée non prise reste ouverte à tous (borne inférieure souple).

Égalité des chances (barème « taux_minimum », `poids_egalite` > 0) : la source ne
nourrit plus les élèves directement mais quatre nœuds de catégorie (ni boursier ni
rural, boursier seul, rural seul, les deux). Avec F élèves placés (le flot maximum), n
élèves en tout et n_c dans la catégorie c, la fourchette d'une catégorie prioritaire est
    L_c = ⌈F × n_c / n⌉  et  U_c = ⌊F × n_c / n + e × n_c × (n − n_T) / n⌋
(e = `ecart_max_pts` / 100, n_T : boursiers, ruraux, ou le plus grand des deux pour
« les deux »). Placer L_B = L_boursier seul + L_les deux boursiers donne un taux des
boursiers au moins égal à celui des autres (L_B × n ≥ F × n_B) ; ne pas dépasser U_B le
garde à au plus e points au-dessus ; de même pour les ruraux. Les arcs source → catégorie
coûtent 0 jusqu'à L_c, une unité d'égalité entre L_c et U_c, deux au-delà ; la catégorie
« ni l'un ni l'autre » coûte toujours une unité. Le total étant fixé (F), c'est la
fonction convexe « 1 unité par élève sous la fourchette ou au-dessus » à une constante
près : dans la fourchette, rien ne départage les catégories, les rangs décident.

Critères, dans l'ordre (lexicographique) :
1. le plus d'élèves placés : `solve_max_flow_with_min_cost` calcule d'abord le flot
   maximum, puis le coût minimum parmi les flots maximums ;
2. l'égalité des chances : en « taux_minimum », l'écart à la fourchette, au poids
   K_E ; en « priorite_absolue », les points du barème des élèves NON placés, au poids K ;
3. la mixité : `poids_mixite` par élève placé hors place réservée, au poids K ;
4. les meilleurs rangs de voeux : somme des (rang - 1), au poids 1, plus
   `poids_premier_voeu` (barème, 10 par défaut) par élève placé ailleurs qu'à son premier
   voeu : à critères 1 à 3 égaux, un premier voeu de plus vaut 10 rangs gagnés ailleurs.
Deux flots maximums diffèrent d'une somme de cycles élémentaires du graphe résiduel ; un
cycle élémentaire passe au plus une fois par chaque nœud et deux élèves n'y sont jamais
voisins, il touche donc au plus min(élèves, nœuds non élèves) élèves, et chacun y fait
varier le critère 4 d'au plus c (le plus grand coût de rang). Avec
K = c × min(élèves, nœuds non élèves) + 1, un cycle qui améliore le critère 3 d'une
unité coûte toujours moins que zéro. De même, chaque arc d'un tel cycle touche un nœud
non élève, le cycle a donc au plus 2 × (nœuds non élèves) arcs, chacun de coût hors
égalité au plus c + unité de mixité : avec K_E = 2 × (nœuds non élèves) × (c + unité de
mixité) + 1, l'égalité passe avant la mixité et les rangs. L'optimum du coût pondéré est
l'optimum lexicographique. K est petit (≈ 570 000 au niveau national, contre
10 millions avec le nombre d'élèves) : moins de phases pour l'algorithme de mise à
l'échelle des coûts d'OR-Tools, dont le travail croît avec log(nœuds × coût maximal).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow  # type: ignore[import-untyped]

from moteur.affectation.bareme import Bareme
from moteur.affectation.eligibilite import Instance
from moteur.affectation.priorites import points_tableau, reserves_tableau


class EchecSolveur(RuntimeError):
    """Le solveur de flot n'a pas trouvé d'optimum (ne devrait jamais arriver)."""


@dataclass(slots=True)
class Reseau:
    """Le réseau du flot, en tableaux d'arcs (nœud 0 : source, nœud 1 : puits). Les arcs
    des voeux commencent à l'indice `premier_voeu` ; `eleves` et `projets` donnent, pour
    chacun, l'élève et le projet. Séparé de la résolution pour que le banc
    (`benchmarks/essais_flot.py`) compare d'autres solveurs sur exactement le même réseau."""

    queues: np.ndarray
    tetes: np.ndarray
    capacites: np.ndarray
    couts: np.ndarray
    offre: int  # élèves reliés au réseau
    premier_voeu: int
    eleves: np.ndarray
    projets: np.ndarray


def flot_cout_minimum(
    instance: Instance,
    bareme: Bareme,
    graine: int,
    avec_mixite: bool = True,
    progression: Callable[[float], None] | None = None,
    flot_max: int | None = None,
) -> np.ndarray:
    """Projet (indice) de chaque élève, -1 si non placé. `flot_max` : le nombre maximum
    de placés s'il est déjà connu (sinon, calculé quand l'égalité des chances l'exige)."""
    reseau = construire_reseau(instance, bareme, graine, avec_mixite, flot_max)
    if reseau is None:
        return np.full(instance.nb_eleves, -1, dtype=np.int64)
    return resoudre_reseau(reseau, instance.nb_eleves, progression)


def avec_egalite(bareme: Bareme) -> bool:
    """Le flot cherche-t-il la fourchette d'égalité des chances (taux minimum) ?"""
    return not bareme.absolue and bareme.poids_egalite > 0


def categories(instance: Instance) -> np.ndarray:
    """Catégorie de chaque élève : 0 ni boursier ni rural, 1 boursier seul, 2 rural seul,
    3 les deux."""
    categorie: np.ndarray = instance.boursier.astype(np.int64) + 2 * instance.rural.astype(np.int64)
    return categorie


def fourchettes(instance: Instance, bareme: Bareme, flot: int) -> tuple[list[int], list[int]]:
    """(L, U) par catégorie (voir l'en-tête), en entiers exacts ; catégorie 0 : (0, 0)."""
    n = instance.nb_eleves
    compte = np.bincount(categories(instance), minlength=4).tolist()
    hors = [0, n - int(instance.boursier.sum()), n - int(instance.rural.sum()), 0]
    hors[3] = min(hors[1], hors[2])
    basses, hautes = [0], [0]
    for c in (1, 2, 3):
        basse = -(-flot * compte[c] // n)
        haute = (100 * flot * compte[c] + bareme.ecart_max_pts * compte[c] * hors[c]) // (100 * n)
        basses.append(basse)
        hautes.append(max(basse, haute))
    return basses, hautes


def flot_maximum(reseau: Reseau) -> int:
    """Le nombre maximum d'élèves placés sur ce réseau (OR-Tools, SimpleMaxFlow)."""
    solveur = max_flow.SimpleMaxFlow()
    solveur.add_arcs_with_capacity(reseau.queues, reseau.tetes, reseau.capacites)
    if solveur.solve(0, 1) != solveur.OPTIMAL:
        raise EchecSolveur("flot maximum : échec du solveur")
    return int(solveur.optimal_flow())


def resoudre_reseau(
    reseau: Reseau, nb_eleves: int, progression: Callable[[float], None] | None = None
) -> np.ndarray:
    """Flot maximum de coût minimum (OR-Tools) ; projet de chaque élève, -1 si non placé."""
    resultat = np.full(nb_eleves, -1, dtype=np.int64)
    solveur = min_cost_flow.SimpleMinCostFlow()
    solveur.add_arcs_with_capacity_and_unit_cost(
        reseau.queues, reseau.tetes, reseau.capacites, reseau.couts
    )
    solveur.set_node_supply(0, reseau.offre)
    solveur.set_node_supply(1, -reseau.offre)
    if progression is not None:
        progression(0.1)
    statut = solveur.solve_max_flow_with_min_cost()
    if statut != solveur.OPTIMAL:
        raise EchecSolveur(f"flot de coût minimum : statut {statut}")
    arcs_voeux = reseau.premier_voeu + np.arange(len(reseau.eleves))
    pris = solveur.flows(arcs_voeux) > 0
    resultat[reseau.eleves[pris]] = reseau.projets[pris]
    if progression is not None:
        progression(1.0)
    return resultat


def construire_reseau(
    instance: Instance,
    bareme: Bareme,
    graine: int,
    avec_mixite: bool = True,
    flot_max: int | None = None,
) -> Reseau | None:
    """Le réseau décrit en tête du module ; None si aucun voeu éligible n'a de place."""
    indices, _ = instance.voeux_eligibles()
    indices = indices[instance.capacite[instance.v_projet[indices]] > 0]
    if len(indices) == 0:
        return None
    n_p = instance.nb_projets
    reserves = reserves_tableau(instance, bareme) if avec_mixite else np.zeros((n_p, 3), int)
    avec_reserve = reserves[:, 0] + reserves[:, 1] > 0

    # Numérotation des nœuds dans l'ordre de l'espace (courbe de Hilbert sur les points de
    # rendez-vous) : chaque projet suivi de ses nœuds « filles » et « garçons », puis les
    # élèves dans l'ordre de leur premier voeu éligible. Des voisins dans le réseau sont
    # voisins en mémoire : le solveur va nettement plus vite (sans rien changer à l'optimum).
    ordre_p = np.argsort(_hilbert(instance.p_latitude, instance.p_longitude), kind="stable").astype(
        np.int64
    )
    egalite = avec_egalite(bareme)
    nb_categories = 4 if egalite else 0  # nœuds 2 à 5 : les catégories
    taille_bloc = 1 + 2 * avec_reserve[ordre_p].astype(np.int64)
    debut_bloc = 2 + nb_categories + np.cumsum(taille_bloc) - taille_bloc
    noeud_projet = np.empty(n_p, dtype=np.int64)
    noeud_projet[ordre_p] = debut_bloc
    noeud_genre = np.full((n_p, 2), -1, dtype=np.int64)
    proj_res = np.flatnonzero(avec_reserve)
    noeud_genre[proj_res, 0] = noeud_projet[proj_res] + 1
    noeud_genre[proj_res, 1] = noeud_projet[proj_res] + 2
    n_non_eleves = 2 + nb_categories + int(taille_bloc.sum())
    rang_spatial = np.empty(n_p, dtype=np.int64)
    rang_spatial[ordre_p] = np.arange(n_p)

    # Les élèves entrent dans le réseau par zone, puis dans l'ordre du tirage au sort :
    # parmi des solutions de même coût, le choix du solveur est ainsi reproductible (graine).
    tirage = np.random.default_rng(graine).permutation(instance.nb_eleves)
    eleves_reseau, premier = np.unique(instance.v_eleve[indices], return_index=True)
    zone = rang_spatial[instance.v_projet[indices[premier]]]
    eleves_reseau = eleves_reseau[np.lexsort((tirage[eleves_reseau], zone))]
    n_e = len(eleves_reseau)
    noeud_eleve = np.full(instance.nb_eleves, -1, dtype=np.int64)
    noeud_eleve[eleves_reseau] = n_non_eleves + np.arange(n_e)
    noeud_voeu = noeud_eleve[instance.v_eleve[indices]]
    indices = indices[np.lexsort((instance.v_rang[indices], noeud_voeu))]

    # Critère 3 : (rang - 1), plus `poids_premier_voeu` hors du premier voeu.
    rangs = instance.v_rang[indices]
    cout_rang = (rangs - 1) + max(0, bareme.poids_premier_voeu) * (rangs > 1)
    # K : au-dessus de toute variation du critère 3 le long d'un cycle (voir l'en-tête).
    poids = int(cout_rang.max()) * min(n_e, n_non_eleves) + 1
    unite_mixite = poids * bareme.poids_mixite if avec_mixite else 0
    reseau = assembler_reseau(
        instance,
        reserves,
        indices,
        eleves_reseau,
        Noeuds(noeud_eleve, noeud_projet, noeud_genre),
        cout_rang,
        poids,
        unite_mixite,
        bareme.points_max - points_tableau(instance, bareme)[eleves_reseau],
    )
    if not egalite:
        return reseau
    unite = (2 * n_non_eleves * (int(cout_rang.max()) + unite_mixite) + 1) * bareme.poids_egalite
    flot = flot_maximum(reseau) if flot_max is None else flot_max
    ajouter_categories(reseau, instance, bareme, eleves_reseau, unite, flot)
    return reseau


def ajouter_categories(
    reseau: Reseau,
    instance: Instance,
    bareme: Bareme,
    eleves_reseau: np.ndarray,
    unite: int,
    flot: int,
) -> None:
    """Fait passer chaque élève par le nœud de sa catégorie (2 + catégorie) et ajoute, en
    fin de tableaux, les arcs source → catégorie de la fourchette (voir l'en-tête)."""
    categorie = categories(instance)[eleves_reseau]
    n_e = len(eleves_reseau)
    reseau.queues[:n_e] = 2 + categorie
    presents = np.bincount(categorie, minlength=4).tolist()
    basses, hautes = fourchettes(instance, bareme, flot)
    queues, tetes, caps, couts = [], [], [], []
    for c in range(4):
        if c == 0:
            segments = [(presents[0], unite)]
        else:
            basse = min(basses[c], presents[c])
            haute = min(hautes[c], presents[c])
            segments = [(basse, 0), (haute - basse, unite), (presents[c] - haute, 2 * unite)]
        for capacite, cout in segments:
            queues.append(0)
            tetes.append(2 + c)
            caps.append(capacite)
            couts.append(cout)
    reseau.queues = np.concatenate([reseau.queues, np.array(queues, dtype=np.int64)])
    reseau.tetes = np.concatenate([reseau.tetes, np.array(tetes, dtype=np.int64)])
    reseau.capacites = np.concatenate([reseau.capacites, np.array(caps, dtype=np.int64)])
    reseau.couts = np.concatenate([reseau.couts, np.array(couts, dtype=np.int64)])


@dataclass(slots=True)
class Noeuds:
    """Numéros de nœuds : par élève (-1 hors réseau), par projet, par projet et genre (-1 :
    pas de places réservées)."""

    eleve: np.ndarray
    projet: np.ndarray
    genre: np.ndarray


def assembler_reseau(
    instance: Instance,
    reserves: np.ndarray,
    indices: np.ndarray,
    eleves_reseau: np.ndarray,
    noeuds: Noeuds,
    cout_rang: np.ndarray,
    poids: int,
    unite_mixite: int,
    points_manquants: np.ndarray,
) -> Reseau:
    """Les arcs, une fois les nœuds numérotés et les coûts choisis :
    - source → élève : K × points manquants au barème (un par élève du réseau) ;
    - voeu : coût de rang, plus l'unité de mixité hors place réservée ;
    - projet → puits ;
    - nœud de genre → projet (projets à places réservées) : r places gratuites, le reste
      à l'unité de mixité.
    `indices` : les voeux, dans l'ordre de leurs arcs."""
    avec_reserve = reserves[:, 0] + reserves[:, 1] > 0
    proj_res = np.flatnonzero(avec_reserve)
    n_e, n_p = len(eleves_reseau), instance.nb_projets
    ve = instance.v_eleve[indices]
    vp = instance.v_projet[indices]
    genre = instance.genre[ve].astype(np.int64)
    par_genre = avec_reserve[vp] & (genre < 2)
    tete = np.where(par_genre, noeuds.genre[vp, np.minimum(genre, 1)], noeuds.projet[vp])
    cout_voeu = cout_rang + np.where(par_genre, 0, unite_mixite)

    res_f, res_m = reserves[proj_res, 0], reserves[proj_res, 1]
    cap_res = instance.capacite[proj_res]
    un = np.ones
    queues = [np.zeros(n_e, np.int64), noeuds.eleve[ve], noeuds.projet]
    tetes = [noeuds.eleve[eleves_reseau], tete, np.ones(n_p, np.int64)]
    caps = [un(n_e, np.int64), un(len(ve), np.int64), instance.capacite]
    couts = [poids * points_manquants, cout_voeu, np.zeros(n_p, np.int64)]
    for g, res in ((0, res_f), (1, res_m)):
        for capacite, cout in ((res, 0), (cap_res - res, unite_mixite)):
            queues.append(noeuds.genre[proj_res, g])
            tetes.append(noeuds.projet[proj_res])
            caps.append(capacite)
            couts.append(np.full(len(proj_res), cout, np.int64))

    return Reseau(
        queues=np.concatenate(queues),
        tetes=np.concatenate(tetes),
        capacites=np.concatenate(caps).astype(np.int64),
        couts=np.concatenate(couts).astype(np.int64),
        offre=n_e,
        premier_voeu=n_e,
        eleves=ve,
        projets=vp,
    )


def _hilbert(latitude: np.ndarray, longitude: np.ndarray, bits: int = 10) -> np.ndarray:
    """Indice de chaque point sur une courbe de Hilbert (grille 2^bits × 2^bits posée sur
    l'emprise des points) : deux indices proches désignent deux points proches."""
    if len(latitude) == 0:
        return np.zeros(0, dtype=np.int64)
    n = 1 << bits

    def grille(v: np.ndarray) -> np.ndarray:
        v = np.nan_to_num(np.asarray(v, dtype=float))
        etendue = float(v.max() - v.min()) or 1.0
        cases: np.ndarray = np.minimum(n - 1, ((v - v.min()) / etendue * n).astype(np.int64))
        return cases

    x, y = grille(longitude), grille(latitude)
    d = np.zeros(len(x), dtype=np.int64)
    s = n // 2
    while s > 0:
        rx = ((x & s) > 0).astype(np.int64)
        ry = ((y & s) > 0).astype(np.int64)
        d += s * s * ((3 * rx) ^ ry)
        retourne = (ry == 0) & (rx == 1)
        x = np.where(retourne, n - 1 - x, x)
        y = np.where(retourne, n - 1 - y, y)
        echange = ry == 0
        x, y = np.where(echange, y, x), np.where(echange, x, y)
        s //= 2
    return d
