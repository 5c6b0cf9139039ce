"""Le rapport des résultats de l'affectation et des programmes, pour la coordination.

Chiffres lus dans les résultats en place (tables `Affectation`, `Groupe`) ou dans le plan
en attente de publication (`Travail.plan`) : taux de placement global, par département de
l'établissement, boursiers, ruraux, filles et garçons ; premier vœu ; raisons des non-placés ;
projets. Les nombres sont écrits à la française (`1 234`, `16,9 %`). Les exports (CSV, XLSX)
ne portent que des identifiants pseudonymes, jamais de nom.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count

from apps.campagnes.models import Session
from apps.planification.models import Affectation, Travail
from apps.projets.models import Projet
from moteur import modele as m
from moteur import referentiel
from moteur.francais import nombre_fr as nombre_fr  # repris par les pages et les gabarits
from moteur.francais import pourcent_fr as pourcent_fr
from moteur.francais import texte_fr

PUBLIES = "publies"
ATTENTE = "attente"
SOURCES = {PUBLIES: "résultats en place", ATTENTE: "nouveaux résultats en attente"}


# --- Nombres à la française : ceux du moteur (`moteur.francais`), repris par les pages ----
# (`rapports.nombre_fr`, `rapports.pourcent_fr`, `rapports.texte_fr`) et par les gabarits.


def pourcent(partie: int, total: int) -> float | None:
    return 100.0 * partie / total if total else None


# --- Les lignes du rapport (une par élève, sans nom) -----------------------------------------


@dataclass(frozen=True, slots=True)
class Ligne:
    identifiant: str
    uai: str
    etablissement: str
    departement: str  # code
    departement_nom: str
    boursier: bool
    rural: bool
    genre: str
    projet: str | None  # identifiant (code) du projet, None : non placé
    rang: int | None
    raison: str


COLONNES_ELEVE = (
    "identifiant",
    "etablissement__uai",
    "etablissement__nom",
    "etablissement__commune__departement_id",
    "etablissement__commune__departement__nom",
    "boursier",
    "commune__population",
    "genre",
)


def _ligne(valeurs: tuple, projet: str | None, rang: int | None, raison: str) -> Ligne:
    ident, uai, nom, dep, dep_nom, boursier, population, genre = valeurs
    return Ligne(
        ident,
        uai,
        nom,
        dep or "",
        dep_nom or "",
        boursier,
        population < referentiel.SEUIL_RURAL,
        genre,
        projet or None,
        rang if projet else None,
        "" if projet else (raison or ""),
    )


def lignes_publiees(session: Session) -> list[Ligne]:
    """Les résultats en place (ce que voient, une fois publiés, écoles et structures)."""
    colonnes = [f"eleve__{c}" for c in COLONNES_ELEVE]
    requete = (
        Affectation.objects.filter(eleve__session=session)
        .order_by("eleve__ordre", "eleve__identifiant")
        .values_list(*colonnes, "projet__identifiant", "rang", "raison")
    )
    return [_ligne(v[:8], v[8], v[9], v[10]) for v in requete]


def lignes_plan(session: Session, plan: m.Plan, raisons: dict[str, str]) -> list[Ligne]:
    """Un plan du moteur (en attente de publication), relu avec les attributs des élèves."""
    eleves = {
        v[0]: v
        for v in session.eleves.order_by("ordre", "identifiant").values_list(*COLONNES_ELEVE)
    }
    lignes = []
    for ident, valeurs in eleves.items():
        a = plan.affectations.get(ident)
        if a is not None:
            lignes.append(_ligne(valeurs, a.projet_id, a.rang, raisons.get(ident, "")))
    return lignes


# --- Les chiffres -----------------------------------------------------------------------------


@dataclass(slots=True)
class Taux:
    """Un sous-ensemble d'élèves et combien d'entre eux sont placés."""

    libelle: str
    effectif: int = 0
    places: int = 0
    code: str = ""

    @property
    def taux(self) -> float | None:
        return pourcent(self.places, self.effectif)

    @property
    def valeur_jauge(self) -> str:
        """La valeur de l'élément `<meter>` (point décimal, jamais localisée)."""
        return f"{self.taux or 0.0:.1f}"


@dataclass(frozen=True, slots=True)
class Part:
    """Une raison de non-placement, son nombre d'élèves et sa part des non-placés."""

    raison: str
    nombre: int
    part: float | None

    @property
    def valeur_jauge(self) -> str:
        return f"{self.part or 0.0:.1f}"


@dataclass(slots=True)
class LigneProjet:
    pk: int
    code: str
    nom: str
    commune: str
    places: int
    eleves: int
    groupes: int

    @property
    def remplissage(self) -> Taux:
        return Taux(self.nom, self.places, min(self.eleves, self.places))


@dataclass
class Rapport:
    """Calculé une fois par page : chaque chiffre est mis en cache (`cached_property`)."""

    source: str
    lignes: list[Ligne]
    projets: list[LigneProjet] = field(default_factory=list)

    @cached_property
    def libelle_source(self) -> str:
        return SOURCES[self.source]

    @cached_property
    def total(self) -> int:
        return len(self.lignes)

    @cached_property
    def places(self) -> int:
        return sum(1 for ligne in self.lignes if ligne.projet)

    @cached_property
    def global_(self) -> Taux:
        return Taux("Ensemble des élèves", self.total, self.places)

    @cached_property
    def premier_voeu(self) -> int:
        return sum(1 for ligne in self.lignes if ligne.rang == 1)

    @cached_property
    def taux_premier_voeu(self) -> float | None:
        """Parmi tous les élèves (même définition que le moteur)."""
        return pourcent(self.premier_voeu, self.total)

    @cached_property
    def taux_premier_voeu_places(self) -> float | None:
        return pourcent(self.premier_voeu, self.places)

    @cached_property
    def rang_moyen(self) -> float | None:
        rangs = [ligne.rang for ligne in self.lignes if ligne.rang]
        return sum(rangs) / len(rangs) if rangs else None

    @cached_property
    def categories(self) -> list[Taux]:
        """Boursiers, ruraux, filles et garçons : les publics que l'on suit."""
        criteres = (
            ("Boursiers", lambda x: x.boursier),
            ("Non boursiers", lambda x: not x.boursier),
            ("Domicile en commune rurale", lambda x: x.rural),
            ("Domicile en commune non rurale", lambda x: not x.rural),
            ("Filles", lambda x: x.genre == "F"),
            ("Garçons", lambda x: x.genre == "M"),
            ("Genre non renseigné", lambda x: x.genre not in ("F", "M")),
        )
        resultat = []
        for libelle, critere in criteres:
            taux = _compter(libelle, (ligne for ligne in self.lignes if critere(ligne)))
            if taux.effectif or libelle != "Genre non renseigné":
                resultat.append(taux)
        return resultat

    @cached_property
    def departements(self) -> list[Taux]:
        par_code: dict[str, Taux] = {}
        for ligne in self.lignes:
            libelle = f"{ligne.departement_nom} ({ligne.departement})"
            taux = par_code.setdefault(ligne.departement, Taux(libelle, code=ligne.departement))
            taux.effectif += 1
            taux.places += ligne.projet is not None
        return [par_code[c] for c in sorted(par_code)]

    @cached_property
    def non_places(self) -> list[Ligne]:
        return [ligne for ligne in self.lignes if ligne.projet is None]

    @cached_property
    def raisons(self) -> list[tuple[str, int]]:
        """Raisons des non-placés, la plus fréquente d'abord."""
        compte = Counter(ligne.raison or "Raison non précisée" for ligne in self.non_places)
        return sorted(compte.items(), key=lambda x: (-x[1], x[0]))

    @cached_property
    def parts_raisons(self) -> list[Part]:
        """Chaque raison, son nombre et sa part des non-placés."""
        total = len(self.non_places)
        return [Part(r, n, pourcent(n, total)) for r, n in self.raisons]

    @cached_property
    def etablissements(self) -> list[tuple[str, str]]:
        """(UAI, nom) des établissements qui ont au moins un non-placé."""
        return sorted({(x.uai, x.etablissement) for x in self.non_places}, key=lambda x: x[1])

    def filtrer(self, raison: str = "", uai: str = "", departement: str = "") -> list[Ligne]:
        return [
            x
            for x in self.non_places
            if (not raison or (x.raison or "Raison non précisée") == raison)
            and (not uai or x.uai == uai)
            and (not departement or x.departement == departement)
        ]


def _compter(libelle: str, lignes: Iterable[Ligne]) -> Taux:
    taux = Taux(libelle)
    for ligne in lignes:
        taux.effectif += 1
        taux.places += ligne.projet is not None
    return taux


# --- Construction -----------------------------------------------------------------------------


def _projets(session: Session, lignes: list[Ligne], groupes: dict[str, int]) -> list[LigneProjet]:
    eleves = Counter(ligne.projet for ligne in lignes if ligne.projet)
    projets = (
        Projet.objects.de_la_session(session).valides().select_related("commune").order_by("nom")
    )
    return [
        LigneProjet(
            p.pk,
            p.identifiant,
            p.nom,
            p.commune.nom,
            p.places,
            eleves[p.identifiant],
            groupes.get(p.identifiant, 0),
        )
        for p in projets
    ]


def rapport_publie(session: Session) -> Rapport:
    lignes = lignes_publiees(session)
    groupes = dict(
        Projet.objects.de_la_session(session)
        .annotate(n=Count("groupes"))
        .values_list("identifiant", "n")
    )
    return Rapport(PUBLIES, lignes, _projets(session, lignes, groupes))


def rapport_plan(session: Session, plan: m.Plan, raisons: dict[str, str]) -> Rapport:
    lignes = lignes_plan(session, plan, raisons)
    par_projet: dict[str, set[str]] = {}
    for creneau in plan.planning:
        par_projet.setdefault(creneau.projet_id, set()).add(creneau.groupe)
    groupes = {p: len(g) for p, g in par_projet.items()}
    return Rapport(ATTENTE, lignes, _projets(session, lignes, groupes))


def rapport_attente(session: Session) -> Rapport | None:
    """Le rapport du plan en attente de publication, s'il y en a un."""
    travail = Travail.objects.plan_en_attente(session.pk)
    if travail is None:
        return None
    plan, raisons = travail.plan_moteur()
    return rapport_plan(session, plan, raisons)


def rapport_du_travail(travail: Travail) -> Rapport | None:
    """Le rapport des résultats d'un travail terminé s'ils sont encore les derniers calculés
    (plan en attente, ou résultats écrits dans les tables) ; sinon None."""
    if travail.etat != Travail.Etat.TERMINE or travail.type not in (
        Travail.Type.AFFECTATION,
        Travail.Type.PROGRAMMES,
    ):
        return None
    if travail.plan is not None:
        plan, raisons = travail.plan_moteur()
        return rapport_plan(travail.session, plan, raisons)
    dernier = (
        Travail.objects.filter(
            session_id=travail.session_id,
            etat=Travail.Etat.TERMINE,
            type__in=(Travail.Type.AFFECTATION, Travail.Type.PROGRAMMES),
        )
        .order_by("-termine_le", "-pk")
        .first()
    )
    if dernier is None or dernier.pk != travail.pk:
        return None
    return rapport_publie(travail.session)


# --- Texte du calcul (stocké sur le travail) ------------------------------------------------


def lignes_texte(rapport: str) -> list[str]:
    """Le texte stocké sur un travail (le rapport d'allocation du moteur,
    `moteur.affectation.texte_rapport`, déjà aux formats français), ligne par ligne ;
    relu à la française pour les textes stockés avant (« voeu », `16.9`)."""
    return [texte_fr(x.removeprefix("- ").strip()) for x in rapport.splitlines() if x.strip()]


# --- Exports ------------------------------------------------------------------------------


ENTETES_NON_PLACES = ("Identifiant (pseudonyme)", "UAI", "Établissement", "Département", "Raison")


def _cellule(valeur: object) -> object:
    """Neutralise une formule de tableur (CSV/XLSX) dans un texte : `=…` devient `'=…`."""
    if isinstance(valeur, str) and valeur[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + valeur
    return valeur


def _rangee(ligne: Ligne) -> tuple:
    return (
        ligne.identifiant,
        ligne.uai,
        ligne.etablissement,
        f"{ligne.departement_nom} ({ligne.departement})",
        texte_fr(ligne.raison or "Raison non précisée"),
    )


def export_csv(lignes: list[Ligne]) -> bytes:
    """CSV à la française (séparateur `;`, UTF-8 avec BOM pour les tableurs)."""
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=";", lineterminator="\r\n")
    ecrivain.writerow(ENTETES_NON_PLACES)
    for ligne in lignes:
        ecrivain.writerow([_cellule(v) for v in _rangee(ligne)])
    return ("\ufeff" + tampon.getvalue()).encode("utf-8")


def _taux_xlsx(t: Taux) -> tuple:
    return (t.libelle, t.effectif, t.places, round((t.taux or 0.0) / 100, 4))


def _synthese_xlsx(rapport: Rapport) -> list[tuple]:
    return [
        ("Résultats", rapport.libelle_source),
        ("Élèves", rapport.total),
        ("Élèves placés", rapport.places),
        ("Taux de placement", round((rapport.global_.taux or 0.0) / 100, 4)),
        ("Premier vœu obtenu", rapport.premier_voeu),
        ("Taux de premier vœu (parmi tous les élèves)", (rapport.taux_premier_voeu or 0.0) / 100),
        ("Élèves non placés", len(rapport.non_places)),
    ]


def export_xlsx(rapport: Rapport, lignes: list[Ligne]) -> bytes:
    """Classeur : synthèse, publics, départements, raisons, projets, non-placés (filtrés)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    classeur = Workbook()
    classeur.remove(classeur.active)

    def feuille(titre: str, entetes: tuple, rangees: Iterable[tuple], pourcents: str = ""):
        f = classeur.create_sheet(titre)
        f.append(list(entetes))
        for cellule in f[1]:
            cellule.font = Font(bold=True)
        for rangee in rangees:
            f.append([_cellule(v) for v in rangee])
        for colonne in f.columns:
            largeur = max(len(str(c.value or "")) for c in colonne)
            f.column_dimensions[colonne[0].column_letter].width = min(60, max(10, largeur + 2))
        for cellule in f[pourcents][1:] if pourcents else ():
            cellule.number_format = "0.0%"
        return f

    synthese = feuille("Synthèse", ("Indicateur", "Valeur"), _synthese_xlsx(rapport))
    for rangee in (5, 7):
        synthese.cell(rangee, 2).number_format = "0.0%"
    entetes = ("Élèves", "Effectif", "Placés", "Taux de placement")
    publics = [rapport.global_, *rapport.categories]
    feuille("Publics", entetes, [_taux_xlsx(t) for t in publics], pourcents="D")
    departements = [_taux_xlsx(t) for t in rapport.departements]
    feuille("Départements", entetes, departements, pourcents="D")
    raisons = [(texte_fr(p.raison), p.nombre, (p.part or 0.0) / 100) for p in rapport.parts_raisons]
    feuille("Raisons", ("Raison", "Élèves non placés", "Part"), raisons, pourcents="C")
    feuille(
        "Projets",
        ("Code", "Projet", "Commune", "Places", "Élèves placés", "Groupes"),
        [(p.code, p.nom, p.commune, p.places, p.eleves, p.groupes) for p in rapport.projets],
    )
    feuille("Non placés", ENTETES_NON_PLACES, [_rangee(x) for x in lignes])
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()
