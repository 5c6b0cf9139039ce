"""Droits d'accès et d'effacement pour un élève, exercés par son établissement.

`exporter` rassemble tout ce que la plateforme garde sur l'élève (article 15 du RGPD) ;
`supprimer` retire son identité et ses vœux, libère sa place (affectation supprimée,
convention annulée) et efface les données nominatives qui restaient attachées à lui."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from apps.conventions.models import Convention, Incident, Presence
from apps.donnees_personnelles import effacement
from apps.etablissements.models import CHAMPS_IDENTITE, Eleve, IdentiteEleve
from apps.planification.models import Affectation, Voeu
from apps.projets.models import Creneau


def _texte(valeur: Any) -> Any:
    if valeur is None or isinstance(valeur, (bool, int, float, str)):
        return valeur
    return valeur.isoformat() if hasattr(valeur, "isoformat") else str(valeur)


def _affectation(eleve: Eleve) -> dict[str, Any] | None:
    affectation = Affectation.objects.filter(eleve=eleve).select_related("projet", "groupe").first()
    if affectation is None:
        return None
    creneaux = []
    if affectation.groupe_id:
        creneaux = [
            {
                "date": c.date.isoformat(),
                "structure": c.structure.nom,
                "commune": c.structure.commune.nom,
            }
            for c in Creneau.objects.filter(groupe_id=affectation.groupe_id)
            .select_related("structure__commune")
            .order_by("date")
        ]
    return {
        "projet": affectation.projet.nom if affectation.projet else None,
        "code_projet": affectation.projet.identifiant if affectation.projet else None,
        "rang_du_voeu": affectation.rang,
        "groupe": affectation.groupe.libelle if affectation.groupe else None,
        "raison_si_non_place": affectation.raison,
        "emploi_du_temps": creneaux,
    }


def _convention(eleve: Eleve) -> dict[str, Any] | None:
    convention = Convention.objects.filter(eleve=eleve).first()
    if convention is None:
        return None
    version = convention.version_courante()
    signatures = []
    if version is not None:
        signatures = [
            {
                "role": s.get_role_display(),
                "organisme": s.organisme,
                "signataire_prevu": s.signataire_prevu,
                "courriel": s.email,
                "signee_le": _texte(s.signee_le),
                "nom_saisi": s.signe_par,
                "adresse_ip": s.adresse_ip,
                "navigateur": s.navigateur,
            }
            for s in version.signatures.order_by("ordre")
        ]
    return {
        "statut": convention.get_statut_display(),
        "version": version.numero if version else None,
        "empreinte": version.empreinte if version else None,
        "signatures": signatures,
    }


def exporter(eleve: Eleve) -> dict[str, Any]:
    """Toutes les données de l'élève, en types JSON simples."""
    identite = IdentiteEleve.objects.filter(eleve=eleve).first()
    return {
        "eleve": {
            "identifiant": eleve.identifiant,
            "session": eleve.session.nom,
            "etablissement": f"{eleve.etablissement.nom} ({eleve.etablissement.uai})",
            "date_naissance": eleve.date_naissance.isoformat(),
            "genre": eleve.get_genre_display(),
            "commune_du_domicile": eleve.commune.nom,
            "latitude_du_domicile": eleve.latitude,
            "longitude_du_domicile": eleve.longitude,
            "domaines": eleve.domaines,
            "boursier": eleve.boursier,
        },
        "identite": {c: getattr(identite, c) for c in CHAMPS_IDENTITE} if identite else None,
        "voeux": [
            {"rang": v.rang, "projet": v.projet.nom, "code_projet": v.projet.identifiant}
            for v in Voeu.objects.filter(eleve=eleve).select_related("projet").order_by("rang")
        ],
        "affectation": _affectation(eleve),
        "convention": _convention(eleve),
        "presences": [
            {
                "date": p.date.isoformat(),
                "structure": p.structure.nom,
                "statut": p.get_statut_display(),
            }
            for p in Presence.objects.filter(eleve=eleve).select_related("structure")
        ],
        "incidents": [
            {"date": i.date.isoformat(), "note": i.note}
            for i in Incident.objects.filter(eleve=eleve).order_by("date")
        ],
    }


def en_json(donnees: dict[str, Any]) -> str:
    return json.dumps(donnees, ensure_ascii=False, indent=2)


def _aplatir(prefixe: str, valeur: Any, lignes: list[tuple[str, str]]) -> None:
    if isinstance(valeur, dict):
        for cle, sous in valeur.items():
            _aplatir(f"{prefixe}.{cle}" if prefixe else cle, sous, lignes)
    elif isinstance(valeur, list):
        for i, sous in enumerate(valeur, start=1):
            _aplatir(f"{prefixe}.{i}", sous, lignes)
    else:
        lignes.append((prefixe, "" if valeur is None else str(valeur)))


def en_csv(donnees: dict[str, Any]) -> str:
    """Une ligne par donnée : `rubrique;valeur` (séparateur « ; », lisible dans un tableur)."""
    lignes: list[tuple[str, str]] = []
    _aplatir("", donnees, lignes)
    sortie = io.StringIO()
    ecrivain = csv.writer(sortie, delimiter=";", lineterminator="\r\n")
    ecrivain.writerow(["rubrique", "valeur"])
    ecrivain.writerows(lignes)
    return "\ufeff" + sortie.getvalue()


@dataclass
class BilanSuppression:
    identite: int = 0
    voeux: int = 0
    affectation: int = 0
    convention_annulee: bool = False


def _annuler_convention(eleve: Eleve) -> bool:
    """Annule la convention de l'élève, qui n'est plus placé, par la transition nommée des
    conventions (`Convention.annuler`)."""
    convention = Convention.objects.filter(eleve=eleve).first()
    if convention is None or convention.statut == Convention.Statut.ANNULEE:
        return False
    convention.annuler()
    return True


@transaction.atomic
def supprimer(eleve: Eleve) -> BilanSuppression:
    """Retire l'identité et les vœux de l'élève, libère sa place ; ne garde que l'élève
    pseudonyme (identifiant, établissement, commune) pour l'historique de la session."""
    eleves = Eleve.objects.filter(pk=eleve.pk)
    bilan = BilanSuppression(
        identite=effacement.identites(eleves, simuler=False),
        voeux=Voeu.objects.filter(eleve=eleve).delete()[0],
        affectation=Affectation.objects.filter(eleve=eleve).delete()[0],
    )
    bilan.convention_annulee = _annuler_convention(eleve)
    effacement.preuves_de_signature(eleves, simuler=False)
    effacement.documents_de_convention(eleves, simuler=False)
    effacement.notes_d_incident(eleves, simuler=False)
    effacement.domiciles(eleves, simuler=False)
    return bilan
