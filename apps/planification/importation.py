"""Importer un dossier de session dans la base, et l'exporter.

`importer_dossier(dossier)` lit le dossier avec `moteur.format.lire_session` (qui refuse
toute entrée invalide avec fichier, ligne et colonne), charge le référentiel des communes
et des lycées s'il est vide, puis écrit tout en une transaction (`enregistrer_session`).
`exporter_dossier(session, dossier)` écrit le dossier de la session (et le plan s'il y en
a un) avec `moteur.format.ecrire_session` / `ecrire_plan`.

Le format d'échange cite les projets par leur code lisible (`Projet.code`, « 61-025 ») :
c'est l'`id` de projets.csv, et les vœux, affectations et planning le citent. À l'import,
un projet existant est retrouvé par son code puis par son identifiant ; un nouveau projet
garde l'`id` pour code s'il en a la forme et qu'il est libre, sinon en reçoit un. Un
aller-retour export → import garde donc les codes.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.db import transaction

from apps.campagnes.models import Session
from apps.etablissements.models import Eleve
from apps.etablissements.positions import position_domicile
from apps.planification import enregistrement_session, lecture_moteur
from apps.projets.models import Projet
from apps.territoires.models import Commune
from moteur import format as fmt
from moteur import modele as m
from moteur.erreurs import ErreurUtilisateur
from moteur.format.schema import COLONNE_MOTIF_POSITION, schema_eleves_plateforme

TABLES_PAR_FICHIER = {
    "etablissements.csv": ("etablissements", "uai"),
    "structures.csv": ("structures", "id"),
    "projets.csv": ("projets", "id"),
    "eleves.csv": ("eleves", "id"),
}


@dataclass(slots=True)
class ResultatImport:
    session: Session
    remplacee: bool
    etablissements: int
    structures: int
    projets: int
    eleves: int
    voeux: int
    identites: int
    avertissements: list[str] = field(default_factory=list)

    def resume(self) -> str:
        action = "remplacée" if self.remplacee else "créée"
        return (
            f"Session « {self.session.nom} » (n° {self.session.pk}) {action} : "
            f"{self.etablissements} établissement(s), {self.structures} structure(s), "
            f"{self.projets} projet(s), {self.eleves} élève(s), {self.voeux} vœu(x), "
            f"{self.identites} identité(s)."
        )


def assurer_referentiel() -> bool:
    """Charge communes et lycées si la base n'en a aucun ; vrai s'il a fallu les charger."""
    if Commune.objects.exists():
        return False
    from apps.etablissements.chargement import charger_lycees
    from apps.territoires.chargement import charger_referentiel

    charger_referentiel()
    charger_lycees()
    return True


def localisateur(dossier: Path) -> enregistrement_session.Localisateur:
    """Retrouve le numéro de ligne d'une clé dans un fichier du dossier (relu à la demande,
    seulement quand il y a une erreur à localiser)."""
    from moteur.format.dossier import DossierSession
    from moteur.format.validation import Collecteur

    cache: dict[str, dict[str, int]] = {}

    def ligne(fichier: str, cle: str) -> int | None:
        if fichier not in cache:
            cache[fichier] = {}
            table, colonne = TABLES_PAR_FICHIER[fichier]
            try:
                with DossierSession(dossier, Collecteur(), []) as source:
                    lignes = source.lignes(table)
                    if lignes is not None:
                        for numero, valeurs, _ok in lignes[1]:
                            cache[fichier].setdefault(str(valeurs.get(colonne)), numero)
            except (ErreurUtilisateur, OSError):
                pass
        return cache[fichier].get(cle)

    return ligne


def lire_motifs(dossier: Path) -> dict[str, str]:
    """Les motifs non vides de la colonne facultative `motif_position_precise` de
    eleves.csv, par élève (le dossier a déjà été validé par lire_session)."""
    from moteur.format.dossier import DossierSession
    from moteur.format.validation import Collecteur, lignes_validees

    collecteur = Collecteur()
    motifs: dict[str, str] = {}
    with DossierSession(dossier, collecteur, []) as source:
        table = source.table("eleves")
        if table is None:
            return motifs
        if COLONNE_MOTIF_POSITION not in table.entete:
            table.paquets.close()  # type: ignore[attr-defined]
            return motifs
        for _numero, v, _ok in lignes_validees(table, schema_eleves_plateforme(), collecteur):
            if v[COLONNE_MOTIF_POSITION] and isinstance(v["id"], str):
                motifs[v["id"]] = v[COLONNE_MOTIF_POSITION]
    return motifs


def domiciles_a_la_commune(donnees: m.Session, motifs: dict[str, str]) -> dict[str, str]:
    """Ramène chaque domicile au centre de sa commune (référentiel en base), sauf motif ;
    renvoie les motifs gardés (élèves dont la position précise est enregistrée)."""
    centres = {
        code: (lat, lon)
        for code, lat, lon in Commune.objects.values_list("code", "latitude", "longitude")
    }
    gardes: dict[str, str] = {}
    for identifiant, eleve in donnees.eleves.items():
        centre = centres.get(eleve.commune_insee)
        if centre is None:
            continue  # commune absente de la base : enregistrer_session la refuse
        point = eleve.point
        position = position_domicile(
            centre, point.latitude, point.longitude, motifs.get(identifiant)
        )
        if position.motif:
            gardes[identifiant] = position.motif
        elif (position.latitude, position.longitude) != (point.latitude, point.longitude):
            nouveau = m.Point(position.latitude, position.longitude)
            donnees.eleves[identifiant] = replace(eleve, point=nouveau)
    return gardes


def importer_dossier(
    dossier: Path | str,
    *,
    nom: str | None = None,
    statut_projets: str = Projet.Statut.PUBLIE,
    est_demo: bool = False,
) -> ResultatImport:
    """Importe le dossier ; `nom` remplace celui de session.json. Tout ou rien."""
    dossier = Path(dossier)
    donnees = fmt.lire_session(dossier)
    if nom is not None:
        if not nom.strip():
            raise ErreurUtilisateur("le nom de session (--session) est vide")
        donnees.parametres.nom = nom.strip()
    if not donnees.parametres.nom.strip():
        raise ErreurUtilisateur(
            "session.json : la session n'a pas de nom : renseignez « nom » ou passez --session"
        )
    assurer_referentiel()
    motifs = domiciles_a_la_commune(donnees, lire_motifs(dossier))
    remplacee = Session.objects.filter(nom=donnees.parametres.nom).exists()
    with transaction.atomic():
        session = enregistrement_session.enregistrer_session(
            donnees,
            est_demo=est_demo,
            statut_projets=statut_projets,
            localiser=localisateur(dossier),
        )
        for identifiant, motif in motifs.items():
            Eleve.objects.filter(session=session, identifiant=identifiant).update(
                motif_position_precise=motif
            )
        if not remplacee and donnees.eleves:
            session.statut = Session.Statut.VOEUX
            session.save(update_fields=["statut"])
    return ResultatImport(
        session=session,
        remplacee=remplacee,
        etablissements=len(donnees.etablissements),
        structures=len(donnees.structures),
        projets=len(donnees.projets),
        eleves=len(donnees.eleves),
        voeux=sum(len(e.voeux) for e in donnees.eleves.values()),
        identites=len(donnees.identites),
        avertissements=list(donnees.avertissements),
    )


@dataclass(slots=True)
class ResultatExport:
    donnees: m.Session
    avec_plan: bool

    def resume(self, dossier: Path) -> str:
        d = self.donnees
        plan = " et le plan (affectations.csv, planning.csv)" if self.avec_plan else ""
        return (
            f"Session « {d.parametres.nom} » exportée dans {dossier}{plan} : "
            f"{len(d.etablissements)} établissement(s), {len(d.structures)} structure(s), "
            f"{len(d.projets)} projet(s), {len(d.eleves)} élève(s), "
            f"{len(d.identites)} identité(s)."
        )


def choisir_session(identifiant: int | None) -> Session:
    """La session demandée, ou la session en cours, ou la seule session de la base."""
    if identifiant is not None:
        session = Session.objects.filter(pk=identifiant).first()
        if session is None:
            raise ErreurUtilisateur(f"aucune session n° {identifiant} dans la base")
        return session
    session = Session.objects.active()
    if session is None:
        sessions = list(Session.objects.order_by("pk")[:2])
        if not sessions:
            raise ErreurUtilisateur(
                "la base ne contient aucune session : importez d'abord un "
                "dossier (stages-collectifs import) ou chargez la démo"
            )
        if len(sessions) > 1:
            raise ErreurUtilisateur("aucune session en cours : précisez laquelle (--session N)")
        session = sessions[0]
    return session


def exporter_dossier(
    session: Session,
    dossier: Path | str,
    *,
    statuts: tuple[str, ...] | None = (Projet.Statut.PUBLIE,),
    avec_identites: bool = False,
) -> ResultatExport:
    """Écrit le dossier de session (et le plan s'il existe) dans `dossier`."""
    dossier = Path(dossier)
    if dossier.exists() and not dossier.is_dir():
        raise ErreurUtilisateur(f"{dossier} existe et n'est pas un dossier")
    donnees = lecture_moteur.session_moteur(
        session, statuts=statuts, avec_identites=avec_identites, par_code=True
    )
    try:
        dossier.mkdir(parents=True, exist_ok=True)
        fmt.ecrire_session(donnees, dossier)
        ecrire_motifs(session, dossier)
        avec_plan = lecture_moteur.a_un_plan(session)
        if avec_plan:
            fmt.ecrire_plan(lecture_moteur.plan_moteur(session, par_code=True), donnees, dossier)
    except OSError as exc:
        raise ErreurUtilisateur(f"écriture impossible dans {dossier} : {exc.strerror}") from None
    return ResultatExport(donnees, avec_plan)


def ecrire_motifs(session: Session, dossier: Path) -> int:
    """Ajoute à eleves.csv la colonne facultative `motif_position_precise` quand des élèves
    de la session ont une position exacte gardée avec un motif : sans elle, un réimport la
    ramènerait au centre de la commune. Renvoie le nombre de motifs écrits."""
    motifs = dict(
        Eleve.objects.filter(session=session)
        .exclude(motif_position_precise="")
        .values_list("identifiant", "motif_position_precise")
    )
    chemin = dossier / "eleves.csv"
    if not motifs or not chemin.exists():
        return 0
    with chemin.open(encoding="utf-8", newline="") as fichier:
        entete, *lignes = list(csv.reader(fichier))
    colonne_id = entete.index("id")
    provisoire = chemin.with_name("eleves.csv.tmp")
    with provisoire.open("w", encoding="utf-8", newline="") as fichier:
        ecrivain = csv.writer(fichier, lineterminator="\n")
        ecrivain.writerow([*entete, COLONNE_MOTIF_POSITION])
        ecrivain.writerows([*ligne, motifs.get(ligne[colonne_id], "")] for ligne in lignes)
    os.replace(provisoire, chemin)
    return sum(1 for ligne in lignes if ligne[colonne_id] in motifs)
