"""L'architecture voulue, vérifiée : un moteur sans Django, des apps sans cycle."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]


def _imports(fichier: Path) -> set[str]:
    arbre = ast.parse(fichier.read_text(encoding="utf-8"))
    noms: set[str] = set()
    for noeud in ast.walk(arbre):
        if isinstance(noeud, ast.Import):
            noms.update(alias.name for alias in noeud.names)
        elif isinstance(noeud, ast.ImportFrom) and noeud.module and noeud.level == 0:
            noms.add(noeud.module)
    return noms


def _sources(dossier: str):
    for fichier in sorted((RACINE / dossier).rglob("*.py")):
        if "migrations" not in fichier.parts:
            yield fichier


def test_le_moteur_n_importe_ni_django_ni_la_plateforme():
    fautifs = [
        f"{fichier.relative_to(RACINE)} importe {nom}"
        for fichier in _sources("moteur")
        for nom in _imports(fichier)
        if nom.split(".")[0] in {"django", "apps", "conf"}
    ]
    assert fautifs == []


def test_les_apps_ne_forment_aucun_cycle():
    dependances: dict[str, set[str]] = defaultdict(set)
    for fichier in _sources("apps"):
        app = fichier.relative_to(RACINE / "apps").parts[0]
        for nom in _imports(fichier):
            parties = nom.split(".")
            if parties[0] == "apps" and len(parties) > 1 and parties[1] != app:
                dependances[app].add(parties[1])
    assert dependances["territoires"] <= {"comptes"}
    cycles = []

    def parcourir(app: str, chemin: list[str]) -> None:
        for suivante in sorted(dependances[app]):
            if suivante in chemin:
                cycles.append(" → ".join([*chemin[chemin.index(suivante) :], suivante]))
            else:
                parcourir(suivante, [*chemin, suivante])

    for app in sorted(list(dependances)):
        parcourir(app, [app])
    assert cycles == []
