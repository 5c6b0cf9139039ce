"""Base → moteur : la session et le plan enregistrés, lus pour le moteur (`moteur.modele`).

- `session_moteur(session)` : une session de la base → `moteur.modele.Session`, en une
  poignée de requêtes (pas une par élève : 25 000 élèves se lisent en une seconde environ).
- `plan_moteur(session)` : le plan enregistré (affectations, groupes, planning).
- Le format d'échange cite les projets par leur code (`Projet.code`, « 61-025 ») : l'export
  passe `par_code=True` à `session_moteur` et `plan_moteur` (`cle_projet`). Les calculs
  internes gardent l'identifiant (les plans en attente et les conventions s'y réfèrent).
"""

from __future__ import annotations

from collections.abc import Collection

from apps.campagnes.models import Session
from apps.etablissements.models import CHAMPS_IDENTITE, Eleve, Etablissement, IdentiteEleve
from apps.mobilite.services import parametres_transport
from apps.planification.models import Affectation, Voeu
from apps.projets.models import Creneau, Projet
from apps.structures.models import StructureAccueil
from moteur import modele as m
from moteur import referentiel


def session_moteur(
    session: Session,
    *,
    statuts: Collection[str] | None = None,
    avec_identites: bool = False,
    par_code: bool = False,
    transport: bool = True,
) -> m.Session:
    """La session de la base pour le moteur.

    `statuts` : ne garder que les projets de ces statuts (None = tous ceux qui ont un porteur
    et au moins une structure). Les vœux vers un projet écarté sont retirés, avec un
    avertissement. Les identités ne sont lues que si `avec_identites`. `par_code` : les
    projets (et les vœux qui les citent) sont désignés par leur code lisible, comme dans le
    format d'échange, au lieu de leur identifiant. `transport` : joindre les paramètres du
    flux GTFS téléversé pour la session (page Mobilité), s'il y en a un.
    """
    donnees = m.Session(parametres=session.parametres())
    if transport:
        donnees.parametres.transport = transport_moteur(session, donnees.avertissements)
    donnees.structures = _structures_moteur(session)
    donnees.projets = _projets_moteur(session, statuts, donnees.avertissements, par_code)
    donnees.eleves = _eleves_moteur(session, set(donnees.projets), donnees.avertissements, par_code)
    donnees.etablissements = _etablissements_moteur(session)
    if avec_identites:
        donnees.identites = _identites_moteur(session)
    return donnees


def transport_moteur(session: Session, avertissements: list[str]) -> m.ParametresTransport | None:
    """Les paramètres du flux GTFS de la session (None : aucun flux téléversé). Un flux dont
    le fichier a disparu du serveur est écarté, avec un avertissement (vol d'oiseau seul)."""
    parametres = parametres_transport(session)
    if parametres is not None and not parametres.gtfs.is_file():
        avertissements.append(
            f"le flux GTFS « {parametres.nom_fichier} » est introuvable sur le serveur : "
            "trajets à vol d'oiseau seulement ; téléversez-le de nouveau (page Mobilité)"
        )
        return None
    return parametres


def _structures_moteur(session: Session) -> dict[str, m.StructureAccueil]:
    resultat = {}
    for s in StructureAccueil.objects.filter(session=session).order_by("identifiant"):
        resultat[s.identifiant] = m.StructureAccueil(
            id=s.identifiant,
            nom=s.nom,
            domaines=tuple(s.liste_domaines),
            commune_insee=s.commune_id,
            point=m.Point(s.latitude, s.longitude),
            accueil_max=s.accueil_max,
            jours=tuple(sorted(s.dates_accueil)),
            jours_max=s.jours_max,
            age_min=s.age_min,
            heure_debut=s.heure_debut,
            heure_fin=s.heure_fin,
            siret=s.siret,
            adresse=s.adresse,
            tuteur=s.tuteur,
            tuteur_email=s.tuteur_email,
            telephone=s.telephone,
            representant=s.representant,
        )
    return resultat


def cle_projet(code: str, identifiant: str, par_code: bool) -> str:
    """Comment le moteur désigne un projet : son code (format d'échange) ou son identifiant.
    Un projet sans code (jamais après `attribuer_codes`) garde son identifiant."""
    return (code or identifiant) if par_code else identifiant


def _projets_moteur(
    session: Session, statuts: Collection[str] | None, avertissements: list[str], par_code: bool
) -> dict[str, m.Projet]:
    projets = Projet.objects.filter(session=session).select_related("porteur")
    if statuts is not None:
        projets = projets.filter(statut__in=list(statuts))
    lien = Projet.structures.through
    structures_par_projet: dict[int, list[str]] = {}
    for projet_id, identifiant in (
        lien.objects.filter(projet__session=session)
        .order_by("structureaccueil__identifiant")
        .values_list("projet_id", "structureaccueil__identifiant")
    ):
        structures_par_projet.setdefault(projet_id, []).append(identifiant)
    resultat = {}
    for p in sorted(projets, key=lambda p: cle_projet(p.code, p.identifiant, par_code)):
        cle = cle_projet(p.code, p.identifiant, par_code)
        structures = tuple(structures_par_projet.get(p.pk, ()))
        if p.porteur is None or not structures:
            avertissements.append(
                f"projet {cle} écarté : il n'a pas encore de porteur ou de structure"
            )
            continue
        resultat[cle] = m.Projet(
            id=cle,
            nom=p.nom,
            type=m.TypeProjet(p.type),
            porteur=p.porteur.nom,
            commune_insee=p.commune_id,
            point=m.Point(p.latitude, p.longitude),
            places=p.places,
            structures=structures,
            referent=p.referent,
            referent_telephone=p.referent_telephone,
            porteur_representant=p.porteur.representant,
            porteur_adresse=p.porteur.adresse,
            outil_pedagogique=p.outil_pedagogique,
        )
    return resultat


def _voeux_par_eleve(session: Session, par_code: bool) -> dict[int, list[str]]:
    voeux: dict[int, list[str]] = {}
    for eleve_id, code, identifiant in (
        Voeu.objects.filter(eleve__session=session)
        .order_by("eleve_id", "rang")
        .values_list("eleve_id", "projet__code", "projet__identifiant")
    ):
        voeux.setdefault(eleve_id, []).append(cle_projet(code, identifiant, par_code))
    return voeux


# fmt: off
COLONNES_ELEVE = (
    "pk", "identifiant", "etablissement__uai", "date_naissance", "genre", "commune_id",
    "commune__population", "latitude", "longitude", "domaines", "boursier",
)
# fmt: on


def _eleves_moteur(
    session: Session, projets: set[str], avertissements: list[str], par_code: bool
) -> dict[str, m.Eleve]:
    voeux = _voeux_par_eleve(session, par_code)
    resultat = {}
    retires = 0
    lignes = Eleve.objects.filter(session=session).order_by("ordre", "pk")
    for ligne in lignes.values_list(*COLONNES_ELEVE):
        pk, ident, uai, naissance, genre, commune, population, lat, lon, domaines, boursier = ligne
        tous = voeux.get(pk, [])
        gardes = tuple(p for p in tous if p in projets)
        retires += len(tous) - len(gardes)
        resultat[ident] = m.Eleve(
            id=ident,
            uai=uai,
            date_naissance=naissance,
            voeux=gardes,
            commune_insee=commune,
            point=m.Point(lat, lon),
            genre=genre,
            domaines=tuple(d for d in domaines.split("|") if d),
            boursier=boursier,
            rural=population < referentiel.SEUIL_RURAL,
        )
    if retires:
        avertissements.append(f"{retires} vœu(x) vers des projets écartés ont été retirés")
    return resultat


def _etablissements_moteur(session: Session) -> dict[str, m.Etablissement]:
    etablissements = Etablissement.objects.filter(
        pk__in=Eleve.objects.filter(session=session).values("etablissement_id")
    ).order_by("uai")
    return {
        e.uai: m.Etablissement(
            uai=e.uai,
            nom=e.nom,
            commune_insee=e.commune_id,
            point=m.Point(e.latitude, e.longitude),
            adresse=e.adresse,
            chef_etablissement=e.chef_etablissement,
            email=e.email,
        )
        for e in etablissements
    }


def _identites_moteur(session: Session) -> dict[str, m.IdentiteEleve]:
    lignes = (
        IdentiteEleve.objects.filter(eleve__session=session)
        .order_by("eleve__ordre", "eleve_id")
        .values_list("eleve__identifiant", *CHAMPS_IDENTITE)
    )
    return {ligne[0]: m.IdentiteEleve(ligne[0], *ligne[1:]) for ligne in lignes}


def a_un_plan(session: Session) -> bool:
    return Affectation.objects.filter(eleve__session=session).exists()


def plan_moteur(session: Session, *, par_code: bool = False) -> m.Plan:
    """Le plan enregistré (affectations et planning) ; vide s'il n'y en a pas. `par_code` :
    les projets y sont cités par leur code lisible (format d'échange)."""
    plan = m.Plan()
    for eleve, code, ident, rang, groupe in (
        Affectation.objects.filter(eleve__session=session)
        .order_by("eleve__ordre", "eleve_id")
        .values_list(
            "eleve__identifiant", "projet__code", "projet__identifiant", "rang", "groupe__libelle"
        )
    ):
        projet = cle_projet(code, ident, par_code) if ident is not None else None
        plan.affectations[eleve] = m.Affectation(eleve, projet, rang, groupe or "")
    creneaux = Creneau.objects.filter(groupe__projet__session=session).values_list(
        "groupe__projet__code",
        "groupe__projet__identifiant",
        "groupe__libelle",
        "date",
        "structure__identifiant",
    )
    plan.planning = sorted(
        (
            m.LignePlanning(cle_projet(code, ident, par_code), groupe, jour, structure)
            for code, ident, groupe, jour, structure in creneaux
        ),
        key=lambda ligne: (ligne.projet_id, ligne.groupe, ligne.date),
    )
    return plan
