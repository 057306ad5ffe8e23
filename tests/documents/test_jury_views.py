"""The jury's documents from hand-made decisions (no layout): the relevé and ce qui reste à valider, the
synthesis sheet's conclusions, the procès-verbal's overrides, earlier blocs, totals, and no incomplete bloc validated."""

from __future__ import annotations

import datetime as dt

import pytest
from lxml import html

from dossier.documents import jury as views
from dossier.documents.deliberation import INCOMPLET, NON_VALIDE, VALIDE, decide
from dossier.pipeline.plan import render_env
from dossier.render.formats import html_page
from dossier.sources.candidats import Candidat
from dossier.sources.session import Acquis, Derogation, Membre, Resultat, SessionInfo
from tests.conftest import EXAMPLE
from tests.extract import flat

INFO = SessionInfo("Session de test", dt.date(2027, 6, 24), "Lyon", (Membre("Ada Test", "Présidente", False, True), Membre("Ext", "Pro", True)))


def every(cert, numero, *codes, value="acquis", **special):
    """Every criterion of the blocs named, « acquis » but those named (« M1.1 CR1.2 »: value, None: missing)."""
    out = []
    for b in cert.blocs:
        if b.code in codes:
            for m in b.modalites:
                for c in b.criteres_de(m):
                    v = special.get(f"{m.id} {c.id}", value)
                    if v is not None:
                        out.append(Resultat(numero, m.id, "", c.id, v))
    return out


@pytest.fixture(scope="module")
def session(cert):
    """Four candidates: a holder through blocs acquired before, a failed bloc overridden, an incomplete one
    overridden (refused by check; never validated here either), and one still to complete."""
    paul = Candidat("Test", "Paul", "1", blocs=("BC04",))
    lea = Candidat("Essai", "Léa", "2", blocs=("BC01",))
    ines = Candidat("Exemple", "Inès", "3", blocs=("BC01", "BC02"))
    earlier = [Acquis("1", c, dt.date(2026, 6, 25), "Session de juin 2026") for c in ("BC01", "BC02")]
    earlier.append(Acquis("1", "BC03", dt.date(2026, 12, 10), "VAE"))
    return [
        decide(cert, paul, every(cert, "1", "BC04"), {}, acquis=earlier),
        decide(cert, lea, every(cert, "2", "BC01", **{"M1.1 CR1.3": "non acquis"}),
               {"BC01": Derogation("2", "BC01", VALIDE, "Preuve apportée par le rapport")}),
        decide(cert, ines, every(cert, "3", "BC01", "BC02", **{"M2.2 CR2.6": None}),
               {"BC02": Derogation("3", "BC02", VALIDE, "Motif sans effet")}),
    ]


def test_releve_counts_blocs_acquired_before(session):
    paul, lea, ines = session
    values = views.valeurs_releve(paul)
    assert values["anterieurs"] == ("Blocs acquis antérieurement : BC01 acquis le 25 juin 2026 (Session de juin 2026) ; "
                                    "BC02 acquis le 25 juin 2026 (Session de juin 2026) ; BC03 acquis le 10 décembre 2026 (VAE).")
    assert [values[f"d-BC0{i}"] for i in range(1, 5)] == ["déjà acquis", "déjà acquis", "déjà acquis", VALIDE]
    assert values["conclusion"] == "Tous les blocs sont validés : la certification est obtenue."
    assert paul.certifie
    values = views.valeurs_releve(ines)
    assert values["anterieurs"] == ""
    assert (values["d-BC01"], values["d-BC02"], values["r-BC02"]) == (VALIDE, INCOMPLET, "à valider")
    assert values["conclusion"] == "Reste à valider : BC02, BC03, BC04."


def test_synthesis_sheet_shows_each_epreuves_conclusion(cert):
    bastien = Candidat("Fictif", "Bastien", "7", blocs=("BC02",))
    res = [*every(cert, "7", "BC02", **{"M2.1 CR2.3": "non acquis", "M2.2 CR2.6": None}),
           Resultat("7", "M2.1", "C2.1", "", "non acquis"), Resultat("7", "M2.2", "C2.2", "", "acquis"),
           Resultat("7", "M2.2", "C2.3", "", "acquis")]
    d = decide(cert, bastien, res, {}).blocs[0]
    view = views.synthese(cert, INFO, cert.blocs[1])
    names = set(views.synthese_fields(view))
    values = views.valeurs_synthese(d, bastien)
    assert {"k-M2.1-C2.1", "k-M2.2-C2.2"} <= names
    assert (values["k-M2.1-C2.1"], values["k-M2.1-C2.4"], values["k-M2.2-C2.2"]) == ("non acquise", "—", "acquise")
    assert values["n-M2.2-CR2.6"] == "—"  # left out where the conclusions of C2.2 and C2.3 stand for it: not « manquant »
    assert values["n-M2.1-CR2.3"] == "non acquis"
    assert values["c-C2.1"] == "non acquise" and values["decision"] == NON_VALIDE
    page = html.fromstring(html_page(views.SESSION_DOCUMENTS["syntheses"], view, render_env(cert, EXAMPLE)))
    rows = [[flat(c.text_content()) for c in r] for r in page.xpath("//table[@class='notes']//tr[@class='conclusion']")]
    assert ["", "Conclusion de l'épreuve M2.1 pour la compétence C2.1", "C2.1", ""] in rows  # the value: stamped per candidate
    assert len(rows) == len([n for n in names if n.startswith("k-")]) == 8  # every competence each grid concludes on


def test_proces_verbal_states_overrides_earlier_blocs_totals_and_never_validates_an_incomplete_bloc(cert, session):
    pv = views.proces_verbal(cert, INFO, session)
    page = html.fromstring(html_page(views.SESSION_DOCUMENTS["proces-verbal"], pv, render_env(cert, EXAMPLE)))

    def table(cls):
        return [[flat(td.text_content()) for td in tr.xpath("td")] for tr in page.xpath(f"//table[@class='{cls}']/tbody/tr")]

    assert table("decisions") == [
        ["1", "Test Paul", "BC04", VALIDE, VALIDE, ""],
        ["2", "Essai Léa", "BC01", NON_VALIDE, VALIDE, "oui (ci-dessous)"],
        ["3", "Exemple Inès", "BC01", VALIDE, VALIDE, ""],
        ["3", "Exemple Inès", "BC02", INCOMPLET, INCOMPLET, ""],  # its override is not applied
    ]
    assert table("derogations") == [["2", "BC01", "validé (calculée : non validé)", "Preuve apportée par le rapport"]]
    assert table("acquis") == [
        ["1", "Test Paul", "BC01", "25 juin 2026", "Session de juin 2026"],
        ["1", "Test Paul", "BC02", "25 juin 2026", "Session de juin 2026"],
        ["1", "Test Paul", "BC03", "10 décembre 2026", "VAE"],
    ]
    assert table("totaux") == [["BC01", "2", "2", "0", "0"], ["BC02", "1", "0", "0", "1"], ["BC03", "0", "0", "0", "0"],
                               ["BC04", "1", "1", "0", "0"]]
    text = flat(page.text_content())
    assert "Candidats : 3 ; ayant validé tous les blocs de la certification : 1 (blocs acquis antérieurement compris)." in text
    assert "Motif sans effet" not in text
    assert "La conclusion d'une épreuve pour une compétence, quand elle est donnée, vaut pour les critères de cette compétence" in text
