"""The decision rules in words: what the grids, the handbook and the jury's sheets print."""

from __future__ import annotations

import pytest

from dossier.documents.common import regle_competence, regle_decision
from dossier.sources.model import Echelle


@pytest.mark.parametrize(
    ("echelle", "competence"),
    [
        (Echelle("acquis_non_acquis"), "Une compétence est acquise lorsque tous ses critères sont acquis ; non acquise sinon."),
        (
            Echelle("acquis_non_acquis", regle="proportion", proportion=75),
            "Une compétence est acquise lorsqu'au moins 75\u00a0% de ses critères sont acquis ; non acquise sinon.",
        ),
        (
            Echelle("trois_niveaux", regle="proportion", proportion=62.5),
            "Une compétence est acquise lorsqu'au moins 62,5\u00a0% de ses critères sont acquis ; partiellement acquise "
            "lorsque, sans cela, au moins un de ses critères est acquis ou partiellement acquis ; non acquise sinon.",
        ),
        (
            Echelle("points", bareme=4, seuil=2.5),
            "Une compétence est acquise lorsque la moyenne pondérée de ses critères atteint 2,5 sur 4.",
        ),
    ],
)
def test_competence_rule_in_words(echelle, competence):
    assert regle_competence(echelle) == competence


def test_bloc_rule_follows_the_competence_rule():
    assert regle_decision(Echelle("acquis_non_acquis", regle="proportion", proportion=80)).endswith(
        "au moins 80\u00a0% de ses critères sont acquis ; non acquise sinon. "
        "Le bloc est validé lorsque toutes ses compétences sont acquises."
    )
    assert "2,5 sur 4" in regle_decision(Echelle("points", bareme=4, seuil=2.5))
