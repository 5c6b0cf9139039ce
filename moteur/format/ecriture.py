"""Écrire un dossier de session ou un plan, en UTF-8, séparateur `,`.

Chaque écriture passe par un dossier temporaire voisin, puis les fichiers remplacent les
anciens d'un coup (`os.replace`) : aucun fichier n'est jamais à moitié écrit. Les
coordonnées s'écrivent en décimal simple (jamais `3.6e-05`) et se relisent à l'identique.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import fields
from datetime import date, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from moteur.erreurs import ErreurUtilisateur
from moteur.format.lecture import FICHIER_PARAMETRES
from moteur.format.schema import FICHIER_IDENTITES, schema
from moteur.format.transport import copier_flux, transport_json
from moteur.modele import (
    Eleve,
    Etablissement,
    IdentiteEleve,
    LignePlanning,
    Plan,
    Point,
    Projet,
    Session,
    StructureAccueil,
)
from moteur.transport.parametres import de_la_session


def texte_nombre(valeur: float) -> str:
    """Décimal simple qui se relit à l'identique : 3.6e-05 s'écrit 0.000036."""
    texte = repr(float(valeur))
    if "e" in texte or "E" in texte:
        texte = format(Decimal(texte), "f")
    return texte


def texte_valeur(valeur: Any) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, str):
        return str(valeur)
    if isinstance(valeur, bool):
        return "1" if valeur else "0"
    if isinstance(valeur, float):
        return texte_nombre(valeur)
    if isinstance(valeur, int):
        return str(valeur)
    if isinstance(valeur, date):
        return valeur.isoformat()
    if isinstance(valeur, time):
        return valeur.strftime("%H:%M")
    if isinstance(valeur, tuple | list):
        return "|".join(texte_valeur(v) for v in valeur)
    raise TypeError(f"valeur inattendue : {type(valeur).__name__}")


def cle_naturelle(texte: str) -> tuple[Any, ...]:
    """P2 avant P10 : les suites de chiffres se comparent comme des nombres."""
    return tuple(
        (0, int(morceau), "") if morceau.isdigit() else (1, 0, morceau)
        for morceau in re.split(r"(\d+)", texte)
        if morceau
    )


@contextmanager
def ecriture_atomique(dossier: Path) -> Iterator[Path]:
    """Un dossier temporaire dans `dossier` ; ses fichiers remplacent ceux de `dossier`."""
    try:
        dossier.mkdir(parents=True, exist_ok=True)
        temporaire = Path(tempfile.mkdtemp(prefix=".ecriture-", dir=dossier))
    except OSError as exc:
        raise ErreurUtilisateur(f"impossible d'écrire dans {dossier} ({exc.strerror})") from None
    try:
        yield temporaire
        for fichier in sorted(temporaire.iterdir()):
            os.replace(fichier, dossier / fichier.name)
    except OSError as exc:
        raise ErreurUtilisateur(f"impossible d'écrire dans {dossier} ({exc.strerror})") from None
    finally:
        shutil.rmtree(temporaire, ignore_errors=True)


def ecrire_csv(chemin: Path, colonnes: Iterable[str], lignes: Iterable[Iterable[Any]]) -> None:
    with chemin.open("w", encoding="utf-8", newline="") as fichier:
        ecrivain = csv.writer(fichier, lineterminator="\n")
        ecrivain.writerow(colonnes)
        ecrivain.writerows([texte_valeur(v) for v in ligne] for ligne in lignes)


def _coordonnees(point: Point) -> dict[str, float]:
    return {"latitude": point.latitude, "longitude": point.longitude}


def _ligne_etablissement(e: Etablissement) -> dict[str, Any]:
    return {
        "uai": e.uai,
        "nom": e.nom,
        "commune_insee": e.commune_insee,
        **_coordonnees(e.point),
        "adresse": e.adresse,
        "chef_etablissement": e.chef_etablissement,
        "email": e.email,
    }


def _ligne_structure(s: StructureAccueil) -> dict[str, Any]:
    return {
        "id": s.id,
        "nom": s.nom,
        "siret": s.siret,
        "domaines": s.domaines,
        "commune_insee": s.commune_insee,
        "adresse": s.adresse,
        **_coordonnees(s.point),
        "accueil_max": s.accueil_max,
        "jours": s.jours,
        "jours_max": s.jours_max,
        "age_min": s.age_min,
        "heure_debut": s.heure_debut,
        "heure_fin": s.heure_fin,
        "tuteur": s.tuteur,
        "tuteur_email": s.tuteur_email,
        "telephone": s.telephone,
        "representant": s.representant,
    }


def _ligne_projet(p: Projet) -> dict[str, Any]:
    return {
        "id": p.id,
        "nom": p.nom,
        "type": p.type.value,
        "porteur": p.porteur,
        "commune_insee": p.commune_insee,
        **_coordonnees(p.point),
        "places": p.places,
        "structures": p.structures,
        "referent": p.referent,
        "referent_telephone": p.referent_telephone,
        "porteur_representant": p.porteur_representant,
        "porteur_adresse": p.porteur_adresse,
        "outil_pedagogique": p.outil_pedagogique,
    }


def _ligne_eleve(e: Eleve) -> tuple[Any, ...]:
    # même ordre que le schéma eleves.json (vérifié par les tests)
    return (
        e.id,
        e.uai,
        e.date_naissance,
        e.genre,
        e.commune_insee,
        e.point.latitude,
        e.point.longitude,
        e.voeux,
        e.domaines,
        e.boursier,
    )


def _ligne_identite(i: IdentiteEleve) -> dict[str, Any]:
    return {f.name: getattr(i, f.name) for f in fields(i)}


def _ecrire_tableau(dossier: Path, nom: str, lignes: Iterable[dict[str, Any]]) -> None:
    colonnes = schema(nom).colonnes
    ecrire_csv(dossier / f"{nom}.csv", colonnes, ([ligne[c] for c in colonnes] for ligne in lignes))


def ecrire_session(session: Session, dossier: Path | str) -> None:
    """Écrit le dossier de session complet (5 fichiers, plus identites.csv s'il y a lieu).

    Un identites.csv déjà présent est supprimé quand la session n'en a pas : relire le
    dossier redonne exactement la session écrite.
    """
    dossier = Path(dossier)
    with ecriture_atomique(dossier) as tmp:
        p = session.parametres
        parametres = {
            "nom": p.nom,
            "date_debut": p.date_debut.isoformat(),
            "date_fin": p.date_fin.isoformat(),
            "jours_feries": [j.isoformat() for j in p.jours_feries],
            "distance_max_km": p.distance_max_km,
        }
        transport = de_la_session(session)
        if transport is not None:
            parametres |= transport_json(transport)
            copier_flux(transport, tmp)
        (tmp / FICHIER_PARAMETRES).write_text(
            json.dumps(parametres, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        _ecrire_tableau(
            tmp, "etablissements", map(_ligne_etablissement, session.etablissements.values())
        )
        _ecrire_tableau(tmp, "structures", map(_ligne_structure, session.structures.values()))
        _ecrire_tableau(tmp, "projets", map(_ligne_projet, session.projets.values()))
        ecrire_csv(
            tmp / "eleves.csv",
            schema("eleves").colonnes,
            map(_ligne_eleve, session.eleves.values()),
        )
        if session.identites:
            _ecrire_tableau(
                tmp, FICHIER_IDENTITES, map(_ligne_identite, session.identites.values())
            )
    if not session.identites:
        (dossier / f"{FICHIER_IDENTITES}.csv").unlink(missing_ok=True)


def _rang(eleve: Eleve | None, projet_id: str | None, rang: int | None) -> int | None:
    if rang is not None or projet_id is None or eleve is None:
        return rang
    return eleve.voeux.index(projet_id) + 1 if projet_id in eleve.voeux else None


def _lignes_affectations(plan: Plan, session: Session) -> Iterator[tuple[Any, ...]]:
    for eleve_id, eleve in session.eleves.items():
        a = plan.affectations.get(eleve_id)
        if a is None or a.projet_id is None:
            yield (eleve_id, "", "", "")
        else:
            yield (eleve_id, a.projet_id, _rang(eleve, a.projet_id, a.rang), a.groupe)


def trier_planning(lignes: Iterable[LignePlanning]) -> list[LignePlanning]:
    return sorted(
        lignes,
        key=lambda x: (cle_naturelle(x.projet_id), cle_naturelle(x.groupe), x.date, x.structure_id),
    )


def ecrire_plan(plan: Plan, session: Session, dossier: Path | str) -> None:
    """affectations.csv (tous les élèves, dans l'ordre d'eleves.csv) et planning.csv."""
    dossier = Path(dossier)
    with ecriture_atomique(dossier) as tmp:
        ecrire_csv(
            tmp / "affectations.csv",
            schema("affectations").colonnes,
            _lignes_affectations(plan, session),
        )
        ecrire_csv(
            tmp / "planning.csv",
            schema("planning").colonnes,
            (
                (x.projet_id, x.groupe, x.date, x.structure_id)
                for x in trier_planning(plan.planning)
            ),
        )
