"""La purge des données personnelles des sessions terminées depuis plus de `RETENTION_MOIS`
mois (défaut 12) : appelée par `stages-collectifs purger` et par la tâche périodique.

Tout se fait dans une seule transaction : une purge interrompue ne laisse rien à moitié.
Restent les élèves pseudonymes, leurs affectations, les groupes et programmes, les présences
et donc toutes les statistiques ; partent les identités, les preuves nominatives des
signatures, les documents nominatifs, les notes d'incident, les positions précises des
domiciles et le journal des accès de la session. La purge elle-même est consignée au journal
(sans session, pour survivre aux purges suivantes)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import QuerySet

from apps.campagnes.models import Session
from apps.donnees_personnelles import effacement, reglages
from apps.etablissements.models import Eleve
from apps.journal.models import EntreeJournal
from apps.journal.services import Action, journaliser

# (catégorie affichée, fonction) : une nouvelle catégorie est une nouvelle ligne.
CATEGORIES: tuple[tuple[str, Callable[[QuerySet, bool], int]], ...] = (
    ("identités d'élèves (noms, classes, coordonnées, représentants)", effacement.identites),
    ("preuves de signature (courriel, IP, navigateur, nom saisi)", effacement.preuves_de_signature),
    ("documents de convention nominatifs (contenu et PDF)", effacement.documents_de_convention),
    ("notes d'incident", effacement.notes_d_incident),
    ("domiciles ramenés au centre de la commune", effacement.domiciles),
)
CATEGORIE_JOURNAL = "entrées du journal des accès"


@dataclass
class BilanSession:
    session: Session
    comptes: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.comptes.values())


@dataclass
class BilanPurge:
    aujourdhui: date
    limite: date
    simulation: bool
    sessions: list[BilanSession] = field(default_factory=list)

    def total(self, categorie: str) -> int:
        return sum(b.comptes.get(categorie, 0) for b in self.sessions)

    def lignes(self) -> list[str]:
        verbe = "partiraient" if self.simulation else "supprimées"
        entete = (
            f"Sessions terminées avant le {self.limite:%d/%m/%Y} "
            f"(aujourd'hui : {self.aujourdhui:%d/%m/%Y}, conservation : "
            f"{reglages.retention_mois()} mois) : {len(self.sessions)}."
        )
        lignes = [entete]
        for bilan in self.sessions:
            lignes.append(f"- {bilan.session.nom} (fin le {bilan.session.date_fin:%d/%m/%Y})")
            lignes += [f"    {nom} : {n}" for nom, n in bilan.comptes.items()]
        noms = [nom for nom, _ in CATEGORIES] + [CATEGORIE_JOURNAL]
        lignes.append(f"Total ({verbe}) :")
        lignes += [f"    {nom} : {self.total(nom)}" for nom in noms]
        if self.simulation:
            lignes.append("Simulation (--dry-run) : rien n'a été modifié.")
        return lignes


def sessions_a_purger(aujourdhui: date) -> QuerySet[Session]:
    limite = reglages.mois_avant(aujourdhui, reglages.retention_mois())
    return Session.objects.filter(date_fin__lt=limite).order_by("date_fin", "pk")


def _purger_session(session: Session, simuler: bool) -> BilanSession:
    eleves = Eleve.objects.filter(session=session)
    bilan = BilanSession(session)
    for nom, fonction in CATEGORIES:
        bilan.comptes[nom] = fonction(eleves, simuler)
    journal = EntreeJournal.objects.filter(session=session)
    bilan.comptes[CATEGORIE_JOURNAL] = journal.count() if simuler else journal.delete()[0]
    return bilan


def purger(aujourdhui: date | None = None, simuler: bool = False) -> BilanPurge:
    """Purge (ou, si `simuler`, compte) les données des sessions terminées depuis plus de
    `RETENTION_MOIS` mois à la date `aujourdhui` (par défaut : aujourd'hui)."""
    aujourdhui = aujourdhui or date.today()
    limite = reglages.mois_avant(aujourdhui, reglages.retention_mois())
    bilan = BilanPurge(aujourdhui, limite, simuler)
    with transaction.atomic():
        for session in sessions_a_purger(aujourdhui):
            bilan.sessions.append(_purger_session(session, simuler))
        purgees = [b for b in bilan.sessions if b.total]
        if purgees and not simuler:
            journaliser(
                None,
                Action.SUPPRESSION,
                "purge des données personnelles : "
                + ", ".join(f"session {b.session.pk} ({b.total} lignes)" for b in purgees),
                nombre_eleves=sum(b.comptes[CATEGORIES[0][0]] for b in purgees),
            )
    return bilan
