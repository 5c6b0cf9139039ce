from __future__ import annotations

from datetime import date

from django import forms

from apps.campagnes.models import Session


class SessionForm(forms.ModelForm):
    """Ouvrir ou configurer une session : dates, jours fériés, distance maximale, statut."""

    jours_feries_texte = forms.CharField(
        label="Jours fériés (AAAA-MM-JJ, séparés par des virgules)",
        required=False,
    )

    class Meta:
        model = Session
        fields = ["nom", "date_debut", "date_fin", "distance_max_km", "statut", "est_active"]
        widgets = {
            "date_debut": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "date_fin": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jours_feries_texte"].initial = ", ".join(self.instance.jours_feries or [])

    def clean_jours_feries_texte(self) -> list[str]:
        jours = []
        for morceau in self.cleaned_data["jours_feries_texte"].split(","):
            morceau = morceau.strip()
            if not morceau:
                continue
            try:
                jours.append(date.fromisoformat(morceau).isoformat())
            except ValueError:
                raise forms.ValidationError(
                    f"« {morceau} » n'est pas une date AAAA-MM-JJ."
                ) from None
        return sorted(set(jours))

    def clean(self) -> dict:
        donnees = super().clean()
        debut, fin = donnees.get("date_debut"), donnees.get("date_fin")
        for jour in donnees.get("jours_feries_texte") or []:
            if debut and fin and not debut.isoformat() <= jour <= fin.isoformat():
                self.add_error("jours_feries_texte", f"Le {jour} est hors de la session.")
        return donnees

    def save(self, commit: bool = True) -> Session:
        self.instance.jours_feries = self.cleaned_data["jours_feries_texte"]
        session = super().save(commit=commit)
        if commit and session.est_active:
            # Une seule session en cours : la carte publique et les espaces la suivent.
            Session.objects.exclude(pk=session.pk).filter(est_active=True).update(est_active=False)
        return session
