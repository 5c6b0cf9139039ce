"""Découpe des élèves placés d'un projet en groupes.

Un groupe passe chaque journée entière dans une seule structure : sa taille doit tenir
dans l'accueil des structures. On vise le plus petit nombre de groupes tel que des
groupes équilibrés (tailles égales à un élève près) tiennent chaque jour
(`capacite.taille_groupe_conseillee`), puis :

1. les élèves « restreints » (trop jeunes pour au moins une structure du projet un jour
   de la session, règle 5) sont regroupés ensemble, les plus restreints d'abord, pour que
   la restriction ne touche que le moins de groupes possible ;
2. les autres complètent les groupes en équilibrant le genre et l'établissement
   (glouton : chaque élève va dans le groupe où son genre puis son établissement sont
   le moins représentés, parmi ceux qui ont encore de la place).

Libellés : « G1 », « G2 »… uniques dans le projet.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from moteur.modele import Eleve, Session, StructureAccueil
from moteur.rotation.capacite import structures_du_projet, taille_groupe_conseillee


@dataclass(slots=True)
class Groupe:
    projet_id: str
    libelle: str
    eleves: list[str] = field(default_factory=list)
    # (structure, jour) interdits à ce groupe par la règle 5 (un membre trop jeune).
    interdits: frozenset[tuple[str, date]] = frozenset()

    @property
    def taille(self) -> int:
        return len(self.eleves)


def interdits_eleve(
    eleve: Eleve, structures: list[StructureAccueil], jours: tuple[date, ...]
) -> frozenset[tuple[str, date]]:
    """Couples (structure, jour) où l'élève n'a pas l'âge minimum de la structure."""
    ages = [eleve.age_le(jour) for jour in jours]  # une fois par jour, pas par structure
    return frozenset(
        (s.id, jour)
        for s in structures
        for jour, age in zip(jours, ages, strict=True)
        if age < s.age_min
    )


def tailles_equilibrees(n: int, k: int) -> list[int]:
    """n élèves en k groupes dont les tailles diffèrent d'au plus un."""
    if k <= 0:
        return []
    return [n // k + (1 if i < n % k else 0) for i in range(k)]


def nombre_de_groupes(session: Session, projet_id: str, n: int) -> int:
    """Plus petit nombre de groupes équilibrés qui tiennent chaque jour (au moins 1)."""
    if n <= 0:
        return 0
    structures = structures_du_projet(session, session.projets[projet_id])
    taille = taille_groupe_conseillee(structures, session.jours, n)
    return max(1, -(-n // max(1, taille)))


def decouper_groupes(
    session: Session,
    projet_id: str,
    eleve_ids: list[str],
    nombre: int | None = None,
) -> list[Groupe]:
    """Groupes du projet pour ces élèves ; `nombre` force le nombre de groupes."""
    n = len(eleve_ids)
    if n == 0:
        return []
    k = min(n, nombre if nombre is not None else nombre_de_groupes(session, projet_id, n))
    structures = structures_du_projet(session, session.projets[projet_id])
    jours = session.jours
    interdits = {eid: interdits_eleve(session.eleves[eid], structures, jours) for eid in eleve_ids}
    tailles = tailles_equilibrees(n, k)
    membres: list[list[str]] = [[] for _ in range(k)]
    restreints = sorted(
        (eid for eid in eleve_ids if interdits[eid]),
        key=lambda eid: (-len(interdits[eid]), sorted(interdits[eid]), eid),
    )
    courant = 0
    for eid in restreints:
        while len(membres[courant]) >= tailles[courant]:
            courant += 1
        membres[courant].append(eid)
    _repartir_equilibre(session, [e for e in eleve_ids if not interdits[e]], membres, tailles)
    return [
        Groupe(
            projet_id=projet_id,
            libelle=f"G{i + 1}",
            eleves=groupe,
            interdits=frozenset().union(*(interdits[e] for e in groupe)),
        )
        for i, groupe in enumerate(membres)
    ]


def _repartir_equilibre(
    session: Session, eleve_ids: list[str], membres: list[list[str]], tailles: list[int]
) -> None:
    genres = [Counter(session.eleves[e].genre for e in g) for g in membres]
    uais = [Counter(session.eleves[e].uai for e in g) for g in membres]
    # Les établissements les plus représentés d'abord : ils sont les plus durs à étaler.
    frequence = Counter(session.eleves[e].uai for e in eleve_ids)
    ordre = sorted(eleve_ids, key=lambda e: (-frequence[session.eleves[e].uai], e))
    for eid in ordre:
        eleve = session.eleves[eid]
        libres = [i for i in range(len(membres)) if len(membres[i]) < tailles[i]]
        meilleur = min(
            libres,
            key=lambda i: (
                genres[i][eleve.genre] / max(1, tailles[i]),
                uais[i][eleve.uai] / max(1, tailles[i]),
                len(membres[i]) - tailles[i],
                i,
            ),
        )
        membres[meilleur].append(eid)
        genres[meilleur][eleve.genre] += 1
        uais[meilleur][eleve.uai] += 1
