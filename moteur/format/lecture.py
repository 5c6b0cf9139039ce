"""Lire et valider un dossier de session complet : `lire_session(dossier) -> Session`.

Toutes les erreurs sont collectées (fichier, ligne, colonne) puis levées ensemble dans une
`ErreurUtilisateur` ; rien n'est renvoyé à moitié. Les coordonnées sont résolues : une
entité sans latitude/longitude est placée au point de sa commune (`moteur.referentiel`).
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, time
from itertools import chain
from pathlib import Path
from typing import Any

from moteur import referentiel
from moteur.format.dossier import DossierSession
from moteur.format.transport import lire_transport
from moteur.format.validation import INVALIDE, Collecteur, citer
from moteur.modele import (
    AGE_MIN_DEFAUT,
    HEURE_DEBUT_DEFAUT,
    HEURE_FIN_DEFAUT,
    Eleve,
    Etablissement,
    IdentiteEleve,
    ParametresSession,
    Point,
    Projet,
    Session,
    StructureAccueil,
    TypeProjet,
)
from moteur.transport.parametres import avec_transport

FICHIER_PARAMETRES = "session.json"
JOURS_SEMAINE = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
LIMITE_JSON = 1024 * 1024


def lire_session(dossier: Path | str) -> Session:
    """Lit, valide et résout un dossier de session ; lève ErreurUtilisateur sinon."""
    dossier = Path(dossier)
    collecteur = Collecteur()
    avertissements: list[str] = []
    with DossierSession(dossier, collecteur, avertissements) as source, _sans_ramasse_miettes():
        parametres = lire_parametres(source, collecteur)
        lecteur = _Lecteur(source, collecteur, parametres, avertissements)
        session = lecteur.lire()
    collecteur.lever_si_besoin()
    assert session is not None
    return session


@contextmanager
def _sans_ramasse_miettes() -> Iterator[None]:
    """Des centaines de milliers d'objets qui vivent tous : le ramasse-miettes cyclique les
    parcourrait en vain à chaque génération (un tiers du temps de lecture au national)."""
    actif = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if actif:
            gc.enable()


# --- session.json ---------------------------------------------------------------------------


def lire_parametres(source: DossierSession, collecteur: Collecteur) -> ParametresSession | None:
    nom = FICHIER_PARAMETRES
    chemin = source.fichier(nom)
    if chemin is None:
        collecteur.ajouter("fichier obligatoire absent (pas de session.json)", nom)
        return None
    try:
        if chemin.stat().st_size > LIMITE_JSON:
            collecteur.ajouter("fichier trop gros pour des paramètres de session (> 1 Mo)", nom)
            return None
        octets = chemin.read_bytes()
    except OSError as exc:
        collecteur.ajouter(f"fichier illisible ({exc.strerror})", nom)
        return None
    try:
        brut = json.loads(octets.decode("utf-8-sig"))
    except UnicodeDecodeError:
        collecteur.ajouter("le fichier n'est pas en UTF-8", nom)
        return None
    except json.JSONDecodeError as exc:
        collecteur.ajouter(f"JSON invalide : {exc.msg} (colonne {exc.colno})", nom, exc.lineno)
        return None
    if not isinstance(brut, dict):
        collecteur.ajouter("le fichier doit contenir un objet JSON {…}", nom)
        return None
    parametres = _parametres(brut, collecteur)
    if parametres is None:
        return None
    transport = lire_transport(
        brut, source.dossier, parametres.jours_ouvres[0], collecteur, source.avertissements
    )
    return avec_transport(parametres, transport) if transport is not None else parametres


def _date_iso(valeur: Any) -> date | None:
    if isinstance(valeur, str) and len(valeur) == 10:
        try:
            return date.fromisoformat(valeur)
        except ValueError:
            return None
    return None


def _date_json(brut: dict[str, Any], cle: str, collecteur: Collecteur) -> date | None:
    valeur = brut.get(cle)
    if valeur is None:
        collecteur.ajouter("valeur obligatoire manquante", FICHIER_PARAMETRES, colonne=cle)
        return None
    jour = _date_iso(valeur)
    if jour is None:
        collecteur.ajouter(
            f"{citer(str(valeur))} n'est pas une date AAAA-MM-JJ", FICHIER_PARAMETRES, colonne=cle
        )
    return jour


def _parametres(brut: dict[str, Any], collecteur: Collecteur) -> ParametresSession | None:
    fichier = FICHIER_PARAMETRES
    avant = len(collecteur.problemes) + collecteur.autres
    nom = brut.get("nom", "")
    if not isinstance(nom, str):
        collecteur.ajouter("le nom doit être un texte", fichier, colonne="nom")
    debut = _date_json(brut, "date_debut", collecteur)
    fin = _date_json(brut, "date_fin", collecteur)
    feries_brut = brut.get("jours_feries", [])
    feries: list[date] = []
    if not isinstance(feries_brut, list):
        collecteur.ajouter(
            "doit être une liste de dates AAAA-MM-JJ", fichier, colonne="jours_feries"
        )
    else:
        for valeur in feries_brut:
            jour = _date_iso(valeur)
            if jour is None:
                collecteur.ajouter(
                    f"{citer(str(valeur))} n'est pas une date AAAA-MM-JJ",
                    fichier,
                    colonne="jours_feries",
                )
            else:
                feries.append(jour)
    distance = brut.get("distance_max_km", 25.0)
    if isinstance(distance, bool) or not isinstance(distance, int | float) or not distance > 0:
        collecteur.ajouter(
            f"{citer(str(distance))} n'est pas une distance positive en km",
            fichier,
            colonne="distance_max_km",
        )
    if debut and fin and fin < debut:
        collecteur.ajouter(
            f"la fin ({fin}) précède le début ({debut})", fichier, colonne="date_fin"
        )
    if len(collecteur.problemes) + collecteur.autres > avant or debut is None or fin is None:
        return None
    parametres = ParametresSession(
        str(nom), debut, fin, tuple(sorted(set(feries))), float(distance)
    )
    if not parametres.jours_ouvres:
        collecteur.ajouter("la session ne compte aucun jour ouvré", fichier, colonne="date_fin")
        return None
    return parametres


# --- Les tableaux ---------------------------------------------------------------------------


def _heure(brut: str | None, defaut: time) -> time:
    return time.fromisoformat(brut) if brut else defaut


def _liste(brut: str) -> tuple[str, ...]:
    parties = brut.split("|")
    if " " in brut:
        parties = [p.strip() for p in parties]
    return tuple(parties)


class _Lecteur:
    """Lit les tableaux dans l'ordre des références et construit la Session."""

    def __init__(
        self,
        source: DossierSession,
        collecteur: Collecteur,
        parametres: ParametresSession | None,
        avertissements: list[str],
    ) -> None:
        self.source = source
        self.collecteur = collecteur
        self.parametres = parametres
        self.avertissements = avertissements
        self.communes_inconnues = 0
        self.communes = referentiel.communes()
        self.jours_ouvres = parametres.jours_ouvres if parametres else ()
        self.ouvres = set(self.jours_ouvres)
        # ids vus (même sur une ligne fautive) : None = fichier inutilisable, pas de contrôle
        self.ids: dict[str, set[str] | None] = {}

    def lire(self) -> Session | None:
        etablissements = self.etablissements()
        structures = self.structures()
        projets = self.projets()
        eleves = self.eleves(etablissements)
        identites = self.identites()
        if self.communes_inconnues:
            self.avertissements.append(
                f"{self.communes_inconnues} élève(s) domicilié(s) dans une commune absente du "
                "référentiel (coordonnées fournies) : comptés comme non ruraux"
            )
        if self.parametres is None:
            return None
        return Session(
            self.parametres,
            etablissements,
            structures,
            projets,
            eleves,
            identites,
            self.avertissements,
        )

    def erreur(self, message: str, fichier: str, ligne: int, colonne: str) -> None:
        self.collecteur.ajouter(message, fichier, ligne, colonne)

    def reference(
        self, fichier: str, ligne: int, colonne: str, valeur: str, cible: str, quoi: str
    ) -> bool:
        connus = self.ids.get(cible)
        if connus is None or valeur in connus:
            return True
        self.erreur(
            f"{citer(valeur)} ne correspond à aucun {quoi} de {cible}.csv", fichier, ligne, colonne
        )
        return False

    def point(self, v: dict[str, Any], fichier: str, ligne: int, commune: Any) -> Point | None:
        """Le point donné, ou celui de la commune ; None si erreur (déjà notée)."""
        lat, lon = v.get("latitude"), v.get("longitude")
        if lat is INVALIDE or lon is INVALIDE:
            return None
        if lat is not None and lon is not None:
            return Point(lat, lon)
        if (lat is None) != (lon is None):
            manque = "longitude" if lon is None else "latitude"
            donnee = "latitude" if lon is None else "longitude"
            self.erreur(
                f"{donnee} renseignée sans {manque} : donnez les deux ou aucune",
                fichier,
                ligne,
                manque,
            )
            return None
        if commune is None or commune is INVALIDE:
            return None
        ref = referentiel.commune(commune)
        if ref is None:
            self.erreur(
                f"la commune {citer(commune)} est inconnue du référentiel des communes "
                "(code INSEE périmé ?) : corrigez-la ou donnez latitude et longitude",
                fichier,
                ligne,
                "commune_insee",
            )
            return None
        return ref.point

    def etablissements(self) -> dict[str, Etablissement]:
        resultat: dict[str, Etablissement] = {}
        lignes = self.source.lignes("etablissements")
        self.ids["etablissements"] = None if lignes is None else set()
        if lignes is None:
            return resultat
        fichier, iterateur = lignes
        for numero, v, ok in iterateur:
            self._retenir("etablissements", v["uai"])
            point = self.point(v, fichier, numero, v["commune_insee"])
            if ok and point is not None:
                resultat[v["uai"]] = Etablissement(
                    v["uai"],
                    v["nom"],
                    v["commune_insee"],
                    point,
                    v["adresse"] or "",
                    v["chef_etablissement"] or "",
                    v["email"] or "",
                )
        return resultat

    def _retenir(self, cible: str, identifiant: Any) -> None:
        connus = self.ids[cible]
        if connus is not None and isinstance(identifiant, str):
            connus.add(identifiant)

    def jours_structure(
        self, brut: str | None, fichier: str, ligne: int
    ) -> tuple[date, ...] | None:
        if not brut or self.parametres is None:
            return ()
        p = self.parametres
        ouvres = self.ouvres
        jours: list[date] = []
        for texte in dict.fromkeys(brut.split("|")):
            try:
                jour = date.fromisoformat(texte)
            except ValueError:
                self.erreur(
                    f"{citer(texte)} n'est pas une date qui existe", fichier, ligne, "jours"
                )
                return None
            if not p.date_debut <= jour <= p.date_fin:
                self.erreur(
                    f"le {texte} est hors de la session (du {p.date_debut} au {p.date_fin})",
                    fichier,
                    ligne,
                    "jours",
                )
                return None
            if jour not in ouvres:
                raison = "jour férié" if jour in p.jours_feries else JOURS_SEMAINE[jour.weekday()]
                self.avertissements.append(
                    f"{fichier}, ligne {ligne}, colonne « jours » : le {texte} ({raison}) n'est "
                    "pas un jour ouvré de la session : ignoré"
                )
            jours.append(jour)
        return tuple(sorted(jours))

    def structures(self) -> dict[str, StructureAccueil]:
        resultat: dict[str, StructureAccueil] = {}
        lignes = self.source.lignes("structures")
        self.ids["structures"] = None if lignes is None else set()
        if lignes is None:
            return resultat
        fichier, iterateur = lignes
        for numero, v, ok in iterateur:
            self._retenir("structures", v["id"])
            point = self.point(v, fichier, numero, v["commune_insee"])
            jours = (
                self.jours_structure(v["jours"], fichier, numero)
                if v["jours"] is not INVALIDE
                else None
            )
            if not ok or point is None or jours is None:
                continue
            resultat[v["id"]] = StructureAccueil(
                id=v["id"],
                nom=v["nom"],
                domaines=tuple(dict.fromkeys(v["domaines"].split("|"))),
                commune_insee=v["commune_insee"],
                point=point,
                accueil_max=v["accueil_max"],
                jours=jours,
                jours_max=v["jours_max"],
                age_min=AGE_MIN_DEFAUT if v["age_min"] is None else v["age_min"],
                heure_debut=_heure(v["heure_debut"], HEURE_DEBUT_DEFAUT),
                heure_fin=_heure(v["heure_fin"], HEURE_FIN_DEFAUT),
                siret=v["siret"] or "",
                adresse=v["adresse"] or "",
                tuteur=v["tuteur"] or "",
                tuteur_email=v["tuteur_email"] or "",
                telephone=v["telephone"] or "",
                representant=v["representant"] or "",
            )
            s = resultat[v["id"]]
            if s.heure_fin <= s.heure_debut:
                self.erreur(
                    f"l'heure de fin ({v['heure_fin'] or '16:30'}) doit suivre l'heure de "
                    f"début ({v['heure_debut'] or '09:00'})",
                    fichier,
                    numero,
                    "heure_fin",
                )
            if self.parametres and not s.jours_possibles(self.jours_ouvres):
                self.avertissements.append(
                    f"{fichier}, ligne {numero} : la structure {s.id} ne peut accueillir aucun "
                    "jour ouvré de la session"
                )
        return resultat

    def projets(self) -> dict[str, Projet]:
        resultat: dict[str, Projet] = {}
        lignes = self.source.lignes("projets")
        self.ids["projets"] = None if lignes is None else set()
        if lignes is None:
            return resultat
        fichier, iterateur = lignes
        for numero, v, ok in iterateur:
            self._retenir("projets", v["id"])
            point = self.point(v, fichier, numero, v["commune_insee"])
            structures: tuple[str, ...] = ()
            if isinstance(v["structures"], str):
                structures = _liste(v["structures"])
                ok = self._sans_doublon(structures, fichier, numero, "structures") and ok
                for s in structures:
                    ok = (
                        self.reference(
                            fichier,
                            numero,
                            "structures",
                            s,
                            "structures",
                            "identifiant de structure",
                        )
                        and ok
                    )
            if not ok or point is None:
                continue
            resultat[v["id"]] = Projet(
                id=v["id"],
                nom=v["nom"],
                type=TypeProjet(v["type"]),
                porteur=v["porteur"],
                commune_insee=v["commune_insee"],
                point=point,
                places=v["places"],
                structures=structures,
                referent=v["referent"] or "",
                referent_telephone=v["referent_telephone"] or "",
                porteur_representant=v["porteur_representant"] or "",
                porteur_adresse=v["porteur_adresse"] or "",
                outil_pedagogique=v["outil_pedagogique"] or "",
            )
        return resultat

    def _sans_doublon(self, valeurs: tuple[str, ...], fichier: str, ligne: int, col: str) -> bool:
        if len(set(valeurs)) == len(valeurs):
            return True
        doublons = sorted({x for x in valeurs if valeurs.count(x) > 1})
        self.erreur(
            f"{', '.join(doublons)} apparaît plusieurs fois dans la liste", fichier, ligne, col
        )
        return False

    def eleves(self, etablissements: dict[str, Etablissement]) -> dict[str, Eleve]:
        """Le tableau le plus gros (560 000 lignes au national) : lu colonne par colonne."""
        resultat: dict[str, Eleve] = {}
        paquets = self.source.paquets("eleves")
        connus: set[str] | None = None if paquets is None else set()
        self.ids["eleves"] = connus
        if paquets is None or connus is None:
            return resultat
        fichier, iterateur = paquets
        communes = self.communes
        for paquet in iterateur:
            c = paquet.colonnes
            connus.update(c["id"])
            connus.discard(None)
            voeux = [
                (tuple(v.split("|")) if " " not in v else _liste(v)) if v.__class__ is str else ()
                for v in c["voeux"]
            ]
            ok = self._references_eleves(fichier, paquet.numeros, c["uai"], voeux, paquet.ok)
            rangees = zip(
                paquet.numeros, ok, c["id"], c["uai"], c["date_naissance"], c["genre"],
                c["commune_insee"], c["latitude"], c["longitude"], voeux, c["domaines"],
                c["boursier"], strict=True,
            )  # fmt: skip
            for numero, bon, id_, uai, naissance, genre, commune, lat, lon, vx, dom, bou in rangees:
                if not bon:
                    continue
                etab = etablissements.get(uai)
                if etab is None:
                    continue  # établissement refusé : son erreur est déjà notée
                if lat is not None and lon is not None:
                    point: Point | None = Point(lat, lon)
                elif lat is None and lon is None:
                    if commune is None:
                        point = etab.point
                    else:
                        ref = communes.get(commune)
                        point = None if ref is None else ref.point
                        if point is None:
                            self.point(
                                {"latitude": None, "longitude": None}, fichier, numero, commune
                            )
                else:
                    v = {"latitude": lat, "longitude": lon}
                    point = self.point(v, fichier, numero, commune)
                if point is None:
                    continue
                ref = communes.get(commune or etab.commune_insee)
                if ref is None:
                    self.communes_inconnues += 1
                resultat[id_] = Eleve(
                    id_, uai, naissance, vx, commune or etab.commune_insee, point,
                    genre or "", tuple(dict.fromkeys(dom.split("|"))) if dom else (),
                    bou == "1", ref is not None and ref.rurale,
                )  # fmt: skip
        return resultat

    def _references_eleves(
        self,
        fichier: str,
        numeros: list[int],
        uais: list[Any],
        voeux: list[tuple[str, ...]],
        ok: list[bool],
    ) -> list[bool]:
        """Établissements et projets connus, vœux sans doublon ; les lignes fautives -> False."""
        etabs, projets = self.ids.get("etablissements"), self.ids.get("projets")
        uai_inconnus = set() if etabs is None else set(uais) - etabs - {None, INVALIDE}
        tous_voeux = set(chain.from_iterable(voeux))
        voeux_inconnus = set() if projets is None else tous_voeux - projets
        doublons = any(len(v) > 1 and len(set(v)) != len(v) for v in voeux)
        if not (uai_inconnus or voeux_inconnus or doublons):
            return ok
        ok = list(ok)
        for j, (uai, vx) in enumerate(zip(uais, voeux, strict=True)):
            if uai in uai_inconnus:
                self.reference(
                    fichier, numeros[j], "uai", uai, "etablissements", "établissement (uai)"
                )
                ok[j] = False
            if doublons and not self._sans_doublon(vx, fichier, numeros[j], "voeux"):
                ok[j] = False
            for projet in vx:
                if projet in voeux_inconnus:
                    self.reference(fichier, numeros[j], "voeux", projet, "projets", "projet")
                    ok[j] = False
        return ok

    def identites(self) -> dict[str, IdentiteEleve]:
        resultat: dict[str, IdentiteEleve] = {}
        lignes = self.source.lignes("identites", requis=False)
        if lignes is None:
            return resultat
        fichier, iterateur = lignes
        for numero, v, ok in iterateur:
            if isinstance(v["eleve_id"], str):
                ok = (
                    self.reference(
                        fichier, numero, "eleve_id", v["eleve_id"], "eleves", "élève (id)"
                    )
                    and ok
                )
            if ok:
                resultat[v["eleve_id"]] = IdentiteEleve(**{k: (val or "") for k, val in v.items()})
        return resultat
