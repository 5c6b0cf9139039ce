"""Produire en masse, sans base de données, les documents d'une session et de son plan :
une convention PDF et un calendrier .ics par élève placé, un ZIP par établissement.

Utilisé par la ligne de commande ; la plateforme produit chaque document avec les mêmes
fonctions (`moteur.documents` pour les données, `apps.conventions.rendu` pour la forme).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from apps.conventions.fichiers import nom_sur
from moteur.documents import (
    OptionsConvention,
    calendrier_ics,
    donnees_convention,
    eleves_places,
    empreinte,
    trajets_de_l_eleve,
)
from moteur.modele import Plan, Session
from moteur.transport.acces import reseau_de_la_session
from moteur.transport.trajets import Trajets


def nom_fichier(identifiant: str) -> str:
    """Un nom de fichier sûr (voir `apps.conventions.fichiers.nom_sur`)."""
    return nom_sur(identifiant, defaut="eleve")


@dataclass(slots=True)
class DocumentsEleve:
    eleve_id: str
    uai: str
    pdf: bytes
    ics: bytes
    empreinte: str


@dataclass(slots=True)
class Bilan:
    eleves: int = 0
    par_etablissement: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


def documents_eleve(
    session: Session,
    plan: Plan,
    eleve_id: str,
    options: OptionsConvention,
    trajets: Trajets | None = None,
) -> DocumentsEleve:
    """La convention et le .ics d'un élève placé ; avec `trajets` (session avec un flux
    GTFS), le .ics donne le trajet conseillé de chaque jour."""
    from apps.conventions.rendu import convention_pdf

    donnees = donnees_convention(session, plan, eleve_id, options)
    assert donnees is not None, "élève non placé"
    version = empreinte(donnees)
    du_jour = (
        trajets_de_l_eleve(session, donnees.emploi, trajets.reseau, trajets) if trajets else {}
    )
    return DocumentsEleve(
        eleve_id=eleve_id,
        uai=donnees.etablissement.uai,
        pdf=convention_pdf(donnees, 1, version),
        ics=calendrier_ics(donnees.emploi, donnees.projet.referent_telephone, du_jour),
        empreinte=version,
    )


def _trajets(session: Session) -> Trajets | None:
    """Les trajets du flux GTFS de la session (None sans flux), partagés entre élèves."""
    transport = session.parametres.transport
    reseau = reseau_de_la_session(session)
    if transport is None or reseau is None:
        return None
    return Trajets(reseau, transport.duree_max_s)


def ecrire_lot(
    session: Session,
    plan: Plan,
    sortie: Path,
    options: OptionsConvention | None = None,
    progression: Callable[[Iterable[str]], Iterable[str]] = lambda x: x,
) -> Bilan:
    """Écrit `<eleve_id>.pdf`, `<eleve_id>.ics` et `<uai>.zip` dans `sortie`."""
    from apps.conventions.rendu import archive_zip

    options = options or OptionsConvention()
    sortie.mkdir(parents=True, exist_ok=True)
    bilan = Bilan()
    trajets = _trajets(session)
    for eleve_id in progression(eleves_places(session, plan)):
        docs = documents_eleve(session, plan, eleve_id, options, trajets)
        base = nom_fichier(eleve_id)
        (sortie / f"{base}.pdf").write_bytes(docs.pdf)
        (sortie / f"{base}.ics").write_bytes(docs.ics)
        bilan.eleves += 1
        bilan.par_etablissement[docs.uai].append(base)
    for uai, bases in sorted(bilan.par_etablissement.items()):
        fichiers = []
        for base in bases:
            fichiers.append((f"{base}.pdf", (sortie / f"{base}.pdf").read_bytes()))
            fichiers.append((f"{base}.ics", (sortie / f"{base}.ics").read_bytes()))
        (sortie / f"{nom_fichier(uai)}.zip").write_bytes(archive_zip(fichiers))
    return bilan
