"""Pure functions behind the rules: SIRET keys and the infinitive at the start of a competence."""

from __future__ import annotations

import pytest

from dossier.checks.fiche import siret_valide
from dossier.checks.redaction import starts_with_infinitive


@pytest.mark.parametrize("siret", ["73282932000074", "35600000000047", "12345678200010"])
def test_valid_sirets(siret):
    assert siret_valide(siret)


@pytest.mark.parametrize("siret", ["73282932000075", "12345678200011", "35600000000048"])
def test_a_typo_breaks_the_key(siret):
    assert not siret_valide(siret)


@pytest.mark.parametrize("text", ["Analyser le marché", "S’assurer du respect", "se former", "Concevoir un plan", "Promouvoir l'offre"])
def test_starts_with_an_infinitive(text):
    assert starts_with_infinitive(text)


@pytest.mark.parametrize("text", ["Analyse du marché", "Lecture des contrats", "Le candidat analyse", "", "Gestionnaire de paie"])
def test_does_not_start_with_an_infinitive(text):
    assert not starts_with_infinitive(text)
