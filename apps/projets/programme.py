"""Programme d'un projet : la grille de rotation (groupes × jours), sa proposition par le
moteur et son enregistrement en `Groupe`/`Creneau`.

La proposition vient de `moteur.rotation.proposer_programme(session, projet_id, n)` quand il
existe ; sinon d'une rotation gloutonne simple (`rotation_simple`), suffisante pour un
brouillon que le porteur retouche ensuite dans la grille.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from apps.projets.models import Creneau, Groupe, Projet
from apps.projets.vigilance import projet_vigilance, site, tailles_des_groupes
from apps.structures.models import StructureAccueil
from moteur import modele as m
from moteur import rotation
from moteur import vigilance as v
from moteur.rotation.groupes import tailles_equilibrees

MAX_GROUPES = 12
LIMITE_S = 5.0  # temps laissé au solveur pendant une requête web


@dataclass(frozen=True, slots=True)
class Case:
    groupe_pk: int
    jour: date
    structure_id: int | None
    verdict: v.Verdict | None
    nom: str = ""

    @property
    def bloquante(self) -> bool:
        return self.verdict is not None and self.verdict.etat == v.Etat.BLOQUANT


def libelle_groupe(i: int) -> str:
    return f"Groupe {chr(ord('A') + i)}" if i < 26 else f"Groupe {i + 1}"


def rotation_simple(
    sites: Sequence[v.SiteVigilance], tailles: Sequence[int], jours: Sequence[date]
) -> list[tuple[int, date, str]]:
    """Chaque jour, chaque groupe va dans la structure ouverte où il est allé le moins
    souvent et qui a encore la place ; (indice du groupe, jour, id de structure)."""
    visites: dict[tuple[int, str], int] = defaultdict(int)
    lignes = []
    for jour in jours:
        restant = {s.id: s.accueil_max for s in sites if s.ouverte_le(jour)}
        for g, taille in sorted(enumerate(tailles), key=lambda e: -e[1]):
            candidats = [s for s in sites if restant.get(s.id, 0) >= taille]
            if not candidats:
                continue
            choix = min(candidats, key=lambda s: (visites[(g, s.id)], -restant[s.id], s.nom))
            restant[choix.id] -= taille
            visites[(g, choix.id)] += 1
            lignes.append((g, jour, choix.id))
    return lignes


def _session_moteur(projet: Projet, structures: list[StructureAccueil]) -> m.Session:
    session = m.Session(parametres=projet.session.parametres())
    for s in structures:
        session.structures[str(s.pk)] = m.StructureAccueil(
            id=str(s.pk),
            nom=s.nom,
            domaines=tuple(s.liste_domaines),
            commune_insee=s.commune_id,
            point=m.Point(s.latitude, s.longitude),
            accueil_max=s.accueil_max,
            jours=tuple(s.dates_accueil),
            jours_max=s.jours_max,
            age_min=s.age_min,
            heure_debut=s.heure_debut,
            heure_fin=s.heure_fin,
        )
    session.projets[str(projet.pk)] = m.Projet(
        id=str(projet.pk),
        nom=projet.nom,
        type=m.TypeProjet(projet.type),
        porteur=projet.porteur.nom if projet.porteur_id else "",
        commune_insee=projet.commune_id,
        point=m.Point(projet.latitude, projet.longitude),
        places=projet.places,
        structures=tuple(session.structures),
    )
    return session


@dataclass(frozen=True, slots=True)
class Proposition:
    cases: int
    groupes: int
    raisons: tuple[str, ...] = ()


def _par_le_moteur(
    projet: Projet, structures: list[StructureAccueil], n: int
) -> tuple[list[tuple[str, date, str]], tuple[str, ...]] | None:
    """Lignes (groupe, jour, structure) proposées par `moteur.rotation`, et les raisons d'un
    échec ; None si le moteur n'offre pas `proposer_programme`."""
    proposer_programme = getattr(rotation, "proposer_programme", None)
    if proposer_programme is None:
        return None
    resultat = proposer_programme(
        _session_moteur(projet, structures), str(projet.pk), n, limite_s=LIMITE_S
    )
    echec = resultat.echecs.get(str(projet.pk))
    lignes = [(ligne.groupe, ligne.date, ligne.structure_id) for ligne in resultat.planning]
    return lignes, tuple(echec.raisons) if echec else ()


def _par_rotation_simple(
    structures: list[StructureAccueil], n: int, jours: tuple[date, ...]
) -> list[tuple[str, date, str]]:
    plus_petite = min((s.accueil_max for s in structures), default=1)
    k = min(MAX_GROUPES, n, math.ceil(n / max(1, plus_petite)))
    tailles = tailles_equilibrees(n, k)
    brutes = rotation_simple([site(s) for s in structures], tailles, jours)
    return [(libelle_groupe(g), jour, sid) for g, jour, sid in brutes]


def proposer(projet: Projet, n: int) -> Proposition:
    """Remplace le programme du projet par une proposition pour `n` élèves."""
    n = max(1, min(n, projet.places))
    structures = list(projet.structures.order_by("nom"))
    if not structures:
        return Proposition(0, 0, ("Aucune structure d'accueil.",))
    moteur = _par_le_moteur(projet, structures, n)
    if moteur is None:
        lignes, raisons = _par_rotation_simple(structures, n, projet.session.jours_ouvres), ()
    else:
        lignes, raisons = moteur
    if not lignes:
        return Proposition(0, 0, raisons or ("Aucune rotation possible.",))
    libelles = sorted({g for g, _, _ in lignes})
    with transaction.atomic():
        Groupe.objects.filter(projet=projet).delete()
        groupes = {lib: Groupe.objects.create(projet=projet, libelle=lib) for lib in libelles}
        Creneau.objects.bulk_create(
            Creneau(groupe=groupes[g], date=jour, structure_id=int(sid)) for g, jour, sid in lignes
        )
    return Proposition(len(lignes), len(groupes), raisons)


def grille(projet: Projet) -> tuple[list[tuple[Groupe, list[Case]]], list[date]]:
    """Lignes (groupe, cases jour par jour, chacune vérifiée) et jours de la grille."""
    donnees = projet_vigilance(projet)
    sites = {s.id: s for s in donnees.sites}
    occupation = v.occupation(donnees)
    groupes = list(Groupe.objects.filter(projet=projet).order_by("libelle"))
    creneaux = {
        (c.groupe_id, c.date): c.structure_id
        for c in Creneau.objects.filter(groupe__projet=projet).order_by("groupe", "date")
    }
    age = donnees.age_plus_jeune
    lignes = []
    for groupe in groupes:
        cases = []
        for jour in donnees.jours_ouvres:
            sid = creneaux.get((groupe.pk, jour))
            verdict = None
            if sid is not None and str(sid) in sites:
                presents = occupation[(jour, str(sid))]
                verdict = v.verifier_case(sites[str(sid)], jour, presents, age)
            nom = sites[str(sid)].nom if str(sid) in sites else ""
            cases.append(Case(groupe.pk, jour, sid, verdict, nom))
        lignes.append((groupe, cases))
    return lignes, list(donnees.jours_ouvres)


def modifier_case(groupe: Groupe, jour: date, structure: StructureAccueil | None) -> None:
    """Une case de la grille : la structure du groupe ce jour-là (None : aucune)."""
    if structure is None:
        Creneau.objects.filter(groupe=groupe, date=jour).delete()
        return
    Creneau.objects.update_or_create(groupe=groupe, date=jour, defaults={"structure": structure})


__all__ = ["grille", "modifier_case", "proposer", "rotation_simple", "tailles_des_groupes"]
