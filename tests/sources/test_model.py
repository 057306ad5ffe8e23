"""The model's own rules: durations, the row a criterion sits on, an épreuve's title, the criteria of an épreuve."""

from __future__ import annotations

import pytest

from dossier.sources.model import Bloc, Competence, Critere, Modalite, parse_duree


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("3 heures", 180), ("3h", 180), ("3 h 30", 210), ("1 h 30 min", 90), ("1,5 heure", 90),
        ("30 min", 30), ("30 mn", 30), ("45 minutes", 45), ("2h15", 135), (" 20 min ", 20),
    ],
)
def test_parse_duree_reads_the_usual_ways(text, minutes):
    assert parse_duree(text) == minutes


@pytest.mark.parametrize("text", ["", "une demi-journée", "3 jours", "h", "environ 3 heures"])
def test_parse_duree_says_when_it_cannot_read(text):
    assert parse_duree(text) is None


def _bloc() -> Bloc:
    comps = tuple(Competence(f"C1.{i}", f"Faire {i} afin de réussir") for i in (1, 2, 3))
    mods = (
        Modalite("M1.1", "etude_de_cas", "Analyse du marché", "3 h", ("C1.1", "C1.2")),
        Modalite("M1.2", "rapport_activites", "Rapport d’activités", "30 min", ("C1.3", "C1.2")),
    )
    crits = (
        Critere("CR1", "Le marché est segmenté.", ("C1.2", "C1.1")),
        Critere("CR2", "Le rapport est complet.", ("C1.3", "C1.2"), modalites=("M1.2",)),
        Critere("CR3", "Hors du bloc.", ("C9.9",)),
    )
    return Bloc("BC01", "Bloc", competences=comps, modalites=mods, criteres=crits)


def test_a_criterion_sits_on_its_first_competence_in_the_blocs_order():
    bloc = _bloc()
    cr1, cr2, cr3 = bloc.criteres
    assert bloc.competence_de(cr1) == "C1.1"  # listed second, but first in the bloc
    assert bloc.competence_de(cr2) == "C1.2"
    assert bloc.competence_de(cr3) is None
    # within an épreuve, among the competences it evaluates only
    assert bloc.competence_de(cr1, parmi=("C1.2", "C1.3")) == "C1.2"
    assert bloc.competence_de(cr2, parmi=("C1.1",)) is None


def test_the_criteria_of_an_epreuve():
    bloc = _bloc()
    m1, m2 = bloc.modalites
    assert [c.id for c in bloc.criteres_de(m1)] == ["CR1"]  # CR2 is bound to M1.2
    assert [c.id for c in bloc.criteres_de(m2)] == ["CR1", "CR2"]


def test_an_epreuves_title_does_not_repeat_its_type():
    m1, m2 = _bloc().modalites
    assert m1.titre == "Étude de cas : Analyse du marché"
    assert m2.titre == "Rapport d’activités"  # the intitulé names the type (apostrophes aside)
