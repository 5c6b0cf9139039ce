"""Les filtres du journal des accès (tous facultatifs)."""

from __future__ import annotations

from django import forms

from apps.journal.models import Action


class FiltreJournalForm(forms.Form):
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Toutes"), *Action.choices]
    )
    utilisateur = forms.CharField(
        label="Compte (identifiant)", required=False, max_length=150, strip=True
    )
    du = forms.DateField(label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    au = forms.DateField(label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        donnees = super().clean()
        du, au = donnees.get("du"), donnees.get("au")
        if du and au and au < du:
            self.add_error("au", "La date de fin précède la date de début.")
        return donnees

    def filtrer(self, entrees):
        """Les entrées qui passent les filtres valides (toutes si le formulaire est invalide)."""
        if not self.is_valid():
            return entrees
        d = self.cleaned_data
        if d["action"]:
            entrees = entrees.filter(action=d["action"])
        if d["utilisateur"]:
            entrees = entrees.filter(identifiant_utilisateur__icontains=d["utilisateur"])
        if d["du"]:
            entrees = entrees.filter(quand__date__gte=d["du"])
        if d["au"]:
            entrees = entrees.filter(quand__date__lte=d["au"])
        return entrees
