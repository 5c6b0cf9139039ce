from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def dossiers_temporaires(settings, tmp_path, monkeypatch):
    """Flux téléversés et cache des réseaux dans le dossier du test."""
    settings.MOBILITE_DOSSIER_GTFS = tmp_path / "gtfs"
    monkeypatch.setenv("STAGES_CACHE_TRANSPORT", str(tmp_path / "cache-transport"))
    return tmp_path
