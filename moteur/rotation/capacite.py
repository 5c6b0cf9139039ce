"""Capacité effective des projets : combien d'élèves un projet peut vraiment accueillir.

La capacité effective d'un projet est le plus grand N tel que ses structures puissent
recevoir N élèves CHAQUE jour ouvré de la session, en respectant leurs jours autorisés,
leur `jours_max` (au plus `jours_max` dates distinctes) et leur `accueil_max` :

    max N  tel qu'il existe x[h, d] ∈ {0, 1} (h ouverte le jour d),
           Σ_d x[h, d] ≤ jours_max[h]   et   ∀ d  Σ_h accueil_max[h] · x[h, d] ≥ N.

Elle est plafonnée à `places` (le projet n'en demande pas plus) : l'allocation peut donc
l'utiliser directement comme limite du projet.

Hypothèses (documentées dans docs/rotation.md) :
- Granularité des groupes : un groupe entier passe la journée dans une seule structure.
  Un groupe peut compter un seul élève, donc la granularité ne baisse jamais la capacité
  dure ; elle fixe la taille de groupe conseillée (`taille_groupe`) : la plus grande
  taille uniforme g telle que des groupes de g élèves tiennent chaque jour
  (⌊accueil_max / g⌋ groupes par structure).
- Structures partagées entre plusieurs projets : calcul CONJOINT. Les projets qui
  partagent (directement ou en chaîne) une structure forment une composante ; chaque jour,
  l'accueil d'une structure partagée est réparti entre ses projets et la somme ne dépasse
  pas `accueil_max` ; `jours_max` porte sur les dates où au moins un projet l'utilise.
  On maximise le total des élèves accueillis, puis le plus petit taux de remplissage
  (capacité / places) : aucun projet n'est sacrifié si un partage équitable existe.
- Le calcul ignore l'âge des élèves (inconnus à ce stade) ; la règle 5 est contrôlée
  par la rotation et `explication.py`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from ortools.sat.python import cp_model

from moteur.modele import Projet, Session, StructureAccueil
from moteur.rotation.solveur import GardeFou

# Au-delà, l'écart au remplissage parfait devient négligeable : poids du second critère.
_ECHELLE_EQUITE = 1000


@dataclass(frozen=True, slots=True)
class CapaciteEffective:
    projet_id: str
    capacite: int  # ≤ places : élèves que le projet peut accueillir chaque jour ouvré
    places: int
    jour_limitant: date | None  # jour le plus serré quand capacite < places
    explication: str  # en français, vide quand capacite == places
    taille_groupe: int = 0  # taille de groupe conseillée (0 : aucun élève possible)
    structures_partagees: tuple[str, ...] = ()
    # False : le solveur a atteint sa limite de temps ; `capacite` reste atteignable
    # (solution trouvée) mais un peu plus pourrait l'être. Prudent par construction.
    prouvee: bool = True

    @property
    def suffisante(self) -> bool:
        return self.capacite >= self.places


def jour_fr(jour: date) -> str:
    return jour.strftime("%d/%m")


def structures_du_projet(session: Session, projet: Projet) -> list[StructureAccueil]:
    """Structures connues du projet, sans doublon, dans l'ordre du fichier."""
    vues: dict[str, StructureAccueil] = {}
    for sid in projet.structures:
        structure = session.structures.get(sid)
        if structure is not None and sid not in vues:
            vues[sid] = structure
    return list(vues.values())


def composantes(session: Session, projet_ids: list[str] | None = None) -> list[list[str]]:
    """Projets reliés par des structures communes (union-find), dans l'ordre du fichier."""
    ids = list(session.projets) if projet_ids is None else list(projet_ids)
    parent = {pid: pid for pid in ids}

    def racine(pid: str) -> str:
        while parent[pid] != pid:
            parent[pid] = parent[parent[pid]]
            pid = parent[pid]
        return pid

    premier_projet: dict[str, str] = {}
    for pid in ids:
        for structure in structures_du_projet(session, session.projets[pid]):
            autre = premier_projet.setdefault(structure.id, pid)
            ra, rb = racine(autre), racine(pid)
            if ra != rb:
                parent[rb] = ra
    groupes: dict[str, list[str]] = defaultdict(list)
    for pid in ids:
        groupes[racine(pid)].append(pid)
    return list(groupes.values())


def _jours_max_effectif(structure: StructureAccueil, jours: tuple[date, ...]) -> int:
    possibles = len(structure.jours_possibles(jours))
    if structure.jours_max is None:
        return possibles
    return min(possibles, max(0, structure.jours_max))


def _capacite_jour(structures: list[StructureAccueil], jours: tuple[date, ...]) -> dict[date, int]:
    total = dict.fromkeys(jours, 0)
    for structure in structures:
        for jour in structure.jours_possibles(jours):
            total[jour] += structure.accueil_max
    return total


def _capacites_directes(session: Session, pids: list[str]) -> dict[str, int] | None:
    """Cas sans partage ni jours_max contraignant : minimum sur les jours, sans solveur."""
    jours = session.jours
    utilisations: dict[str, int] = defaultdict(int)
    for pid in pids:
        for structure in structures_du_projet(session, session.projets[pid]):
            utilisations[structure.id] += 1
            if utilisations[structure.id] > 1:
                return None
            if _jours_max_effectif(structure, jours) < len(structure.jours_possibles(jours)):
                return None
    resultat = {}
    for pid in pids:
        projet = session.projets[pid]
        par_jour = _capacite_jour(structures_du_projet(session, projet), jours)
        resultat[pid] = min(projet.places, min(par_jour.values(), default=projet.places))
    return resultat


def _ajouter_composante(
    modele: cp_model.CpModel, session: Session, pids: list[str]
) -> tuple[dict[str, cp_model.IntVar], cp_model.LinearExprT]:
    """Variables et objectif d'une composante (structures partagées ou jours_max)."""
    jours = session.jours
    structures: dict[str, StructureAccueil] = {}
    projets_de: dict[str, list[str]] = defaultdict(list)
    for pid in pids:
        for structure in structures_du_projet(session, session.projets[pid]):
            structures[structure.id] = structure
            projets_de[structure.id].append(pid)
    ouvert: dict[tuple[str, date], cp_model.LinearExprT] = {}
    for sid, structure in structures.items():
        possibles = structure.jours_possibles(jours)
        jmax = _jours_max_effectif(structure, jours)
        for jour in possibles:
            # Sans jours_max contraignant, la structure est ouverte tous ses jours.
            ouvert[sid, jour] = modele.new_bool_var("") if jmax < len(possibles) else 1
        if jmax < len(possibles):
            modele.add(sum(ouvert[sid, j] for j in possibles) <= jmax)
    capacite = {pid: modele.new_int_var(0, session.projets[pid].places, "") for pid in pids}
    part: dict[tuple[str, str, date], cp_model.LinearExprT] = {}
    for sid, structure in structures.items():
        for jour in structure.jours_possibles(jours):
            if len(projets_de[sid]) == 1:
                part[projets_de[sid][0], sid, jour] = structure.accueil_max * ouvert[sid, jour]
                continue
            parts = []
            for pid in projets_de[sid]:
                part[pid, sid, jour] = var = modele.new_int_var(0, structure.accueil_max, "")
                parts.append(var)
            modele.add(sum(parts) <= structure.accueil_max * ouvert[sid, jour])
    for pid in pids:
        for jour in jours:
            termes = [
                part[pid, s.id, jour]
                for s in structures_du_projet(session, session.projets[pid])
                if (pid, s.id, jour) in part
            ]
            modele.add(sum(termes) >= capacite[pid])
    total = sum(capacite.values())
    if len(pids) == 1:
        return capacite, (_ECHELLE_EQUITE + 1) * total
    equite = modele.new_int_var(0, _ECHELLE_EQUITE, "")
    for pid in pids:
        places = max(1, session.projets[pid].places)
        modele.add(equite * places <= capacite[pid] * _ECHELLE_EQUITE)
    return capacite, (_ECHELLE_EQUITE + 1) * total + equite


def _capacite_gloutonne(session: Session, pid: str) -> int | None:
    """Projet seul : glouton + borne supérieure ; rend N seulement s'il est prouvé optimal.

    Les structures à jours_max contraignant, des plus grandes aux plus petites, prennent
    leurs jours les moins couverts. Borne : min(capacité du jour le plus faible toutes
    structures ouvertes, ⌊journées-élèves offertes / nombre de jours⌋).
    """
    jours = session.jours
    projet = session.projets[pid]
    structures = structures_du_projet(session, projet)
    if not jours:
        return projet.places
    couverture = dict.fromkeys(jours, 0)
    contraintes = []
    for structure in structures:
        possibles = structure.jours_possibles(jours)
        if _jours_max_effectif(structure, jours) < len(possibles):
            contraintes.append(structure)
        else:
            for jour in possibles:
                couverture[jour] += structure.accueil_max
    for structure in sorted(contraintes, key=lambda s: -s.accueil_max):
        tries = sorted(structure.jours_possibles(jours), key=lambda j: (couverture[j], j))
        for jour in tries[: _jours_max_effectif(structure, jours)]:
            couverture[jour] += structure.accueil_max
    glouton = min(couverture.values())
    pleine = min(_capacite_jour(structures, jours).values())
    journees = sum(s.accueil_max * _jours_max_effectif(s, jours) for s in structures)
    borne = min(pleine, journees // len(jours))
    if glouton >= min(borne, projet.places):
        return min(glouton, projet.places)
    return None


def _capacites_cpsat(
    session: Session, pids: list[str], limite_s: float
) -> tuple[dict[str, int], bool]:
    """Calcul conjoint d'une composante ; rend aussi « optimum prouvé »."""
    if len(pids) == 1:
        gloutonne = _capacite_gloutonne(session, pids[0])
        if gloutonne is not None:
            return {pids[0]: gloutonne}, True
    modele = cp_model.CpModel()
    capacite, objectif = _ajouter_composante(modele, session, pids)
    modele.maximize(objectif)
    solveur = cp_model.CpSolver()
    solveur.parameters.num_workers = 1  # un fil : résultat reproductible (voir `solveur.py`)
    # Temps déterministe seulement ; le garde-fou d'horloge arrête le calcul avec une
    # erreur (CalculInterrompu) au lieu de rendre une autre capacité.
    statut = GardeFou().resoudre(solveur, modele, limite_s)
    if statut not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return dict.fromkeys(pids, 0), False
    valeurs = {pid: int(solveur.value(var)) for pid, var in capacite.items()}
    return valeurs, statut == cp_model.OPTIMAL


def taille_groupe_conseillee(
    structures: list[StructureAccueil], jours: tuple[date, ...], n: int
) -> int:
    """Plus grande taille g telle que ⌈n/g⌉ groupes de g élèves tiennent chaque jour.

    Borne simple qui ignore jours_max (contrôlé par la rotation) ; 0 si n vaut 0.
    """
    if n <= 0:
        return 0
    if not jours:
        return n
    for g in range(n, 0, -1):
        besoin = -(-n // g)
        par_jour = dict.fromkeys(jours, 0)
        for structure in structures:
            for jour in structure.jours_possibles(jours):
                par_jour[jour] += structure.accueil_max // g
        if min(par_jour.values()) >= besoin:
            return g
    return 1


def _explication(
    session: Session, projet: Projet, capacite: int, partagees: tuple[str, ...]
) -> tuple[date | None, str]:
    if capacite >= projet.places:
        return None, ""
    jours = session.jours
    structures = structures_du_projet(session, projet)
    par_jour = _capacite_jour(structures, jours)
    jour = min(jours, key=lambda j: (par_jour[j], j))
    if par_jour[jour] < projet.places:
        ouvertes = [s.id for s in structures if jour in s.jours_possibles(jours)]
        liste = ", ".join(ouvertes) if ouvertes else "aucune structure ouverte"
        return jour, (
            f"le {jour_fr(jour)}, {par_jour[jour]} places d'accueil pour "
            f"{projet.places} élèves ({liste}) : capacité effective {capacite}"
        )
    journees = sum(s.accueil_max * _jours_max_effectif(s, jours) for s in structures)
    besoin = projet.places * len(jours)
    if journees < besoin:
        return None, (
            f"jours_max trop petits : les structures offrent {journees} journées-élèves "
            f"pour {len(jours)} jours × {projet.places} élèves = {besoin} ; "
            f"capacité effective {capacite}"
        )
    if partagees:
        return None, (
            f"structures partagées avec d'autres projets ({', '.join(partagees)}) : "
            f"leur accueil, réparti entre les projets, laisse {capacite} places "
            f"pour {projet.places}"
        )
    return None, (
        f"jours_max : aucune combinaison de jours d'ouverture ne couvre {projet.places} "
        f"élèves chaque jour ; capacité effective {capacite}"
    )


def capacite_effective(
    session: Session, projet_ids: list[str] | None = None, limite_s: float = 0.1
) -> dict[str, CapaciteEffective]:
    """Capacité effective de chaque projet (voir l'en-tête du module), plafonnée à `places`.

    `limite_s` borne le temps du solveur par composante qui en a besoin (structures
    partagées, ou jours_max que le glouton ne sait pas résoudre à l'optimum prouvé).
    Sans optimum prouvé dans ce temps, la meilleure solution trouvée est gardée : elle
    est atteignable, donc prudente (`prouvee=False`).
    """
    ids = list(session.projets) if projet_ids is None else list(projet_ids)
    comps = composantes(session, ids)
    compteur: dict[str, int] = defaultdict(int)
    for pid in ids:
        for structure in structures_du_projet(session, session.projets[pid]):
            compteur[structure.id] += 1
    valeurs: dict[str, int] = {}
    prouvee: dict[str, bool] = {}
    for comp in comps:
        directes = _capacites_directes(session, comp)
        optimum = True
        if directes is None:
            directes, optimum = _capacites_cpsat(session, comp, limite_s)
        valeurs.update(directes)
        prouvee.update(dict.fromkeys(comp, optimum))
    resultat: dict[str, CapaciteEffective] = {}
    for pid in ids:
        projet = session.projets[pid]
        structures = structures_du_projet(session, projet)
        partagees = tuple(s.id for s in structures if compteur[s.id] > 1)
        jour, texte = _explication(session, projet, valeurs[pid], partagees)
        resultat[pid] = CapaciteEffective(
            projet_id=pid,
            capacite=valeurs[pid],
            places=projet.places,
            jour_limitant=jour,
            explication=texte,
            taille_groupe=taille_groupe_conseillee(structures, session.jours, valeurs[pid]),
            structures_partagees=partagees,
            prouvee=prouvee[pid],
        )
    return resultat
