"""Dépôt par un établissement de ses élèves et de leurs vœux : `eleves.csv` du dossier de
session (CSV ou XLSX), avec `identites.csv` en option.

Le fichier est lu et validé par `moteur.format` (mêmes règles et mêmes messages que le
dossier de session), puis confronté à la base : l'établissement doit être l'un de ceux du
compte, chaque vœu un projet validé de la session, cité par son code lisible (« 61-025 »,
espaces et casse ignorés) ou, pour la compatibilité, par son ancien identifiant, chaque
commune connue. Au moindre problème, rien n'est écrit ; sinon tout est écrit en une
transaction. Un élève déjà déposé (même `id`) est mis à jour et ses vœux remplacés.

Le domicile est enregistré au centre de sa commune ; latitude et longitude ne sont gardées
qu'avec la colonne facultative `motif_position_precise` (`apps.etablissements.positions`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max

from apps.campagnes.models import Session
from apps.etablissements.models import CHAMPS_IDENTITE, Eleve, Etablissement, IdentiteEleve
from apps.etablissements.positions import MOTIF_MAX, position_domicile
from apps.planification.models import Voeu
from apps.projets.models import STATUTS_VALIDES, Projet, normaliser_code
from apps.territoires.models import Commune
from moteur.erreurs import ErreurUtilisateur, Probleme
from moteur.format.schema import COLONNE_MOTIF_POSITION, schema, schema_eleves_plateforme
from moteur.format.sources import Classeur, FichierIllisible, Table, ouvrir_csv
from moteur.format.validation import Collecteur, lignes_validees, verifier_entete

STATUTS_DEPOT = (Session.Statut.PREPARATION, Session.Statut.VOEUX)
TAILLE_MAX = 20 * 1024 * 1024
"""Octets d'un fichier déposé : un classeur de 25 000 élèves avec identités pèse 4 Mo, le CSV
correspondant environ 5 Mo. Vérifiée par le formulaire avant toute lecture."""
LIGNES_MAX = 50_000
"""Lignes d'un tableau déposé (en-tête comprise) : un dépôt vaut au plus les élèves de seconde
d'une académie (25 000 en Normandie), avec une marge du double."""


@dataclass(slots=True)
class ResultatDepot:
    crees: int
    modifies: int
    voeux: int
    identites: int

    def resume(self) -> str:
        return (
            f"{self.crees} élève(s) ajouté(s), {self.modifies} mis à jour, "
            f"{self.voeux} vœu(x), {self.identites} identité(s) enregistrés."
        )


def trop_volumineux(fichier: UploadedFile) -> str | None:
    """Le message de refus d'un fichier de plus de TAILLE_MAX octets (taille connue de Django
    dès la réception, avant toute lecture du contenu), ou None."""
    if fichier.size is None or fichier.size <= TAILLE_MAX:
        return None
    taille = f"{fichier.size / (1024 * 1024):.1f}".replace(".", ",")
    return (
        f"le fichier pèse {taille} Mo, plus que la limite de {TAILLE_MAX // (1024 * 1024)} Mo : "
        "déposez les élèves en plusieurs fichiers"
    )


@contextmanager
def _table(fichier: UploadedFile, nom: str) -> Iterator[Table]:
    """Le tableau `nom` du fichier déposé (CSV, ou feuille `nom` / unique feuille d'un XLSX)."""
    if (message := trop_volumineux(fichier)) is not None:
        raise ErreurUtilisateur(Probleme(message, fichier.name))
    suffixe = Path(fichier.name or "").suffix.lower()
    if suffixe not in (".csv", ".xlsx"):
        raise ErreurUtilisateur(Probleme("déposez un fichier .csv ou .xlsx", fichier.name))
    with tempfile.TemporaryDirectory() as dossier:
        chemin = Path(dossier) / f"{nom}{suffixe}"
        with chemin.open("wb") as sortie:
            for morceau in fichier.chunks():
                sortie.write(morceau)
        try:
            if suffixe == ".csv":
                yield ouvrir_csv(chemin, fichier.name or f"{nom}.csv", LIGNES_MAX)
                return
            classeur = Classeur(chemin, fichier.name or None)
            try:
                table = classeur.table(nom, LIGNES_MAX)
                if table is None and len(classeur.feuilles) == 1:
                    table = classeur.table(next(iter(classeur.feuilles)), LIGNES_MAX)
                if table is None:
                    raise ErreurUtilisateur(
                        Probleme(f"le classeur n'a pas de feuille « {nom} »", fichier.name)
                    )
                yield table
            finally:
                classeur.fermer()
        except FichierIllisible as exc:
            raise ErreurUtilisateur(exc.probleme) from None


class _Depot:
    def __init__(self, session: Session, etablissements: dict[str, Etablissement]) -> None:
        self.session = session
        self.etablissements = etablissements
        self.collecteur = Collecteur()
        projets = Projet.objects.de_la_session(session).values_list(
            "pk", "code", "identifiant", "statut"
        )
        self.par_code: dict[str, int] = {}
        self.par_identifiant: dict[str, int] = {}
        self.valides: set[int] = set()
        for pk, code, identifiant, statut in projets:
            if code:
                self.par_code[code] = pk
            self.par_identifiant[identifiant] = pk
            if statut in STATUTS_VALIDES:
                self.valides.add(pk)
        self.existants = {
            e.identifiant: e
            for e in Eleve.objects.de_la_session(session).only(
                "id", "identifiant", "etablissement_id", "ordre"
            )
        }

    def erreur(self, message: str, fichier: str, ligne: int, colonne: str) -> None:
        self.collecteur.ajouter(message, fichier, ligne, colonne)

    def lire_eleves(self, table: Table) -> list[dict[str, Any]]:
        sch = schema_eleves_plateforme()
        if not verifier_entete(table, sch, self.collecteur):
            return []
        lignes = []
        for numero, v, ok in lignes_validees(table, sch, self.collecteur):
            if ok and self._eleve_coherent(table.fichier, numero, v):
                lignes.append(v)
        communes = {v["commune_insee"] for v in lignes if v["commune_insee"]}
        self.communes = {c.code: c for c in Commune.objects.filter(code__in=communes)}
        for v in lignes:
            if v["commune_insee"] and v["commune_insee"] not in self.communes:
                self.erreur(
                    f"la commune {v['commune_insee']} est inconnue du référentiel",
                    table.fichier,
                    v["_ligne"],
                    "commune_insee",
                )
        return lignes

    def _eleve_coherent(self, fichier: str, numero: int, v: dict[str, Any]) -> bool:
        ok = True
        v["_ligne"] = numero
        if v["uai"] not in self.etablissements:
            self.erreur(
                f"l'établissement {v['uai']} n'est pas l'un des vôtres", fichier, numero, "uai"
            )
            ok = False
        deja = self.existants.get(v["id"])
        etab = self.etablissements.get(v["uai"])
        if deja is not None and etab is not None and deja.etablissement_id != etab.pk:
            self.erreur(
                f"l'élève {v['id']} est déjà inscrit par un autre établissement",
                fichier,
                numero,
                "id",
            )
            ok = False
        voeux = self._voeux(v["voeux"], fichier, numero)
        ok = ok and voeux is not None
        v["voeux"] = voeux or []
        if (v["latitude"] is None) != (v["longitude"] is None):
            colonne = "longitude" if v["longitude"] is None else "latitude"
            self.erreur(
                "donnez la latitude et la longitude, ou aucune des deux", fichier, numero, colonne
            )
            ok = False
        if len(v[COLONNE_MOTIF_POSITION] or "") > MOTIF_MAX:
            self.erreur(
                f"motif trop long ({MOTIF_MAX} caractères au plus)",
                fichier,
                numero,
                COLONNE_MOTIF_POSITION,
            )
            ok = False
        return ok

    def projet(self, cite: str) -> int | None:
        """Le projet cité : par son code (espaces et casse ignorés), sinon par son ancien
        identifiant ; None s'il n'existe pas dans la session."""
        pk = self.par_code.get(normaliser_code(cite))
        return pk if pk is not None else self.par_identifiant.get(cite)

    def _voeux(self, cellule: str, fichier: str, numero: int) -> list[int] | None:
        """Les projets (pk) des vœux, dans l'ordre ; None après avoir noté chaque problème."""
        pks: list[int] = []
        ok = True
        for cite in (p.strip() for p in cellule.split("|")):
            if not cite:
                continue
            pk = self.projet(cite)
            if pk is None:
                message = f"code de projet « {cite} » inconnu dans la session"
            elif pk not in self.valides:
                message = f"le projet « {cite} » n'est pas encore validé : il ne reçoit pas de vœux"
            elif pk in pks:
                message = f"le projet « {cite} » apparaît deux fois dans les vœux"
            else:
                pks.append(pk)
                continue
            self.erreur(message, fichier, numero, "voeux")
            ok = False
        return pks if ok else None

    def lire_identites(self, table: Table, ids: set[str]) -> list[dict[str, Any]]:
        sch = schema("identites")
        if not verifier_entete(table, sch, self.collecteur):
            return []
        mes_ids = ids | {
            i
            for i, e in self.existants.items()
            if e.etablissement_id in {x.pk for x in self.etablissements.values()}
        }
        lignes = []
        for numero, v, ok in lignes_validees(table, sch, self.collecteur):
            if ok and v["eleve_id"] not in mes_ids:
                self.erreur(
                    f"l'élève {v['eleve_id']} n'est ni dans le fichier des élèves ni "
                    "parmi vos élèves",
                    table.fichier,
                    numero,
                    "eleve_id",
                )
                continue
            if ok:
                lignes.append(v)
        return lignes

    def eleve(self, v: dict[str, Any], ordre: int) -> Eleve:
        etab = self.etablissements[v["uai"]]
        commune = self.communes.get(v["commune_insee"]) if v["commune_insee"] else None
        domicile = commune or etab.commune
        position = position_domicile(
            (domicile.latitude, domicile.longitude),
            v["latitude"],
            v["longitude"],
            v[COLONNE_MOTIF_POSITION],
        )
        deja = self.existants.get(v["id"])
        return Eleve(
            pk=deja.pk if deja else None,
            session=self.session,
            identifiant=v["id"],
            etablissement=etab,
            date_naissance=v["date_naissance"],
            genre=v["genre"] or "",
            commune_id=domicile.pk,
            latitude=position.latitude,
            longitude=position.longitude,
            motif_position_precise=position.motif,
            domaines=v["domaines"] or "",
            boursier=v["boursier"] == "1",
            ordre=deja.ordre if deja else ordre,
            est_demo=False,
        )


def deposer(
    session: Session, utilisateur, eleves: UploadedFile, identites: UploadedFile | None = None
) -> ResultatDepot:
    """Valide puis écrit le dépôt ; lève ErreurUtilisateur (rien d'écrit) au moindre problème."""
    if session.statut not in STATUTS_DEPOT:
        raise ErreurUtilisateur("La saisie des vœux est close pour cette session.")
    etablissements = {
        e.uai: e for e in Etablissement.objects.geres_par(utilisateur).select_related("commune")
    }
    depot = _Depot(session, etablissements)
    with _table(eleves, "eleves") as table:
        lignes = depot.lire_eleves(table)
    lignes_identites: list[dict[str, Any]] = []
    if identites is not None:
        with _table(identites, "identites") as table:
            lignes_identites = depot.lire_identites(table, {v["id"] for v in lignes})
    depot.collecteur.lever_si_besoin()
    return _ecrire(depot, lignes, lignes_identites)


@transaction.atomic
def _ecrire(depot: _Depot, lignes: list[dict], identites: list[dict]) -> ResultatDepot:
    session = depot.session
    suivant = (Eleve.objects.de_la_session(session).aggregate(m=Max("ordre"))["m"] or 0) + 1
    eleves = [depot.eleve(v, suivant + i) for i, v in enumerate(lignes)]
    nouveaux = [e for e in eleves if e.pk is None]
    anciens = [e for e in eleves if e.pk is not None]
    Eleve.objects.bulk_create(nouveaux, batch_size=1000)
    Eleve.objects.bulk_update(
        anciens,
        [
            "date_naissance",
            "genre",
            "commune",
            "latitude",
            "longitude",
            "motif_position_precise",
            "domaines",
            "boursier",
        ],
        batch_size=1000,
    )
    pks = dict(
        Eleve.objects.de_la_session(session)
        .filter(
            identifiant__in=[e.identifiant for e in eleves] + [i["eleve_id"] for i in identites]
        )
        .values_list("identifiant", "pk")
    )
    Voeu.objects.filter(eleve_id__in=[pks[e.identifiant] for e in eleves]).delete()
    voeux = [
        Voeu(eleve_id=pks[v["id"]], projet_id=projet, rang=rang)
        for v in lignes
        for rang, projet in enumerate(v["voeux"], start=1)
    ]
    Voeu.objects.bulk_create(voeux, batch_size=1000)
    IdentiteEleve.objects.filter(eleve_id__in=[pks[i["eleve_id"]] for i in identites]).delete()
    IdentiteEleve.objects.bulk_create(
        [
            IdentiteEleve(
                eleve_id=pks[i["eleve_id"]], **{c: i.get(c) or "" for c in CHAMPS_IDENTITE}
            )
            for i in identites
        ],
        batch_size=1000,
    )
    return ResultatDepot(len(nouveaux), len(anciens), len(voeux), len(identites))
