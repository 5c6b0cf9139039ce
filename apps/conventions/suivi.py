"""L'avancement des signatures, par établissement et par projet, et ce qui manque avant de
générer les conventions (courriels des signataires)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from apps.campagnes.models import Session
from apps.conventions.models import Convention, Signature
from apps.etablissements.models import Etablissement
from apps.planification.models import Affectation
from apps.projets.models import Porteur


@dataclass(slots=True)
class Avancement:
    """Une ligne du tableau : un établissement ou un projet."""

    cle: str
    libelle: str
    total: int = 0
    signees: int = 0
    a_signer: int = 0
    a_resigner: int = 0
    en_attente_de: Counter = field(default_factory=Counter)

    @property
    def attente_texte(self) -> str:
        return ", ".join(f"{role} ({n})" for role, n in sorted(self.en_attente_de.items()))


def attentes(conventions: QuerySet[Convention]) -> dict[int, list[str]]:
    """Pour chaque convention, les rôles des parties qui n'ont pas signé sa version courante."""
    roles = dict(Signature.Role.choices)
    attente: dict[int, list[str]] = {}
    for convention_id, role in (
        Signature.objects.en_attente()
        .filter(version__convention__in=conventions)
        .order_by("version__convention", "ordre")
        .values_list("version__convention", "role")
    ):
        attente.setdefault(convention_id, []).append(roles.get(role, role))
    return attente


def avancement(conventions: QuerySet[Convention], par: str) -> list[Avancement]:
    """`par` : "etablissement" ou "projet". Les conventions annulées ne comptent pas."""
    actives = conventions.exclude(statut=Convention.Statut.ANNULEE)
    attente = attentes(actives)
    lignes: dict[str, Avancement] = {}
    for c in actives.select_related("eleve__etablissement", "projet"):
        if par == "etablissement":
            cle, libelle = c.eleve.etablissement.uai, c.eleve.etablissement.nom
        else:
            cle = c.projet.code if c.projet else ""
            libelle = f"{c.projet.nom} ({c.projet.code})" if c.projet else "sans projet"
        ligne = lignes.setdefault(cle, Avancement(cle, libelle))
        ligne.total += 1
        ligne.signees += c.statut == Convention.Statut.SIGNEE
        ligne.a_signer += c.statut == Convention.Statut.A_SIGNER
        ligne.a_resigner += c.statut == Convention.Statut.A_RESIGNER
        ligne.en_attente_de.update(attente.get(c.pk, []))
    return sorted(lignes.values(), key=lambda a: a.libelle)


def courriels_manquants(session: Session) -> list[str]:
    """Ce qu'il faut compléter, et où, avant de générer les conventions : le courriel du
    chef d'établissement de chaque lycée qui a des élèves placés, et celui du signataire
    de chaque porteur de projet qui accueille des élèves."""
    places = Affectation.objects.filter(eleve__session=session, projet__isnull=False)
    manques = [
        f"Établissement {e.nom} ({e.uai}) : courriel du chef d'établissement à compléter "
        "dans les réglages de l'établissement."
        for e in Etablissement.objects.filter(
            Q(email="") & Q(pk__in=places.values("eleve__etablissement"))
        ).order_by("nom")
    ]
    porteurs = Porteur.objects.filter(email="", pk__in=places.values("projet__porteur"))
    manques += [
        f"Porteur {p.nom} : courriel du signataire à compléter à l'étape 3 (porteur de la "
        "convention) de ses projets."
        for p in porteurs.order_by("nom")
    ]
    return manques
