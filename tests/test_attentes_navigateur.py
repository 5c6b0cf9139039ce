"""Les tests de navigateur attendent ce qu'ils vérifient.

Un clic rend la main dès que la navigation commence : `is_visible()`, `count()` ou
`page.content()` lus aussitôt voient une page à moitié chargée, et le test échoue ou passe
selon la charge de la machine (un échec de CI l'a montré). Les vérifications passent par
`expect(...)` de Playwright, qui réessaie jusqu'au délai, ou par `contenu(page)`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parent
INTERDITS = {
    r"\.is_(visible|hidden)\(\)": "expect(…).to_be_visible() / to_be_hidden()",
    r"in page\.content\(\)": "contenu(page) (tests/apps/navigateur.py) ou expect(…)",
    r"assert .*(locator|get_by_\w+)\(.*\.count\(\) ==": "expect(…).to_have_count(n)",
    r"assert .*page\.url": "expect(page).to_have_url(…) après une navigation",
}


def _fichiers_navigateur() -> list[Path]:
    return sorted(
        p
        for p in RACINE.rglob("test_*.py")
        if p.name != Path(__file__).name and "page.goto(" in p.read_text(encoding="utf-8")
    )


def test_il_y_a_des_tests_de_navigateur() -> None:
    assert len(_fichiers_navigateur()) >= 20


@pytest.mark.parametrize("fichier", _fichiers_navigateur(), ids=lambda p: p.name)
def test_aucune_lecture_sans_attente(fichier: Path) -> None:
    fautes = [
        f"{fichier.relative_to(RACINE)}:{numero} : {conseil}"
        for numero, ligne in enumerate(fichier.read_text(encoding="utf-8").splitlines(), 1)
        for motif, conseil in INTERDITS.items()
        if re.search(motif, ligne) and "urlparse(page.url)" not in ligne
    ]
    assert fautes == []
