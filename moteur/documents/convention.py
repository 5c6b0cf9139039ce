"""Les données d'une convention de stage (et de l'attestation de fin de stage) pour un
élève placé, construites depuis le plan.

Le contenu canonique (JSON trié) d'une convention en fixe la version : son empreinte
SHA-256 est ce que chaque signataire approuve. Tout changement du plan qui touche l'élève
(jour, structure, horaires, porteur…) change l'empreinte, donc demande une nouvelle
signature.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date

from moteur.documents.emploi_du_temps import EmploiDuTempsEleve, emploi_du_temps_eleve
from moteur.documents.textes import date_courte, date_longue
from moteur.modele import Etablissement, IdentiteEleve, Plan, Projet, Session

# Références prudentes, vérifiées dans les conventions-types publiées (voir docs/conventions.md).
REFERENCES_LEGALES = (
    "le Code de l'éducation, notamment ses articles D. 331-1 et suivants (séquences "
    "d'observation en milieu professionnel ; convention prévue à l'article D. 331-3)",
    "le Code du travail, notamment ses articles L. 4153-1 et suivants (travail des jeunes "
    "de moins de dix-huit ans)",
    "le décret et l'arrêté du 29 novembre 2023 relatifs à la séquence d'observation en milieu "
    "professionnel en classe de seconde générale et technologique",
    "la circulaire du 28 mars 2024 relative à la séquence d'observation de la classe de "
    "seconde du lycée général et technologique (NOR : MENE2400643C)",
)

OBJECTIFS_DEFAUT = (
    "Découvrir plusieurs métiers et environnements professionnels du territoire, en "
    "observation, sans concourir au travail des structures d'accueil ; nourrir la "
    "réflexion de l'élève sur son orientation."
)
TRANSPORT_DEFAUT = (
    "Les déplacements entre le domicile, le point de rendez-vous et les structures "
    "d'accueil sont organisés par le porteur du projet ou par la famille, à pied ou en "
    "transport collectif lorsque c'est possible."
)
REPAS_DEFAUT = (
    "Le déjeuner est pris pendant la pause méridienne indiquée à l'emploi du temps ; "
    "son organisation et sa prise en charge éventuelle sont précisées par le porteur."
)
ASSURANCE_DEFAUT = (
    "L'établissement et le porteur du projet contractent chacun une assurance couvrant "
    "leur responsabilité civile pour les dommages causés ou subis par l'élève pendant la "
    "séquence d'observation. La famille est invitée à vérifier son assurance scolaire."
)


@dataclass(slots=True)
class OptionsConvention:
    """Ce que le dossier de session ne dit pas et que la plateforme sait (réglages du
    projet) ; des valeurs par défaut prudentes pour la ligne de commande."""

    signature_par_structures: bool = False
    restitution_prevue: bool = True
    lieu_rendez_vous: str = ""
    objectifs: str = OBJECTIFS_DEFAUT
    transport: str = TRANSPORT_DEFAUT
    repas: str = REPAS_DEFAUT
    assurance: str = ASSURANCE_DEFAUT
    pauses: Mapping[str, int] = field(default_factory=dict)
    porteur_email: str = ""
    structures_email: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Partie:
    """Une partie signataire. `cle` est stable d'une version à l'autre."""

    cle: str
    role: str  # etablissement, porteur, structure, representant_legal
    libelle: str
    organisme: str
    signataire: str
    qualite: str
    adresse: str = ""
    email: str = ""


@dataclass(slots=True)
class DonneesConvention:
    session_nom: str
    eleve_id: str
    date_naissance: date
    identite: IdentiteEleve | None
    etablissement: Etablissement
    projet: Projet
    parties: list[Partie]
    emploi: EmploiDuTempsEleve
    restitution: str
    lieu_rendez_vous: str
    objectifs: str
    transport: str
    repas: str
    assurance: str
    references_legales: tuple[str, ...] = REFERENCES_LEGALES

    @property
    def periode(self) -> str:
        debut, fin = self.emploi.date_debut, self.emploi.date_fin
        if debut is None or fin is None:
            return ""
        return (
            f"du {date_longue(debut)} au {date_longue(fin)} "
            f"(du {date_courte(debut)} au {date_courte(fin)})"
        )

    @property
    def date_naissance_texte(self) -> str:
        return date_courte(self.date_naissance)

    @property
    def nombre_jours(self) -> int:
        return len(self.emploi.jours)


def _parties(
    session: Session,
    projet: Projet,
    emploi: EmploiDuTempsEleve,
    options: OptionsConvention,
    identite: IdentiteEleve | None,
) -> list[Partie]:
    etab = session.etablissements[emploi.uai]
    parties = [
        Partie(
            cle=f"etablissement:{etab.uai}",
            role="etablissement",
            libelle="L'établissement scolaire",
            organisme=etab.nom,
            signataire=etab.chef_etablissement,
            qualite="Chef d'établissement",
            adresse=etab.adresse,
            email=etab.email,
        ),
        Partie(
            cle="porteur",
            role="porteur",
            libelle="Le porteur du projet",
            organisme=projet.porteur,
            signataire=projet.porteur_representant,
            qualite="Représentant du porteur",
            adresse=projet.porteur_adresse,
            email=options.porteur_email,
        ),
    ]
    if options.signature_par_structures:
        for sid in emploi.structures:
            s = session.structures[sid]
            parties.append(
                Partie(
                    cle=f"structure:{sid}",
                    role="structure",
                    libelle="La structure d'accueil",
                    organisme=s.nom,
                    signataire=s.representant,
                    qualite="Représentant de la structure d'accueil",
                    adresse=s.adresse,
                    email=options.structures_email.get(sid, s.tuteur_email),
                )
            )
    if identite is not None:
        for numero, nom, email in (
            (1, identite.representant1_nom, identite.representant1_email),
            (2, identite.representant2_nom, identite.representant2_email),
        ):
            if nom or email:
                parties.append(
                    Partie(
                        cle=f"representant{numero}",
                        role="representant_legal",
                        libelle="Le représentant légal de l'élève (pris connaissance)",
                        organisme="",
                        signataire=nom,
                        qualite="Représentant légal",
                        email=email,
                    )
                )
    return parties


def donnees_convention(
    session: Session, plan: Plan, eleve_id: str, options: OptionsConvention | None = None
) -> DonneesConvention | None:
    """La convention d'un élève placé ; None s'il n'est pas placé."""
    options = options or OptionsConvention()
    emploi = emploi_du_temps_eleve(session, plan, eleve_id, options.pauses)
    if emploi is None:
        return None
    eleve = session.eleves[eleve_id]
    projet = session.projets[emploi.projet_id]
    identite = session.identites.get(eleve_id)
    outil = projet.outil_pedagogique or "à définir avec le référent du groupe"
    restitution = (
        f"Un temps de restitution est prévu en fin de séquence ({outil})."
        if options.restitution_prevue
        else "Pas de temps de restitution collectif prévu."
    )
    return DonneesConvention(
        session_nom=session.parametres.nom,
        eleve_id=eleve_id,
        date_naissance=eleve.date_naissance,
        identite=identite,
        etablissement=session.etablissements[eleve.uai],
        projet=projet,
        parties=_parties(session, projet, emploi, options, identite),
        emploi=emploi,
        restitution=restitution,
        lieu_rendez_vous=options.lieu_rendez_vous,
        objectifs=options.objectifs,
        transport=options.transport,
        repas=options.repas,
        assurance=options.assurance,
    )


def _presence_fr(libelles: dict[bool, str], presence: bool | None) -> str:
    return "—" if presence is None else libelles[presence]


def _jsonable(valeur: object) -> object:
    if hasattr(valeur, "isoformat"):
        return valeur.isoformat()
    return str(valeur)


# Seuls les champs imprimés comptent : changer le nombre de places d'un projet ne demande
# pas de signer à nouveau, changer le référent ou une structure du jour, si.
CHAMPS_PROJET_IMPRIMES = (
    "id",
    "nom",
    "type",
    "porteur",
    "referent",
    "referent_telephone",
    "porteur_representant",
    "porteur_adresse",
    "outil_pedagogique",
)


def contenu_canonique(donnees: DonneesConvention) -> str:
    """JSON trié, stable : deux conventions de même contenu ont le même texte."""
    contenu = asdict(donnees)
    contenu["projet"] = {c: contenu["projet"][c] for c in CHAMPS_PROJET_IMPRIMES}
    contenu["etablissement"].pop("point", None)
    return json.dumps(
        contenu, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_jsonable
    )


def empreinte(donnees: DonneesConvention) -> str:
    """SHA-256 (hexadécimal) du contenu canonique : la version que l'on signe."""
    return hashlib.sha256(contenu_canonique(donnees).encode("utf-8")).hexdigest()


@dataclass(slots=True)
class DonneesAttestation:
    convention: DonneesConvention
    # date -> présent (True), absent (False) ; jour absent de la table = non renseigné
    presences: dict[date, bool]
    restitution_faite: bool
    date_emission: date

    @property
    def jours_presents(self) -> int:
        return sum(1 for present in self.presences.values() if present)

    @property
    def lignes(self) -> list[tuple[str, str, str]]:
        """(date, structure, présence) pour chaque jour prévu."""
        libelles = {True: "présent", False: "absent"}
        return [
            (j.date_texte, j.structure_nom, _presence_fr(libelles, self.presences.get(j.date)))
            for j in self.convention.emploi.jours
        ]
