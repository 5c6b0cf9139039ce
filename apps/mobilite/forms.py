from __future__ import annotations

from django import forms

from apps.mobilite.models import FluxTransport
from moteur.transport.parametres import DUREE_MAX_MIN_LIMITE


class TeleversementForm(forms.Form):
    fichier = forms.FileField(
        label="Flux GTFS (fichier zip)",
        help_text="Les horaires publiés par les réseaux (agrégat Atoumod, TER) au format GTFS.",
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )


class ReglagesForm(forms.Form):
    jour_calcul = forms.TypedChoiceField(
        label="Jour des horaires utilisés pour les calculs",
        coerce=lambda x: x,
        empty_value="",
        required=False,
    )
    arrivee = forms.TimeField(
        label="Arrivée au point de rendez-vous au plus tard (HH:MM)",
        input_formats=["%H:%M"],
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
    )
    duree_max_min = forms.IntegerField(
        label="Durée maximale du trajet (minutes)",
        min_value=1,
        max_value=DUREE_MAX_MIN_LIMITE,
    )

    def __init__(self, *args, flux: FluxTransport, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        jours = flux.session.jours_ouvres
        defaut = flux.jour_utilise if flux.jour_calcul is None else None
        libelle = (
            f"par défaut : premier jour ouvré couvert ({defaut:%d/%m/%Y})"
            if defaut
            else ("par défaut : premier jour ouvré couvert")
        )
        self.fields["jour_calcul"].choices = [("", libelle)] + [
            (j.isoformat(), f"{j:%d/%m/%Y}") for j in jours
        ]
