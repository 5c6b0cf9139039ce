"""Le jeu de démonstration : `charger_demo()`.

Une session « Stages collectifs de seconde 2026 » (15–26 juin 2026, 25 km) avec les 26
projets de la carte de travail du 15/12/2025 (`donnees/carte-projets-2025-12-15.csv`),
complétés dans `donnees/demo-projets.csv` (commune, places, statut, porteur, outil
pédagogique) et `donnees/demo-structures.csv` (structures d'accueil), puis une cohorte
d'élèves pseudonymes tirée au sort autour des projets, dans de vrais lycées normands du
référentiel. Noms d'élèves, de tuteurs et de référents : inventés (syllabes tirées au
sort), courriels en example.org, téléphones dans la plage réservée à la fiction par
l'ARCEP (06 39 98 xx xx).

Déterministe (graine), idempotent (une démo déjà chargée n'est pas rechargée, sauf
`reinitialiser=True`). Tout ce qui est créé porte `est_demo=True`, sauf les comptes.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Count

from apps.campagnes.models import Session
from apps.comptes.models import Role, Utilisateur
from apps.etablissements.models import Eleve, Etablissement
from apps.planification import enregistrement_session
from apps.planification.importation import assurer_referentiel
from apps.planification.models import Voeu
from apps.projets.models import Porteur, Projet
from apps.structures.models import StructureAccueil
from apps.territoires.models import Commune
from moteur import modele as m
from moteur.distances import haversine_km
from moteur.erreurs import ErreurUtilisateur
from moteur.referentiel import CODES_NORMANDIE

DONNEES = Path(__file__).parent / "donnees"
NOM_DEMO = "Stages collectifs de seconde 2026"
DEBUT, FIN = date(2026, 6, 15), date(2026, 6, 26)
DISTANCE_MAX_KM = 25.0
GRAINE = 2026
NB_ELEVES = 2000
RAYON_LYCEE_KM = 20.0  # un lycée est retenu s'il a un projet publié à moins de 20 km
RAYON_DOMICILE_KM = 12.0  # domicile tiré parmi les communes à moins de 12 km du lycée
PART_BOURSIERS = 0.25
PROBA_NOMBRE_VOEUX = {1: 0.2, 2: 0.25, 3: 0.25, 4: 0.15, 5: 0.15}
PORTEUR_DEMO = "Communauté de communes des Pays de L'Aigle"
STRUCTURE_DEMO = "Bohin France – Saint-Sulpice-sur-Risle"

# Comptes de démonstration : identifiant -> (rôle, mot de passe, prénom, nom).
COMPTES_DEMO = {
    "demo-coordination": (Role.COORDINATEUR, "demo-coordination-2026", "Claire", "Coordination"),
    "demo-porteur": (Role.PORTEUR, "demo-porteur-2026", "Paul", "Porteur"),
    "demo-structure": (Role.STRUCTURE, "demo-structure-2026", "Sarah", "Structure"),
    "demo-etablissement": (
        Role.ETABLISSEMENT,
        "demo-etablissement-2026",
        "Étienne",
        "Établissement",
    ),
}

# Détails de récit, par projet (remarque de la carte, mots du document, renvoi).
MOTIF_RENVOI = {
    "P18": "Désignez le référent du groupe et joignez les consignes de sécurité du site "
    "(voies ferrées, ateliers)."
}
RESTITUTION_SANS = {"P07", "P10", "P19"}
SECTEURS_PAR_DEFAUT = {"P14": "multi-sectoriel", "P24": "multi-sectoriel"}

PRENOMS_F = (
    "Léa",
    "Manon",
    "Chloé",
    "Emma",
    "Inès",
    "Jade",
    "Louise",
    "Camille",
    "Lina",
    "Zoé",
    "Clara",
    "Lou",
    "Anna",
    "Rose",
    "Mila",
    "Juliette",
    "Ambre",
    "Sarah",
    "Maëlys",
    "Nina",
    "Alice",
    "Romane",
    "Lucie",
    "Margaux",
    "Elsa",
    "Agathe",
)
PRENOMS_M = (
    "Lucas",
    "Hugo",
    "Louis",
    "Nathan",
    "Gabriel",
    "Jules",
    "Arthur",
    "Tom",
    "Léo",
    "Raphaël",
    "Adam",
    "Ethan",
    "Noah",
    "Paul",
    "Théo",
    "Sacha",
    "Nolan",
    "Maël",
    "Enzo",
    "Mathis",
    "Timéo",
    "Baptiste",
    "Axel",
    "Yanis",
    "Victor",
    "Malo",
)
SYLLABES_DEBUT = (
    "Bel",
    "Cor",
    "Dam",
    "Fal",
    "Gar",
    "Hou",
    "Lan",
    "Mar",
    "Nor",
    "Pel",
    "Quer",
    "Ros",
    "Sal",
    "Tan",
    "Val",
    "Ver",
    "Bou",
    "Char",
    "Gre",
    "Leb",
)
SYLLABES_FIN = (
    "ardel",
    "ignac",
    "oville",
    "eraud",
    "andin",
    "ouet",
    "ernot",
    "ivier",
    "amel",
    "esson",
    "aumont",
    "illard",
    "orin",
    "uchet",
    "anquet",
    "ecourt",
)
RUES = (
    "rue des Tilleuls",
    "rue du Moulin",
    "chemin des Prés",
    "rue de la Gare",
    "impasse des Pommiers",
    "rue Pasteur",
    "allée des Hêtres",
    "rue du Bocage",
)


@dataclass(slots=True)
class RapportDemo:
    session: Session
    deja_chargee: bool
    projets: int
    structures: int
    eleves: int
    voeux: int
    etablissements: int

    def resume(self) -> str:
        if self.deja_chargee:
            return (
                f"La démo est déjà chargée (session n° {self.session.pk}, "
                f"{self.projets} projets, {self.eleves} élèves) : rien à faire."
            )
        return (
            f"Démo chargée : session « {self.session.nom} » (n° {self.session.pk}), "
            f"{self.projets} projets, {self.structures} structures d'accueil, "
            f"{self.eleves} élèves de {self.etablissements} lycées, {self.voeux} vœux."
        )


# --- Lecture des fichiers de données -----------------------------------------------------------


def _lire_csv(nom: str) -> list[dict[str, str]]:
    with (DONNEES / nom).open(encoding="utf-8", newline="") as fichier:
        return list(csv.DictReader(fichier))


def carte() -> dict[str, dict[str, str]]:
    """Les projets de la carte du 15/12/2025, fusionnés avec leurs compléments de démo."""
    projets = {ligne["id"]: ligne for ligne in _lire_csv("carte-projets-2025-12-15.csv")}
    for ligne in _lire_csv("demo-projets.csv"):
        projets[ligne["id"]].update({f"demo_{k}": v for k, v in ligne.items()})
    return projets


def _jours(code: str) -> tuple[date, ...]:
    semaine1 = tuple(DEBUT + timedelta(days=i) for i in range(5))
    semaine2 = tuple(DEBUT + timedelta(days=7 + i) for i in range(5))
    return {"s1": semaine1, "s2": semaine2}.get(code, ())


# --- Noms inventés -------------------------------------------------------------------------------


def nom_fictif(hasard: random.Random) -> str:
    return hasard.choice(SYLLABES_DEBUT) + hasard.choice(SYLLABES_FIN)


def personne_fictive(hasard: random.Random) -> tuple[str, str, str]:
    """(civilité + prénom + nom, courriel, téléphone), tous fictifs."""
    femme = hasard.random() < 0.5
    prenom = hasard.choice(PRENOMS_F if femme else PRENOMS_M)
    nom = nom_fictif(hasard)
    courriel = f"{_ascii(prenom)}.{_ascii(nom)}@example.org"
    return f"{'Mme' if femme else 'M.'} {prenom} {nom}", courriel, _telephone(hasard)


def _telephone(hasard: random.Random) -> str:
    return f"06 39 98 {hasard.randrange(100):02d} {hasard.randrange(100):02d}"


def _ascii(texte: str) -> str:
    import unicodedata

    decompose = unicodedata.normalize("NFKD", texte.lower())
    return "".join(c for c in decompose if c.isascii() and c.isalnum())


# --- Projets et structures -----------------------------------------------------------------------


def _point_commune(communes: dict[str, Commune], code: str) -> m.Point:
    commune = communes.get(code)
    if commune is None:
        raise ErreurUtilisateur(f"référentiel incomplet : commune {code} absente de la base")
    return m.Point(commune.latitude, commune.longitude)


def structures_demo(
    communes: dict[str, Commune], hasard: random.Random
) -> tuple[dict[str, m.StructureAccueil], dict[str, list[str]], set[str]]:
    """(structures, identifiants par projet, structures « observation seulement »)."""
    structures: dict[str, m.StructureAccueil] = {}
    par_projet: dict[str, list[str]] = {}
    observation = set()
    for numero, ligne in enumerate(_lire_csv("demo-structures.csv"), start=1):
        ident = f"S{numero:03d}"
        tuteur, courriel, telephone = personne_fictive(hasard)
        structures[ident] = m.StructureAccueil(
            id=ident,
            nom=ligne["nom"],
            domaines=tuple(ligne["domaines"].split("|")),
            commune_insee=ligne["commune_insee"],
            point=_point_commune(communes, ligne["commune_insee"]),
            accueil_max=int(ligne["accueil_max"]),
            jours=_jours(ligne["jours"]),
            jours_max=int(ligne["jours_max"]) if ligne["jours_max"] else None,
            age_min=int(ligne["age_min"]),
            heure_debut=_heure(ligne["heure_debut"]),
            heure_fin=_heure(ligne["heure_fin"]),
            tuteur=tuteur,
            tuteur_email=courriel,
            telephone=telephone,
            representant=personne_fictive(hasard)[0],
        )
        par_projet.setdefault(ligne["projet"], []).append(ident)
        if ligne["observation"] == "1":
            observation.add(ident)
    return structures, par_projet, observation


def _heure(texte: str) -> time:
    return time.fromisoformat(texte)


def projets_demo(
    projets_carte: dict[str, dict[str, str]],
    structures: dict[str, list[str]],
    communes: dict[str, Commune],
    hasard: random.Random,
) -> dict[str, m.Projet]:
    """Les projets qui ont un porteur (le brouillon sans porteur est créé à part)."""
    resultat = {}
    for ident, ligne in projets_carte.items():
        referent, _courriel, telephone = personne_fictive(hasard)
        if not ligne["demo_porteur"]:
            continue
        resultat[ident] = m.Projet(
            id=ident,
            nom=ligne["nom"],
            type=m.TypeProjet(ligne["type"]),
            porteur=ligne["demo_porteur"],
            commune_insee=ligne["demo_commune_insee"],
            point=_point_commune(communes, ligne["demo_commune_insee"]),
            places=int(ligne["demo_places"]),
            structures=tuple(structures[ident]),
            referent=referent,
            referent_telephone=telephone,
            porteur_representant=personne_fictive(hasard)[0],
            outil_pedagogique=ligne["demo_outil_pedagogique"],
        )
    return resultat


# --- Élèves -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Lycee:
    uai: str
    nom: str
    commune: str
    point: m.Point
    adresse: str
    chef: str
    email: str
    domiciles: list[tuple[str, m.Point]]
    poids_domiciles: list[float]


def _lycees_proches(projets: list[m.Projet], communes: dict[str, Commune]) -> list[_Lycee]:
    """Les lycées normands à moins de RAYON_LYCEE_KM d'un projet publié, avec les communes
    de domicile possibles de leurs élèves."""
    points_communes = [
        (c.code, m.Point(c.latitude, c.longitude), max(c.population, 50))
        for c in sorted(communes.values(), key=lambda c: c.code)
    ]
    lycees = []
    for e in Etablissement.objects.filter(commune__departement_id__in=CODES_NORMANDIE).order_by(
        "uai"
    ):
        point = m.Point(e.latitude, e.longitude)
        if not any(haversine_km(point, p.point) <= RAYON_LYCEE_KM for p in projets):
            continue
        domiciles, poids = [], []
        for code, p, population in points_communes:
            if abs(p.latitude - point.latitude) > 0.12 or abs(p.longitude - point.longitude) > 0.2:
                continue
            if haversine_km(point, p) <= RAYON_DOMICILE_KM:
                domiciles.append((code, p))
                poids.append(float(population))
        if domiciles:
            lycees.append(
                _Lycee(
                    e.uai,
                    e.nom,
                    e.commune_id,
                    point,
                    e.adresse,
                    e.chef_etablissement,
                    e.email,
                    domiciles,
                    poids,
                )
            )
    return lycees


def _profil(projet: m.Projet, structures: dict[str, m.StructureAccueil]) -> str:
    domaines = Counter(d for s in projet.structures for d in structures[s].domaines)
    technique = sum(domaines[d] for d in "FHIN")
    soin = sum(domaines[d] for d in "JK")
    if technique > soin:
        return "M"
    return "F" if soin > technique else ""


def _tirer_sans_remise(
    hasard: random.Random, choix: list[str], poids: list[float], nombre: int
) -> list[str]:
    choix, poids = list(choix), list(poids)
    tires = []
    for _ in range(min(nombre, len(choix))):
        i = hasard.choices(range(len(choix)), weights=poids)[0]
        tires.append(choix.pop(i))
        poids.pop(i)
    return tires


def _naissance(hasard: random.Random) -> date:
    annee = 2010 if hasard.random() < 0.85 else 2011
    return date(annee, 1, 1) + timedelta(days=hasard.randrange(365))


def eleves_demo(
    nombre: int,
    projets: list[m.Projet],
    structures: dict[str, m.StructureAccueil],
    communes: dict[str, Commune],
    hasard: random.Random,
) -> tuple[dict[str, m.Eleve], dict[str, m.IdentiteEleve], dict[str, m.Etablissement]]:
    lycees = _lycees_proches(projets, communes)
    if not lycees:
        raise ErreurUtilisateur(
            "aucun lycée du référentiel près des projets : chargez les "
            "lycées (référentiel) avant la démo"
        )
    profils = {p.id: _profil(p, structures) for p in projets}
    par_id = {p.id: p for p in projets}
    eleves: dict[str, m.Eleve] = {}
    identites: dict[str, m.IdentiteEleve] = {}
    utilises: dict[str, m.Etablissement] = {}
    essais = 0
    while len(eleves) < nombre and essais < nombre * 5:
        essais += 1
        lycee = hasard.choice(lycees)
        code, domicile = hasard.choices(lycee.domiciles, weights=lycee.poids_domiciles)[0]
        distances = {p.id: haversine_km(domicile, p.point) for p in projets}
        portee = sorted(i for i, d in distances.items() if d <= DISTANCE_MAX_KM)
        if not portee:
            continue
        genre = "F" if hasard.random() < 0.5 else "M"
        poids = [(1.5 if profils[i] == genre else 1.0) / (1 + distances[i] / 8) for i in portee]
        nombre_voeux = hasard.choices(
            list(PROBA_NOMBRE_VOEUX), weights=list(PROBA_NOMBRE_VOEUX.values())
        )[0]
        voeux = _tirer_sans_remise(hasard, portee, poids, nombre_voeux)
        ident = f"ELV-{len(eleves) + 1:05d}"
        domaines_voeu = sorted(
            {d for s in par_id[voeux[0]].structures for d in structures[s].domaines}
        )
        interets = tuple(
            hasard.sample(domaines_voeu, k=min(len(domaines_voeu), hasard.randrange(3)))
        )
        eleves[ident] = m.Eleve(
            id=ident,
            uai=lycee.uai,
            date_naissance=_naissance(hasard),
            voeux=tuple(voeux),
            commune_insee=code,
            point=domicile,
            genre=genre,
            domaines=interets,
            boursier=hasard.random() < PART_BOURSIERS,
        )
        identites[ident] = _identite(ident, genre, hasard)
        utilises[lycee.uai] = m.Etablissement(
            lycee.uai, lycee.nom, lycee.commune, lycee.point, lycee.adresse, lycee.chef, lycee.email
        )
    return eleves, identites, dict(sorted(utilises.items()))


def _identite(ident: str, genre: str, hasard: random.Random) -> m.IdentiteEleve:
    prenom = hasard.choice(PRENOMS_F if genre == "F" else PRENOMS_M)
    nom = nom_fictif(hasard)
    parent, courriel_parent, _ = personne_fictive(hasard)
    parent = parent.rsplit(" ", 1)[0] + " " + nom  # même nom de famille que l'élève
    return m.IdentiteEleve(
        eleve_id=ident,
        nom=nom,
        prenom=prenom,
        classe=f"2nde {hasard.randint(1, 9)}",
        adresse=f"{hasard.randint(1, 120)} {hasard.choice(RUES)}",
        telephone=_telephone(hasard),
        email=f"{_ascii(prenom)}.{_ascii(nom)}{hasard.randrange(100)}@example.org",
        representant1_nom=parent,
        representant1_email=courriel_parent,
    )


# --- Chargement ---------------------------------------------------------------------------------


MESSAGE_PRODUCTION = (
    "la démonstration est refusée sous les réglages de production (conf.settings.prod) : "
    "elle crée des comptes dont les mots de passe sont publiés. Lancez-la sur un poste de "
    "développement (conf.settings.dev)."
)


def refuser_en_production() -> None:
    """Lève ErreurUtilisateur (code 2 en ligne de commande) sous conf.settings.prod."""
    if getattr(settings, "PRODUCTION", False):
        raise ErreurUtilisateur(MESSAGE_PRODUCTION)


def supprimer_demo() -> None:
    """Supprime la session de démo et ses porteurs (les comptes restent)."""
    with transaction.atomic():
        for session in Session.objects.filter(est_demo=True).order_by("pk"):
            enregistrement_session.supprimer_session(session)
        Porteur.objects.filter(est_demo=True, projets__isnull=True).delete()


def charger_demo(
    nb_eleves: int = NB_ELEVES, graine: int = GRAINE, reinitialiser: bool = False
) -> RapportDemo:
    """Charge la démo (référentiel compris s'il manque) ; idempotent. Refusée en production."""
    refuser_en_production()
    if nb_eleves < 1:
        raise ErreurUtilisateur("le nombre d'élèves de la démo doit être positif")
    assurer_referentiel()
    existante = Session.objects.filter(nom=NOM_DEMO).order_by("pk").first()
    if existante is not None and not existante.est_demo:
        raise ErreurUtilisateur(
            f"une vraie session s'appelle déjà « {NOM_DEMO} » : la démo ne la remplacera pas"
        )
    if existante is not None and not reinitialiser:
        creer_comptes_demo(existante)
        return _rapport(existante, deja_chargee=True)
    if reinitialiser:
        supprimer_demo()
    with transaction.atomic():
        session = _creer_session_demo(nb_eleves, random.Random(graine))
        creer_comptes_demo(session, reinitialiser=True)
    return _rapport(session, deja_chargee=False)


def _creer_session_demo(nb_eleves: int, hasard: random.Random) -> Session:
    communes = {c.code: c for c in Commune.objects.normandes()}
    projets_carte = carte()
    structures, par_projet, observation = structures_demo(communes, hasard)
    projets = projets_demo(projets_carte, par_projet, communes, hasard)
    publies = [p for i, p in projets.items() if projets_carte[i]["demo_statut"] == "publie"]
    eleves, identites, etablissements = eleves_demo(
        nb_eleves, publies, structures, communes, hasard
    )
    donnees = m.Session(
        parametres=m.ParametresSession(NOM_DEMO, DEBUT, FIN, (), DISTANCE_MAX_KM),
        etablissements=etablissements,
        structures=structures,
        projets=projets,
        eleves=eleves,
        identites=identites,
    )
    session = enregistrement_session.enregistrer_session(donnees, est_demo=True)
    session.statut = Session.Statut.VOEUX
    session.save(update_fields=["statut"])
    _completer_structures(session, observation)
    _completer_projets(session, projets_carte, par_projet)
    _completer_porteurs(projets_carte)
    _completer_signataires(session)
    return session


def _completer_signataires(session: Session) -> None:
    """Des signataires fictifs (adresses en example.org) pour que la tournée des conventions
    de la démo aille jusqu'au bout ; une vraie session les fait saisir à chaque lycée
    (réglages de l'établissement) et à chaque porteur (étape 3)."""
    for etablissement in Etablissement.objects.filter(eleves__session=session).distinct():
        etablissement.chef_etablissement = (
            etablissement.chef_etablissement or "Chef d'établissement (démo)"
        )
        etablissement.email = etablissement.email or f"ce.{etablissement.uai.lower()}@example.org"
        etablissement.save(update_fields=["chef_etablissement", "email"])
    for porteur in Porteur.objects.filter(projets__session=session, email="").distinct():
        porteur.email = f"porteur-{porteur.pk}@example.org"
        porteur.save(update_fields=["email"])


def _completer_structures(session: Session, observation: set[str]) -> None:
    StructureAccueil.objects.filter(session=session, identifiant__in=observation).update(
        observation_seulement=True,
        consignes_securite="Observation seulement : aucun acte de soin ; tenue fournie.",
    )
    StructureAccueil.objects.filter(session=session).exclude(identifiant__in=observation).update(
        activite_pedagogique="Découverte des métiers du site, rencontre avec les équipes."
    )


def _completer_projets(
    session: Session, projets_carte: dict[str, dict[str, str]], par_projet: dict[str, list[str]]
) -> None:
    existants = {p.identifiant: p for p in Projet.objects.filter(session=session)}
    for ident, ligne in projets_carte.items():
        projet = existants.get(ident)
        if projet is None:  # le brouillon sans porteur (LECAPITAINE)
            projet = _brouillon(session, ident, ligne, par_projet[ident])
        projet.secteurs = ligne["secteurs"] or SECTEURS_PAR_DEFAUT.get(ident, "")
        projet.remarque = ligne["remarque"]
        projet.lieu_rendez_vous = ligne["demo_lieu_rendez_vous"]
        projet.description = (
            f"Stage collectif « {ligne['nom']} » ({projet.secteurs}) : deux semaines de "
            "découverte des métiers en groupe, avec un référent identifié."
        )
        projet.restitution_prevue = bool(ligne["demo_outil_pedagogique"])
        projet.journee_lancement = ident not in RESTITUTION_SANS
        projet.statut = ligne["demo_statut"]
        projet.etape = (
            Projet.Etape.SECTEURS
            if projet.statut == Projet.Statut.BROUILLON
            else Projet.Etape.VALIDATION
        )
        projet.motif_renvoi = (
            MOTIF_RENVOI.get(ident, "") if projet.statut == Projet.Statut.RENVOYE else ""
        )
        if projet.statut not in (Projet.Statut.VALIDE, Projet.Statut.PUBLIE):
            projet.valide_le = None
        projet.save()


def _brouillon(
    session: Session, ident: str, ligne: dict[str, str], structures: list[str]
) -> Projet:
    commune = Commune.objects.get(code=ligne["demo_commune_insee"])
    projet = Projet.objects.create(
        session=session,
        identifiant=ident,
        nom=ligne["nom"],
        type=ligne["type"],
        commune=commune,
        latitude=commune.latitude,
        longitude=commune.longitude,
        places=int(ligne["demo_places"]),
        est_demo=True,
    )
    projet.structures.set(
        StructureAccueil.objects.filter(session=session, identifiant__in=structures)
    )
    return projet


def _completer_porteurs(projets_carte: dict[str, dict[str, str]]) -> None:
    for ligne in projets_carte.values():
        if ligne["demo_porteur"]:
            Porteur.objects.filter(nom=ligne["demo_porteur"]).update(
                type=ligne["demo_type_porteur"], commune_id=ligne["demo_porteur_commune"]
            )


def creer_comptes_demo(session: Session, reinitialiser: bool = False) -> dict[str, Utilisateur]:
    """Les quatre comptes de démonstration (mots de passe dans COMPTES_DEMO) ; idempotent.
    Le mot de passe d'un compte existant n'est remis à sa valeur documentée qu'avec
    `reinitialiser`. Refusée en production : aucun chemin ne crée ces comptes là-bas."""
    refuser_en_production()
    comptes = {}
    for identifiant, (role, mot_de_passe, prenom, nom) in COMPTES_DEMO.items():
        compte, cree = Utilisateur.objects.get_or_create(username=identifiant)
        compte.role, compte.first_name, compte.last_name = role, prenom, nom
        compte.email = f"{identifiant}@example.org"
        if cree or reinitialiser:  # hacher un mot de passe coûte ~1 s : seulement si besoin
            compte.set_password(mot_de_passe)
        compte.save()
        comptes[identifiant] = compte
    Porteur.objects.get(nom=PORTEUR_DEMO).gestionnaires.add(comptes["demo-porteur"])
    StructureAccueil.objects.get(session=session, nom=STRUCTURE_DEMO).gestionnaires.add(
        comptes["demo-structure"]
    )
    lycee = (
        Eleve.objects.filter(session=session)
        .values("etablissement_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "etablissement_id")
        .first()
    )
    if lycee is not None:
        Etablissement.objects.get(pk=lycee["etablissement_id"]).gestionnaires.add(
            comptes["demo-etablissement"]
        )
    return comptes


def _rapport(session: Session, deja_chargee: bool) -> RapportDemo:
    eleves = Eleve.objects.filter(session=session)
    return RapportDemo(
        session=session,
        deja_chargee=deja_chargee,
        projets=Projet.objects.filter(session=session).count(),
        structures=StructureAccueil.objects.filter(session=session).count(),
        eleves=eleves.count(),
        voeux=Voeu.objects.filter(eleve__session=session).count(),
        etablissements=eleves.values("etablissement_id").distinct().count(),
    )
