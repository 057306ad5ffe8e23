"""The filing rules of 2025, each on a minimal case that fails and one that passes: criteria an instructor
accepts, the four dimensions, the aménagement des épreuves, the fields' limits, the partners."""

from __future__ import annotations

import pytest

from conftest import MINIMAL
from dossier.checks import check
from dossier.checks.verbes import has_finite_verb, starts_with_infinitive

BLOC = (MINIMAL / "blocs" / "bc01.yaml").read_text(encoding="utf-8")
CERT = (MINIMAL / "certification.yaml").read_text(encoding="utf-8")
DIMENSIONS_LINE = CERT.splitlines()[-1]
assert DIMENSIONS_LINE.startswith("dimensions:")

BLOC2 = """\
code: BC02
intitule: Gérer le stock
activites:
  - id: A2
    intitule: Gestion
competences:
  - id: C2.1
    texte: Gérer le stock afin de servir les clients.
    activites: [A2]
  - id: C2.2
    texte: Commander les produits pour éviter les ruptures.
    activites: [A2]
modalites:
  - id: M2.1
    type: etude_de_cas
    intitule: Cas
    duree: 1 h
    competences: [C2.1, C2.2]
criteres:
  - id: CR2.1
    texte: Le stock est juste.
    competences: [C2.1]
  - id: CR2.2
    texte: Les écarts d'inventaire sont expliqués.
    competences: [C2.1]
  - id: CR2.3
    texte: Les commandes évitent les ruptures.
    competences: [C2.2]
  - id: CR2.4
    texte: Les quantités commandées sont justifiées.
    competences: [C2.2]
"""


def found(folder, rule: str) -> list[str]:
    checked = check(folder)
    return [f"{d.loc.line}:{d.loc.col}: {d.keypath}: {d.message}" for d in checked.report.diagnostics if d.rule == rule]


def criterion(project, text: str, rule: str) -> list[str]:
    return found(project({"blocs/bc01.yaml": BLOC.replace("texte: La vente est conclue.", f"texte: {text}")}), rule)


@pytest.mark.parametrize("text", [
    "Le besoin du client est reformulé.", "Le PAC respecte l’équilibre des actions.", "Les actions programmées utilisent le multicanal.",
    "Le message rédigé répond aux règles.", "L’analyse de marché a été définie.", "A partir d’un cas, le candidat élabore un plan.",
    "Les actions corrigent efficacement les anomalies.", "Le vendeur s'appuie sur la fiche produit.", "Le candidat choisit un canal adapté.",
])
def test_a_sentence_with_a_conjugated_verb(text):
    assert has_finite_verb(text) and not starts_with_infinitive(text)


@pytest.mark.parametrize("text", [
    "Synthèse des résultats.", "Compte rendu.", "La fiche de poste adaptée.", "Création de tableaux de bord de suivi.",
    "Analyse pertinente de la demande du client.", "Recours à la fiche produit.", "Prise en compte de l'écoute.",
])
def test_a_noun_phrase_has_no_conjugated_verb(text):
    assert not has_finite_verb(text)


def test_critere_sans_verbe_fails_and_passes(project):
    (message,) = criterion(project, "Synthèse des résultats.", "critere-sans-verbe")
    assert message.startswith("25:12: criteres[1].texte: « CR1.2 » n'a pas de verbe conjugué")
    assert "Écrivez ce que le jury constate" in message and "plutôt que « Synthèse des résultats »" in message
    assert criterion(project, "La synthèse des résultats présente les écarts aux objectifs.", "critere-sans-verbe") == []


def test_critere_infinitif_fails_and_passes(project):
    (message,) = criterion(project, "Définir les moyens nécessaires et un budget.", "critere-infinitif")
    assert message.startswith("25:12: criteres[1].texte: « CR1.2 » commence par un infinitif (« Définir ») : c'est la forme d'une compétence")
    assert "avec un verbe conjugué" in message
    assert criterion(project, "Définir les moyens.", "critere-sans-verbe") == []  # one warning per criterion
    assert criterion(project, "Les moyens nécessaires et le budget sont définis.", "critere-infinitif") == []


def test_critere_observable_fails_and_passes(project):
    (message,) = criterion(project, "Le candidat maîtrise les techniques de vente.", "critere-observable")
    assert "« maîtrise », qui ne s'observe pas : décrivez ce que le jury voit ou vérifie" in message
    assert criterion(project, "Le candidat applique une technique de vente adaptée.", "critere-observable") == []


SHARED = "Le candidat présente ses actions et propose des préconisations."


def two_blocs(project, bloc1: str, bloc2: str = BLOC2):
    return project({"blocs/bc01.yaml": bloc1, "blocs/bc02.yaml": bloc2})


def test_critere_repete_fails_and_passes(project):
    folder = two_blocs(project, BLOC.replace("La vente est conclue.", SHARED), BLOC2.replace("Le stock est juste.", SHARED.upper()))
    messages = found(folder, "critere-repete")
    assert len(messages) == 2
    assert "« CR1.2 » reprend mot pour mot « CR2.1 » (BC02)" in messages[0] and "Nommez le résultat propre au bloc BC01" in messages[0]
    assert found(two_blocs(project, BLOC.replace("La vente est conclue.", SHARED)), "critere-repete") == []


def test_a_competence_evaluated_only_by_a_shared_criterion(project):
    bloc1 = BLOC.replace("La vente est conclue.", SHARED).replace(
        "texte: Les objections du client reçoivent une réponse argumentée.\n    competences:\n      - C1.2\n",
        "texte: Les objections du client reçoivent une réponse argumentée.\n    competences:\n      - C1.1\n")
    folder = two_blocs(project, bloc1, BLOC2.replace("Le stock est juste.", SHARED))
    (message,) = found(folder, "competence-critere-generique")
    assert message.startswith("11:9: competences[1].id: « C1.2 » n'est évaluée que par « CR1.2 », repris mot pour mot dans d'autres blocs")
    assert "ajoutez au moins un critère propre à cette compétence" in message
    assert found(folder, "competence-critere-unique") == []  # said once, by the more precise rule
    folder = two_blocs(project, BLOC.replace("La vente est conclue.", SHARED), BLOC2.replace("Le stock est juste.", SHARED))
    assert found(folder, "competence-critere-generique") == []  # C1.2 has CR1.4 of its own


def test_competence_critere_unique_fails_and_passes(project):
    folder = project({"blocs/bc01.yaml": BLOC.replace("    competences:\n      - C1.2\n", "    competences:\n      - C1.1\n")})
    (message,) = found(folder, "competence-critere-unique")
    assert message.startswith("11:9: competences[1].id: « C1.2 » n'a qu'un critère, « CR1.2 »")
    assert "Ajoutez un second critère" in message
    assert found(project(), "competence-critere-unique") == []


def test_bloc_criteres_generiques_fails_and_passes(project):
    shared2 = "Les choix sont argumentés devant le jury."
    bloc1 = (BLOC.replace("Le besoin du client est reformulé.", SHARED).replace("La vente est conclue.", SHARED)
             .replace("Les questions posées font préciser le besoin au client.", shared2)
             .replace("Les objections du client reçoivent une réponse argumentée.", shared2))
    bloc2 = BLOC2.replace("Le stock est juste.", SHARED).replace("Les commandes évitent les ruptures.", shared2)
    (message,) = found(two_blocs(project, bloc1, bloc2), "bloc-criteres-generiques")
    assert "les critères du bloc BC01 sont tous repris mot pour mot d'autres blocs" in message
    assert found(two_blocs(project, BLOC, bloc2), "bloc-criteres-generiques") == []


def cert_with_dimensions(project, dimensions: str | None):
    text = CERT.replace(DIMENSIONS_LINE, dimensions) if dimensions is not None else CERT.replace(DIMENSIONS_LINE + "\n", "")
    return project({"certification.yaml": text})


def test_dimension_absente_fails_and_passes(project):
    messages = found(cert_with_dimensions(project, None), "dimension-absente")
    assert [m.split(": ", 2)[1] for m in messages] == [
        "dimensions.transition_ecologique", "dimensions.numerique", "dimensions.sante_securite", "dimensions.handicap"]
    assert "la dimension « Transition écologique » n'apparaît dans aucune compétence" in messages[0]
    assert "(sans_objet: « … »)" in messages[0]
    # found by the lexicon (a criterion), declared covered, declared not applicable: all pass
    folder = project({
        "certification.yaml": CERT.replace(DIMENSIONS_LINE, (
            "dimensions:\n  transition_ecologique: {sans_objet: Sans objet.}\n  numerique: {competences: [C1.1]}\n"
            "  handicap: {mots: [accueil adapt*]}\n")),
        "blocs/bc01.yaml": BLOC.replace("La vente est conclue.", "Les risques professionnels du poste sont évalués.").replace(
            "Le besoin du client est reformulé.", "Le besoin du client est reformulé avec un accueil adapté."),
    })
    assert found(folder, "dimension-absente") == []


def test_dimension_competence_must_exist(project):
    folder = cert_with_dimensions(project, DIMENSIONS_LINE.replace("numerique: {sans_objet: Test.}", "numerique: {competences: [C9.9]}"))
    (message,) = found(folder, "dimension-competence")
    assert message.endswith("dimensions.numerique.competences[0]: compétence « C9.9 » inconnue (dimension « Numérique »)")


def test_amenagement_epreuves_fails_and_passes(project):
    (message,) = found(project({"livret/02-handicap.md": None}), "amenagement-epreuves")
    assert "ni les épreuves ni les règles du livret ne décrivent l'aménagement des épreuves" in message
    folder = project({
        "livret/02-handicap.md": None,
        "blocs/bc01.yaml": BLOC.replace("duree: 30 min", "duree: 30 min\n    conditions: Un temps majoré est accordé aux candidats en situation de handicap."),
    })
    assert found(folder, "amenagement-epreuves") == []


def test_champ_limite_fails_and_passes(project):
    long_title = "Responsable " * 70  # 840 characters
    (message,) = found(project({"certification.yaml": CERT.replace("intitule: Certification minimale", f"intitule: {long_title.strip()}")}), "champ-limite")
    assert message.startswith("1:11: intitule: l'intitulé : 839 caractères dans la fiche, pour une limite de 800 caractères")
    big = "Activités " * 3500  # over 32 768 octets once accented
    (message,) = found(project({"certification.yaml": CERT.replace("activites_visees: Activités.", f"activites_visees: {big.strip()}")}), "champ-limite")
    assert "les activités visées : 38\u202f499 octets dans la fiche, pour une limite de 32\u202f768 octets" in message
    assert found(project(), "champ-limite") == []


PARTENAIRES = """partenaires:
  - nom: École A
    siret: "99912345600009"
    habilitation: ORGA_FORM
    debut: 2026-01-01
    fin: 2030-12-31
"""


def test_partners_are_checked(project):
    assert check(project({"certification.yaml": CERT + PARTENAIRES})).ok
    second = PARTENAIRES.replace("partenaires:\n", "").replace("École A", "École B").replace("fin: 2030-12-31", "fin: 2025-01-01")
    bad = PARTENAIRES.replace("99912345600009", "99912345600008") + second
    folder = project({"certification.yaml": CERT + bad})
    assert found(folder, "siret") == ["34:12: partenaires[0].siret: SIRET « 99912345600008 » invalide (clé de contrôle fausse : faute de frappe ?)"]
    assert found(folder, "partenaire") == [
        "42:10: partenaires[1].fin: l'habilitation de « École B » finit (2025-01-01) avant de commencer (2026-01-01)"]
    wrong = check(project({"certification.yaml": CERT + PARTENAIRES.replace("ORGA_FORM", "FORMATION")}))
    assert [d.rule for d in wrong.report.diagnostics] == ["schema-valeur"]
    assert "valeurs : FORMER, ORGANISER, ORGA_FORM" in wrong.report.diagnostics[0].message
