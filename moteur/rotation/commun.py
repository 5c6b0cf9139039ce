"""Ce que partagent la rotation CP-SAT (`cpsat.py`) et la rotation gloutonne (`glouton.py`) :
types de résultat, élèves placés par projet, formation des groupes.

Les deux modules importent celui-ci, jamais l'un l'autre dans ce sens : `cpsat` se sert du
glouton (solution de départ), `glouton` ne dépend pas de `cpsat`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from moteur.modele import Affectation, LignePlanning, Session
from moteur.rotation.explication import Raison, controles_directs
from moteur.rotation.groupes import Groupe, decouper_groupes, nombre_de_groupes

ESSAIS_GROUPES = 4  # groupes supplémentaires essayés quand la granularité bloque

Progression = Callable[[int, int], None]  # (composantes faites, total)


@dataclass(slots=True)
class StatsComposante:
    projets: tuple[str, ...]
    statut: str
    objectif: float | None  # score atteint (à maximiser)
    borne: float | None  # meilleure borne prouvée du score
    temps_s: float  # horloge : jamais écrit dans un fichier du plan (non reproductible)

    @property
    def ecart(self) -> float | None:
        """Écart relatif (borne − objectif) / max(1, |borne|) ; 0 à l'optimum prouvé."""
        if self.objectif is None or self.borne is None:
            return None
        return max(0.0, self.borne - self.objectif) / max(1.0, abs(self.borne))


@dataclass(frozen=True, slots=True)
class EchecProjet:
    projet_id: str
    raisons: tuple[str, ...]
    eleves: tuple[str, ...]  # élèves concernés (tous ceux du projet si rien de plus précis)


@dataclass(slots=True)
class ResultatRotation:
    planning: list[LignePlanning] = field(default_factory=list)
    groupes: dict[str, list[Groupe]] = field(default_factory=dict)
    composantes: list[StatsComposante] = field(default_factory=list)
    echecs: dict[str, EchecProjet] = field(default_factory=dict)
    # Par projet : domaines ROME distincts découverts (somme sur ses groupes) et nombre de
    # groupes de la rotation GLOUTONNE de départ, sur les mêmes groupes ; seulement là où le
    # glouton réussit. Sert à comparer la découverte au glouton dans le rapport.
    decouverte_glouton: dict[str, tuple[int, int]] = field(default_factory=dict)

    def ecart_par_projet(self) -> dict[str, float | None]:
        return {p: c.ecart for c in self.composantes for p in c.projets}


def eleves_par_projet(
    session: Session, affectations: dict[str, Affectation]
) -> dict[str, list[str]]:
    """Élèves placés par projet, dans l'ordre du fichier des élèves."""
    par_projet: dict[str, list[str]] = {}
    for eid in session.eleves:
        a = affectations.get(eid)
        if a is not None and a.projet_id:
            par_projet.setdefault(a.projet_id, []).append(eid)
    return par_projet


def former_groupes(
    session: Session, projet_id: str, eleves: list[str], nombre: int | None = None
) -> tuple[list[Groupe], list[Raison]]:
    """Groupes du projet ; ajoute des groupes tant que seule la granularité bloque."""
    k = nombre or nombre_de_groupes(session, projet_id, len(eleves))
    groupes = decouper_groupes(session, projet_id, eleves, k)
    raisons = controles_directs(session, projet_id, groupes)
    essais = 0
    while raisons and all(r.granularite for r in raisons) and k < len(eleves):
        essais += 1
        if essais > ESSAIS_GROUPES:
            break
        k += 1
        groupes = decouper_groupes(session, projet_id, eleves, k)
        raisons = controles_directs(session, projet_id, groupes)
    return groupes, raisons


def ajouter_echec(
    resultat: ResultatRotation, pid: str, raisons: list[Raison], eleves: list[str]
) -> None:
    """Projet sans programme : ses raisons et les élèves concernés (tous, à défaut)."""
    concernes = tuple(dict.fromkeys(e for r in raisons for e in r.eleves)) or tuple(eleves)
    resultat.echecs[pid] = EchecProjet(pid, tuple(r.message for r in raisons), concernes)
