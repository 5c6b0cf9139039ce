"""Relire un plan (`affectations.csv`, `planning.csv`) écrit pour une session donnée.

Seul le format est contrôlé ici (colonnes, types, références, doublons) : le respect des
six règles est l'affaire de `moteur.regles`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from moteur.format.dossier import DossierSession
from moteur.format.validation import Collecteur, citer
from moteur.modele import Affectation, LignePlanning, Plan, Session


def lire_plan(dossier: Path | str, session: Session) -> Plan:
    """Lit le plan du dossier ; lève ErreurUtilisateur (fichier, ligne, colonne) sinon."""
    collecteur = Collecteur()
    plan = Plan()
    with DossierSession(Path(dossier), collecteur, []) as source:
        _affectations(source, session, collecteur, plan)
        _planning(source, session, collecteur, plan)
    collecteur.lever_si_besoin()
    return plan


def _inconnu(
    collecteur: Collecteur,
    valeur: str,
    quoi: str,
    cible: str,
    fichier: str,
    ligne: int,
    colonne: str,
) -> None:
    collecteur.ajouter(
        f"{citer(valeur)} ne correspond à aucun {quoi} de {cible}", fichier, ligne, colonne
    )


def _affectations(
    source: DossierSession, session: Session, collecteur: Collecteur, plan: Plan
) -> None:
    lignes = source.lignes("affectations")
    if lignes is None:
        return
    fichier, iterateur = lignes
    for numero, v, ok in iterateur:
        eleve_id, projet_id = v["eleve_id"], v["projet_id"]
        if isinstance(eleve_id, str) and eleve_id not in session.eleves:
            _inconnu(collecteur, eleve_id, "élève", "eleves.csv", fichier, numero, "eleve_id")
            ok = False
        if projet_id is not None and projet_id not in session.projets:
            _inconnu(collecteur, projet_id, "projet", "projets.csv", fichier, numero, "projet_id")
            ok = False
        if ok:
            plan.affectations[eleve_id] = Affectation(
                eleve_id, projet_id, v["rang"], v["groupe"] or ""
            )


def _planning(source: DossierSession, session: Session, collecteur: Collecteur, plan: Plan) -> None:
    lignes = source.lignes("planning")
    if lignes is None:
        return
    fichier, iterateur = lignes
    vues: dict[tuple[str, str, date], int] = {}
    for numero, v, ok in iterateur:
        projet_id, structure_id = v["projet_id"], v["structure_id"]
        if isinstance(projet_id, str) and projet_id not in session.projets:
            _inconnu(collecteur, projet_id, "projet", "projets.csv", fichier, numero, "projet_id")
            ok = False
        if isinstance(structure_id, str) and structure_id not in session.structures:
            _inconnu(
                collecteur,
                structure_id,
                "structure",
                "structures.csv",
                fichier,
                numero,
                "structure_id",
            )
            ok = False
        if not ok:
            continue
        cle = (projet_id, v["groupe"], v["date"])
        precedente = vues.setdefault(cle, numero)
        if precedente != numero:
            collecteur.ajouter(
                f"le groupe {citer(v['groupe'])} du projet {projet_id} a déjà une ligne le "
                f"{v['date']} (ligne {precedente}) : une seule structure par jour",
                fichier,
                numero,
                "date",
            )
            continue
        plan.planning.append(LignePlanning(projet_id, v["groupe"], v["date"], structure_id))
