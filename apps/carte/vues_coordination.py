"""Vues de la coordination : couverture du territoire et tableau de bord (avec exports)."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.campagnes.acces import session_active_ou_404
from apps.carte import exports
from apps.carte.couverture import AccesTransport, acces_en_transport
from apps.carte.couverture import couverture as calculer_couverture
from apps.carte.filtres import STATUTS_CARTE
from apps.carte.graphiques import Serie, barres
from apps.carte.indicateurs import Tableau
from apps.carte.indicateurs import tableau_de_bord as calculer_tableau
from apps.comptes.acces import coordination_requise
from apps.mobilite.models import FluxTransport
from apps.projets.models import Projet
from moteur.modele import DOMAINES_ROME

FORMATS = {
    "csv": ("text/csv; charset=utf-8", exports.en_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", exports.en_xlsx),
}


class ChoixProjet(forms.Form):
    """Le projet dont on veut voir les lycées d'où il est atteignable en transport."""

    projet = forms.ModelChoiceField(
        queryset=Projet.objects.none(),
        label="Projet",
        empty_label="— choisir un projet —",
        error_messages={
            "invalid_choice": "Ce projet n'est pas sur la carte de la session : choisissez-en "
            "un dans la liste.",
            "required": "Choisissez un projet dans la liste.",
        },
    )

    def __init__(self, *args, projets, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        champ = self.fields["projet"]
        champ.queryset = projets
        champ.label_from_instance = lambda p: f"{p.code} · {p.nom}" if p.code else p.nom

    def is_valid(self) -> bool:
        valide = super().is_valid()
        if not valide:  # le message (gabarit, id « erreur-projet ») est lié au champ
            self.fields["projet"].widget.attrs["aria-describedby"] = "erreur-projet"
        return valide


@require_GET
@coordination_requise
def couverture(request: HttpRequest) -> HttpResponse:
    session = session_active_ou_404()
    lycees = calculer_couverture(session)
    sur_la_carte = Projet.objects.de_la_session(session).filter(statut__in=STATUTS_CARTE)
    projets = sur_la_carte.values("nom", "latitude", "longitude").order_by("pk")
    donnees = {
        "rayon_km": session.distance_max_km,
        "projets": [
            {"nom": p["nom"], "lat": p["latitude"], "lon": p["longitude"]} for p in projets
        ],
        "lycees": [
            {
                "nom": c.etablissement.nom,
                "lat": c.etablissement.latitude,
                "lon": c.etablissement.longitude,
                "couvert": c.couvert,
            }
            for c in lycees
        ],
    }
    flux = FluxTransport.objects.filter(session=session).first()
    choix = ChoixProjet(
        request.GET if "projet" in request.GET else None,
        projets=sur_la_carte.select_related("session").order_by("nom", "pk"),
    )
    projet, acces = _acces_demande(choix, flux)
    if acces is not None:
        donnees["isochrone"] = {
            "projet": {"nom": projet.nom, "lat": projet.latitude, "lon": projet.longitude},
            "lycees": acces.marqueurs(),
        }
    return render(
        request,
        "carte/couverture.html",
        {
            "session": session,
            "non_couverts": [c for c in lycees if not c.couvert],
            "couverts": [c for c in lycees if c.couvert],
            "donnees": donnees,
            "flux": flux,
            "choix": choix,
            "projet_choisi": projet,
            "acces": acces,
        },
    )


def _acces_demande(
    choix: ChoixProjet, flux: FluxTransport | None
) -> tuple[Projet | None, AccesTransport | None]:
    """Le projet choisi et ses lycées atteignables (calculés pour lui seul), s'il y a un flux
    et un choix valide ; sinon (None, None) ou (projet, None) si le flux est inutilisable."""
    if flux is None or not choix.is_bound or not choix.is_valid():
        return None, None
    projet = choix.cleaned_data["projet"]
    return projet, acces_en_transport(projet)


def _graphiques(tableau: Tableau) -> list:
    deps = tableau.departements
    noms = [t.nom for t in deps]
    return [
        barres(
            "Places offertes et pourvues",
            noms,
            [
                Serie("Offertes", tuple(t.places_offertes for t in deps)),
                Serie("Pourvues", tuple(t.places_pourvues for t in deps)),
            ],
        ),
        barres(
            "Élèves placés : boursiers et ruraux contre les autres",
            noms,
            [
                Serie("Boursiers", tuple(t.taux_boursiers for t in deps)),
                Serie("Non boursiers", tuple(t.taux_autres for t in deps)),
                Serie("Ruraux", tuple(t.taux_ruraux for t in deps)),
                Serie("Non ruraux", tuple(t.taux_urbains for t in deps)),
            ],
            suffixe=" %",
            maximum=100,
        ),
        barres(
            "Mixité : projets où aucun genre n'est sous 30 %",
            noms,
            [
                Serie("Projets mixtes", tuple(t.taux_mixite for t in deps)),
            ],
            suffixe=" %",
            maximum=100,
        ),
        barres(
            "Jours-structure utilisés contre offerts",
            noms,
            [
                Serie("Offerts", tuple(t.jours_offerts for t in deps)),
                Serie("Utilisés", tuple(t.jours_utilises for t in deps)),
            ],
        ),
        barres(
            "Domaines découverts (nombre de groupes)",
            [f"{c} — {DOMAINES_ROME[c]}" for c in tableau.domaines_par_groupe],
            [Serie("Groupes", tuple(tableau.domaines_par_groupe.values()))],
        ),
    ]


@require_GET
@coordination_requise
def tableau_de_bord(request: HttpRequest) -> HttpResponse:
    session = session_active_ou_404()
    tableau = calculer_tableau(session)
    return render(
        request,
        "carte/tableau_de_bord.html",
        {
            "session": session,
            "tableau": tableau,
            "graphiques": _graphiques(tableau),
        },
    )


@require_GET
@coordination_requise
def export(request: HttpRequest, format: str) -> HttpResponse:
    if format not in FORMATS:
        raise Http404("Format d'export inconnu.")
    session = session_active_ou_404()
    type_mime, convertir = FORMATS[format]
    reponse = HttpResponse(convertir(calculer_tableau(session)), content_type=type_mime)
    reponse["Content-Disposition"] = f'attachment; filename="tableau-de-bord.{format}"'
    return reponse
