"""Le formulaire « trois minutes » de la structure d'accueil."""

from __future__ import annotations

from datetime import date

from django import forms

from apps.structures.models import AccueilSuivant, StructureAccueil
from moteur.modele import DOMAINES_ROME

CHOIX_DOMAINES = [(code, f"{code} — {libelle}") for code, libelle in DOMAINES_ROME.items()]


class FicheStructureForm(forms.ModelForm):
    jours = forms.MultipleChoiceField(
        label="Jours où vous pouvez accueillir",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Ne cochez rien si vous accueillez tous les jours.",
    )
    domaines = forms.MultipleChoiceField(
        label="Domaines de métiers présentés (ROME)",
        choices=CHOIX_DOMAINES,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = StructureAccueil
        fields = [
            "jours",
            "accueil_max",
            "jours_max",
            "tuteur",
            "tuteur_email",
            "telephone",
            "age_min",
            "domaines",
            "heure_debut",
            "heure_fin",
            "pause_minutes",
            "consignes_securite",
            "activite_pedagogique",
            "observation_seulement",
            "representant",
            "adresse",
        ]
        widgets = {
            "heure_debut": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "heure_fin": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "consignes_securite": forms.Textarea(attrs={"rows": 3}),
            "activite_pedagogique": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "accueil_max": "Combien d'élèves de seconde ensemble, par jour.",
            "jours_max": "Facultatif : au plus combien de jours sur la quinzaine.",
            "age_min": "Les élèves de seconde ont en général 15 ou 16 ans.",
            "pause_minutes": "Au moins 30 minutes dès que la journée dépasse 4 h 30.",
            "activite_pedagogique": "Ex. : visite, atelier, rencontre d'un métier, "
            "production d'un reportage.",
        }

    def __init__(self, *args, jours_ouvres: tuple[date, ...] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jours"].choices = [(j.isoformat(), j.strftime("%d/%m")) for j in jours_ouvres]
        self.fields["jours"].widget.choices = self.fields["jours"].choices
        self.initial["jours"] = list(self.instance.jours)
        self.initial["domaines"] = self.instance.liste_domaines

    def clean_domaines(self) -> str:
        return "|".join(sorted(self.cleaned_data["domaines"]))

    def clean_jours(self) -> list[str]:
        return sorted(self.cleaned_data["jours"])

    def clean(self) -> dict:
        donnees = super().clean()
        debut, fin = donnees.get("heure_debut"), donnees.get("heure_fin")
        if debut and fin and fin <= debut:
            self.add_error("heure_fin", "L'heure de fin doit suivre l'heure de début.")
        return donnees


class AccueilSuivantForm(forms.Form):
    """Après la session : « accueillerez-vous de nouveau des élèves la saison prochaine ? »"""

    reponse = forms.ChoiceField(
        label="Accueillerez-vous de nouveau des élèves de seconde la saison prochaine ?",
        choices=[(AccueilSuivant.OUI.value, "Oui"), (AccueilSuivant.NON.value, "Non")],
        widget=forms.RadioSelect,
        error_messages={"required": "Répondez oui ou non."},
    )
    remarque = forms.CharField(
        label="Une précision pour la coordination (facultatif)",
        max_length=300,
        required=False,
        help_text="Ex. : plutôt en juin, 4 élèves au plus, autre tuteur.",
    )
