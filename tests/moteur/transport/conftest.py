from __future__ import annotations

from pathlib import Path

import pytest

from tests.moteur.transport.flux import ecrire_flux


@pytest.fixture
def flux(tmp_path: Path) -> Path:
    return ecrire_flux(tmp_path / "reseau.zip")
