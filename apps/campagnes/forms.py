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
        fields = [
            "nom",
            "date_debut",
            "date_fin",
            "date_publication",
            "distance_max_km",
            "statut",
            "est_active",
        ]
        widgets = {
            "date_debut": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "date_fin": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "date_publication": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
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
        publication = donnees.get("date_publication")
        if publication and debut and publication > debut:
            self.add_error(
                "date_publication",
                "Les résultats s'annoncent au plus tard le premier jour de la session.",
            )
        return donnees

    def save(self, commit: bool = True) -> Session:
        self.instance.jours_feries = self.cleaned_data["jours_feries_texte"]
        session = super().save(commit=commit)
        if commit and session.est_active:
            # Une seule session en cours : la carte publique et les espaces la suivent.
            Session.objects.exclude(pk=session.pk).filter(est_active=True).update(est_active=False)
        return session


class SessionSuivanteForm(SessionForm):
    """La saison qui suit une autre : ses dates, jours fériés, distance et date des
    résultats ; elle devient la session en cours, en préparation."""

    archiver = forms.BooleanField(
        label="Archiver la saison précédente (lecture seule)",
        required=False,
        initial=True,
        help_text="Plus rien n'y sera modifiable ; elle reste consultable.",
    )

    class Meta(SessionForm.Meta):
        fields = ["nom", "date_debut", "date_fin", "date_publication", "distance_max_km"]

    def session(self) -> Session:
        """La nouvelle session, non enregistrée (formulaire valide) : la vue la confie à
        apps.campagnes.saison.ouvrir_saison_suivante, qui enregistre tout ou rien."""
        self.instance.jours_feries = self.cleaned_data["jours_feries_texte"]
        return self.instance
