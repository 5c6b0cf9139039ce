"""Les services d'une date : `calendar.txt` puis les exceptions de `calendar_dates.txt`.

Un service circule le jour J si J est dans [start_date, end_date] de `calendar.txt` et que
la colonne du jour de la semaine vaut 1, sauf exception : `calendar_dates.txt` ajoute
(exception_type 1) ou retire (exception_type 2) le service ce jour-là. Un flux peut n'avoir
que `calendar_dates.txt` (c'est le cas de beaucoup de réseaux français).

La période du flux (du premier au dernier jour où un service peut circuler) sert à refuser
une date « hors service » : demander un horaire le 14 juillet d'un flux qui s'arrête en
juin est une erreur d'entrée, pas un trajet impossible.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from moteur.transport.gtfs import FluxGtfs

JOURS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(slots=True)
class Calendrier:
    """Ce que disent calendar.txt et calendar_dates.txt, prêt à interroger par date."""

    # service_id -> (début, fin, jours de la semaine où il circule : 0 = lundi)
    regles: dict[str, tuple[date, date, frozenset[int]]] = field(default_factory=dict)
    ajouts: dict[date, set[str]] = field(default_factory=dict)
    retraits: dict[date, set[str]] = field(default_factory=dict)

    def services(self, jour: date) -> set[str]:
        """Les services qui circulent ce jour-là."""
        actifs = {
            s
            for s, (debut, fin, jours) in self.regles.items()
            if debut <= jour <= fin and jour.weekday() in jours
        }
        actifs |= self.ajouts.get(jour, set())
        actifs -= self.retraits.get(jour, set())
        return actifs

    def periode(self) -> tuple[date, date] | None:
        """Premier et dernier jour où un service peut circuler (None : flux vide)."""
        bornes = [d for debut, fin, _ in self.regles.values() for d in (debut, fin)]
        bornes += list(self.ajouts)
        return (min(bornes), max(bornes)) if bornes else None


def lire_calendrier(flux: FluxGtfs) -> Calendrier:
    """Lit calendar.txt et calendar_dates.txt (l'un des deux au moins doit exister)."""
    if not flux.contient("calendar.txt") and not flux.contient("calendar_dates.txt"):
        flux.table("calendar.txt")  # lève l'erreur « fichier obligatoire absent »
    calendrier = Calendrier()
    _lire_regles(flux, calendrier)
    _lire_exceptions(flux, calendrier)
    return calendrier


def _lire_regles(flux: FluxGtfs, calendrier: Calendrier) -> None:
    table = flux.table("calendar.txt", obligatoire=False)
    if table is None:
        return
    with table:
        i_service = table.indice("service_id")
        i_jours = [table.indice(j) for j in JOURS]
        i_debut, i_fin = table.indice("start_date"), table.indice("end_date")
        for ligne in table:
            service = table.texte(ligne, i_service, "service_id")
            jours = set()
            for numero, (nom, i) in enumerate(zip(JOURS, i_jours, strict=True)):
                valeur = table.texte(ligne, i, nom)
                if valeur not in ("0", "1"):
                    raise table.erreur(f"« {valeur} » au lieu de 0 ou 1", ligne.numero, nom)
                if valeur == "1":
                    jours.add(numero)
            debut = table.date(ligne, i_debut, "start_date")
            fin = table.date(ligne, i_fin, "end_date")
            if fin < debut:
                raise table.erreur("end_date précède start_date", ligne.numero, "end_date")
            calendrier.regles[service] = (debut, fin, frozenset(jours))


def _lire_exceptions(flux: FluxGtfs, calendrier: Calendrier) -> None:
    table = flux.table("calendar_dates.txt", obligatoire=False)
    if table is None:
        return
    with table:
        i_service, i_date = table.indice("service_id"), table.indice("date")
        i_type = table.indice("exception_type")
        for ligne in table:
            service = table.texte(ligne, i_service, "service_id")
            jour = table.date(ligne, i_date, "date")
            genre = table.texte(ligne, i_type, "exception_type")
            if genre == "1":
                calendrier.ajouts.setdefault(jour, set()).add(service)
            elif genre == "2":
                calendrier.retraits.setdefault(jour, set()).add(service)
            else:
                message = f"« {genre} » au lieu de 1 (ajout) ou 2 (retrait)"
                raise table.erreur(message, ligne.numero, "exception_type")
