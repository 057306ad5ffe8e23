"""One small broken source per error kind, each with its exact message and place."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import MINIMAL, run

BLOC = (MINIMAL / "blocs" / "bc01.yaml").read_text(encoding="utf-8")
CERT = (MINIMAL / "certification.yaml").read_text(encoding="utf-8")


def replace(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


BLOC2 = """\
code: BC02
intitule: Gérer
competences:
  - id: C2.1
    texte: Gérer le stock afin de servir les clients.
modalites:
  - id: M2.1
    type: etude_de_cas
    intitule: Cas
    duree: 1 h
    competences: [C2.1]
criteres:
  - id: CR2.1
    texte: Le stock est juste.
    competences: [C2.1]
"""

CASES = {
    "yaml-syntaxe": (
        {"blocs/bc01.yaml": replace(BLOC, "intitule: Vendre", "intitule: Vendre: vite")},
        'blocs/bc01.yaml:2:17: « : » dans une valeur : mettez la valeur entre guillemets (écrivez intitule: "Vendre: vite") [erreur yaml-syntaxe]',
    ),
    "yaml-cle-double": (
        {"blocs/bc01.yaml": replace(BLOC, "intitule: Vendre\n", "intitule: Vendre\ncode: BC02\n")},
        "blocs/bc01.yaml:3:1: code: clé « code » en double (déjà à la ligne 1) [erreur yaml-cle-double]",
    ),
    "schema-cle-inconnue": (
        {"certification.yaml": replace(CERT, "intitule:", "intitulé:")},
        "certification.yaml:1:1: intitulé: clé inconnue « intitulé » ; vouliez-vous dire « intitule » ? [erreur schema-cle-inconnue]",
    ),
    "schema-cle-absente": (
        {"blocs/bc01.yaml": replace(BLOC, "intitule: Vendre\n", "")},
        "blocs/bc01.yaml:1:1: clé obligatoire « intitule » absente [erreur schema-cle-absente]",
    ),
    "schema-type-liste-au-lieu-de-dictionnaire": (
        {"certification.yaml": replace(CERT, "echelle:\n  type: acquis_non_acquis", "echelle: [acquis_non_acquis]")},
        "certification.yaml:29:10: echelle: un dictionnaire (clé: valeur) est attendu, pas une liste [erreur schema-type]",
    ),
    "schema-type-texte-au-lieu-de-liste": (
        {"blocs/bc01.yaml": replace(BLOC, "taches: [Accueil du client]", "taches: Accueil du client")},
        "blocs/bc01.yaml:6:13: activites[0].taches: une liste est attendue, pas un texte [erreur schema-type]",
    ),
    "schema-valeur-niveau": (
        {"certification.yaml": replace(CERT, "niveau: 5", "niveau: 9")},
        "certification.yaml:2:9: niveau: 9 hors des bornes (de 3 à 8) [erreur schema-valeur]",
    ),
    "schema-valeur-choix": (
        {"blocs/bc01.yaml": replace(BLOC, "type: mise_en_situation", "type: etude_de_cass")},
        "blocs/bc01.yaml:16:11: modalites[0].type: « etude_de_cass » n'est pas une valeur permise ; vouliez-vous dire « etude_de_cas » ? "
        "(valeurs : etude_de_cas, rapport_activites, soutenance, mise_en_situation, dossier_professionnel, entretien, questionnaire, projet, autre) [erreur schema-valeur]",
    ),
    "schema-vide": (
        {"blocs/bc01.yaml": replace(BLOC, "texte: La vente est conclue.", 'texte: "  "')},
        "blocs/bc01.yaml:25:12: criteres[1].texte: texte vide [erreur schema-vide]",
    ),
    "etiquette-python": (
        {"blocs/bc01.yaml": replace(BLOC, "intitule: Vendre", "intitule: !!python/object/apply:os.system [echo]")},
        "blocs/bc01.yaml:2:11: intitule: un texte est attendu, pas une liste [erreur schema-type]",
    ),
    "encodage": (
        {"blocs/bc01.yaml": replace(BLOC, "Vendre", "Vendre à").encode("latin-1")},
        "blocs/bc01.yaml:2:18: le fichier n'est pas en UTF-8 (octet 0xe0) ; enregistrez-le en UTF-8 [erreur encodage]",
    ),
    "fichier-vide": (
        {"blocs/bc01.yaml": "# rien\n"},
        "blocs/bc01.yaml:1:1: fichier vide [erreur fichier-vide]",
    ),
    "fichier-absent": (
        {"certification.yaml": None},
        "certification.yaml: fichier introuvable [erreur fichier-absent]",
    ),
    "bloc-absent": (
        {"blocs/bc01.yaml": None},
        "blocs: aucun bloc : ajoutez un fichier blocs/bc01.yaml [erreur bloc-absent]",
    ),
    "code-rome": (
        {"certification.yaml": replace(CERT, '"D1406"', '"D14X6"')},
        "certification.yaml:5:10: codes.rome[0]: « D14X6 » n'est pas un code ROME (une lettre de A à N et 4 chiffres) [erreur code-rome]",
    ),
    "code-nsf": (
        {"certification.yaml": replace(CERT, 'nsf: ["312"]', 'nsf: ["31"]')},
        "certification.yaml:4:9: codes.nsf[0]: « 31 » n'est pas un code NSF (3 chiffres, suivis ou non d'une lettre minuscule) [erreur code-nsf]",
    ),
    "code-formacode": (
        {"certification.yaml": replace(CERT, '"34566"', '"3456"')},
        "certification.yaml:6:15: codes.formacode[0]: « 3456 » n'est pas un Formacode (5 chiffres) [erreur code-formacode]",
    ),
    "code-rncp": (
        {"certification.yaml": replace(CERT, "niveau: 5", "niveau: 5\ncode_rncp: RNC123")},
        "certification.yaml:3:12: code_rncp: « RNC123 » n'est pas un code RNCP (« RNCP » suivi de chiffres) [erreur code-rncp]",
    ),
    "code-bloc": (
        {"blocs/bc01.yaml": replace(BLOC, "code: BC01", "code: B1")},
        "blocs/bc01.yaml:1:7: code: « B1 » n'est pas un code de bloc (BC01, ou RNCP12345BC01) [erreur code-bloc]",
    ),
    "code-bloc-rncp": (
        {
            "certification.yaml": replace(CERT, "niveau: 5", "niveau: 5\ncode_rncp: RNCP12345"),
            "blocs/bc01.yaml": replace(BLOC, "code: BC01", "code: RNCP99999BC01"),
        },
        "blocs/bc01.yaml:1:7: code: le code « RNCP99999BC01 » ne commence pas par le code de la certification, RNCP12345 [erreur code-bloc-rncp]",
    ),
    "siret": (
        {"certification.yaml": replace(CERT, "84215793500011", "84215793500012")},
        "certification.yaml:9:12: certificateurs[0].siret: SIRET « 84215793500012 » invalide (clé de contrôle fausse : faute de frappe ?) [erreur siret]",
    ),
    "identifiant-unique": (
        {"blocs/bc01.yaml": replace(BLOC, "id: CR1.2", "id: CR1.1")},
        "blocs/bc01.yaml:24:9: criteres[1].id: identifiant « CR1.1 » déjà utilisé (ligne 21) [erreur identifiant-unique]",
    ),
    "reference-inconnue": (
        {"blocs/bc01.yaml": replace(BLOC, "activites: [A1]\n  - id: C1.2", "activites: [A9]\n  - id: C1.2")},
        "blocs/bc01.yaml:10:17: competences[0].activites[0]: activité « A9 » inconnue dans le bloc BC01 [erreur reference-inconnue]",
    ),
    "fc-hors-referentiel": (
        {"blocs/bc01.yaml": replace(BLOC, "competences: [C1.2]", "competences: [C1.2, C9.9]")},
        "blocs/bc01.yaml:26:25: criteres[1].competences[1]: le critère « CR1.2 » évalue « C9.9 », absente du référentiel de compétences [erreur fc-hors-referentiel]",
    ),
    "fc-hors-referentiel-autre-bloc": (
        {"blocs/bc02.yaml": replace(BLOC2, "competences: [C2.1]\ncriteres", "competences: [C2.1, C1.1]\ncriteres")},
        "blocs/bc02.yaml:11:25: modalites[0].competences[1]: la modalité « M2.1 » évalue « C1.1 », compétence du bloc BC01 : un bloc n'évalue que ses propres compétences [erreur fc-hors-referentiel]",
    ),
    "fc-competence-sans-modalite": (
        {"blocs/bc01.yaml": replace(BLOC, "competences: [C1.1, C1.2]", "competences: [C1.1]")},
        "blocs/bc01.yaml:11:9: competences[1].id: la compétence « C1.2 » n'est évaluée par aucune modalité d'évaluation [erreur fc-competence-sans-modalite]",
    ),
    "fc-competence-sans-critere": (
        {"blocs/bc01.yaml": replace(replace(BLOC, "competences: [C1.2]", "competences: [C1.1]"), "      - C1.2", "      - C1.1")},
        "blocs/bc01.yaml:11:9: competences[1].id: la compétence « C1.2 » n'a aucun critère d'évaluation [erreur fc-competence-sans-critere]",
    ),
    "critere-modalite": (
        {
            "blocs/bc01.yaml": replace(BLOC, "competences: [C1.1, C1.2]", "competences: [C1.1]\n  - id: M1.2\n    type: projet\n    intitule: Projet\n    duree: 2 h\n    competences: [C1.2]").replace(
                "competences: [C1.1]\n  - id: CR1.2", "competences: [C1.1]\n    modalites: [M1.2]\n  - id: CR1.2"
            )
        },
        "blocs/bc01.yaml:29:17: criteres[0].modalites[0]: le critère « CR1.1 » est rattaché à l'épreuve « M1.2 », qui n'évalue aucune de ses compétences (C1.1) [erreur critere-modalite]",
    ),
    "bloc-competences-min": (
        {"blocs/bc02.yaml": BLOC2},
        "blocs/bc02.yaml:4:3: competences: le bloc BC02 a 1 compétence ; un bloc de compétences en réunit au moins deux [erreur bloc-competences-min]",
    ),
    "competence-un-bloc": (
        {"blocs/bc02.yaml": BLOC2.replace("C2.1", "C1.1")},
        "blocs/bc02.yaml:4:9: competences[0].id: la compétence « C1.1 » appartient déjà au bloc BC01 : une compétence appartient à un seul bloc [erreur competence-un-bloc]",
    ),
    "voie-acces": (
        {"certification.yaml": replace(CERT, "    ouverte: false\n  - voie: formation_continue", "    ouverte: true\n  - voie: formation_continue")},
        "certification.yaml:20:14: voies_acces[1].ouverte: voie « apprentissage » ouverte : la composition du jury (jury:) est à décrire [erreur voie-acces]",
    ),
    "echelle": (
        {"certification.yaml": replace(CERT, "type: acquis_non_acquis", "type: points\n  bareme: 20\n  seuil: 25")},
        "certification.yaml:32:10: echelle.seuil: le seuil (25) dépasse le barème (20) [erreur echelle]",
    ),
    "echelle-proportion-sans-regle": (
        {"certification.yaml": replace(CERT, "type: acquis_non_acquis", "type: acquis_non_acquis\n  proportion: 75")},
        "certification.yaml:31:15: echelle.proportion: proportion ne sert qu'avec regle: proportion (une compétence acquise avec une part de ses critères) [erreur echelle]",
    ),
    "echelle-proportion-hors-bornes": (
        {"certification.yaml": replace(CERT, "type: acquis_non_acquis", "type: acquis_non_acquis\n  regle: proportion\n  proportion: 120")},
        "certification.yaml:32:15: echelle.proportion: 120 : un nombre d'au plus 100 est attendu [erreur schema-valeur]",
    ),
    "regle-inconnue": (
        {"certification.yaml": CERT + "regles:\n  competence-finalit: info\n"},
        "certification.yaml:33:3: regles.competence-finalit: règle « competence-finalit » inconnue ; vouliez-vous dire « competence-finalite » ? [erreur regle-inconnue]",
    ),
    "regle-non-ajustable": (
        {"certification.yaml": CERT + "regles:\n  fc-competence-sans-critere: ignore\n"},
        "certification.yaml:33:3: regles.fc-competence-sans-critere: la règle « fc-competence-sans-critere » ne peut pas être ajustée [erreur regle-inconnue]",
    ),
    "prose-html": (
        {"livret/01-regles.md": "# Règles\n\nUn <script>alert(1)</script> et `<b>` permis.\n"},
        "livret/01-regles.md:3:4: HTML brut « <script> » non admis dans la prose : utilisez la syntaxe Markdown (ou `…` pour montrer du code) [erreur prose-html]",
    ),
    "prose-html-fiche": (
        {"certification.yaml": replace(CERT, "objectifs_contexte: Objectifs.", "objectifs_contexte: Objectifs <img src=x onerror=alert(1)>.")},
        "certification.yaml:12:21: objectifs_contexte: HTML brut « <img src=x onerror=alert(1)> » non admis dans la prose : utilisez la syntaxe Markdown (ou `…` pour montrer du code) [erreur prose-html]",
    ),
    "prose-titre": (
        {"livret/01-regles.md": "\nRègles sans titre.\n"},
        "livret/01-regles.md:2:1: le texte doit commencer par un titre de niveau 1 (« # Titre ») [erreur prose-titre]",
    ),
    "yaml-alias-bombe": (
        {
            "blocs/bc01.yaml": replace(
                BLOC,
                "taches: [Accueil du client]",
                "taches: &a [x, x, x, x, x, x, x, x, x, x]\n    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                "    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                "    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]",
            )
        },
        "blocs/bc01.yaml:10:8: les alias de ce fichier le déploient en plus de 100000 éléments [erreur yaml-alias]",
    ),
    "yaml-alias-recursif": (
        {"blocs/bc01.yaml": replace(BLOC, "taches: [Accueil du client]", "taches: &t [Accueil, *t]")},
        "blocs/bc01.yaml:6:13: alias récursif (une structure se contient elle-même) [erreur yaml-alias]",
    ),
}

WARNINGS = {
    "competence-verbe": (
        {"blocs/bc01.yaml": replace(BLOC, "texte: Conclure la vente", "texte: La vente")},
        "blocs/bc01.yaml:12:12: competences[1].texte: « C1.2 » commence par « La » : une compétence commence par un verbe d'action à l'infinitif [avertissement competence-verbe]",
    ),
    "competence-finalite": (
        {"blocs/bc01.yaml": replace(BLOC, "Conclure la vente pour fidéliser le client.", "Conclure la vente.")},
        "blocs/bc01.yaml:12:12: competences[1].texte: « C1.2 » ne dit pas sa finalité (« afin de », « pour », « en vue de », « de manière à »…) [avertissement competence-finalite]",
    ),
    "critere-observable": (
        {"blocs/bc01.yaml": replace(BLOC, "La vente est conclue.", "Le candidat connaît les techniques de vente.")},
        "blocs/bc01.yaml:25:12: criteres[1].texte: « CR1.2 » emploie « connaît », qui ne s'observe pas : décrivez ce que le jury voit ou vérifie (identifie, réalise, justifie…) [avertissement critere-observable]",
    ),
    "modalite-duree": (
        {"blocs/bc01.yaml": replace(BLOC, "duree: 30 min", "duree: une demi-heure")},
        "blocs/bc01.yaml:18:12: modalites[0].duree: durée « une demi-heure » non comprise (écrire par exemple « 3 heures », « 1 h 30 », « 30 min ») [avertissement modalite-duree]",
    ),
    "activite-sans-competence": (
        {"blocs/bc01.yaml": replace(BLOC, "    taches: [Accueil du client]\n", "    taches: [Accueil du client]\n  - id: A2\n    intitule: Encaissement\n")},
        "blocs/bc01.yaml:7:9: activites[1].id: aucune compétence ne découle de l'activité « A2 » [avertissement activite-sans-competence]",
    ),
    "voie-acces-absente": (
        {"certification.yaml": replace(CERT, "  - voie: vae\n    ouverte: false\n", "")},
        "certification.yaml:16:3: voies_acces: la fiche RNCP indique chaque voie d'accès, ouverte ou non ; à préciser : vae [avertissement voie-acces-absente]",
    ),
}


def check_output(project_dir: Path, *extra: str):
    return run("check", ".", *extra, cwd=project_dir)


@pytest.mark.parametrize("case", sorted(CASES))
def test_error_message(project, case):
    files, expected = CASES[case]
    result = check_output(project(files))
    assert result.exit_code == 1, result.output
    assert expected in result.stdout.splitlines(), result.stdout
    assert "Traceback" not in result.output
    assert result.stderr.startswith("Erreur : sources non conformes : ")


@pytest.mark.parametrize("case", sorted(WARNINGS))
def test_warning_message_fails_only_with_strict(project, case):
    files, expected = WARNINGS[case]
    folder = project(files)
    relaxed = check_output(folder)
    assert relaxed.exit_code == 0, relaxed.output
    assert expected in relaxed.stdout.splitlines(), relaxed.stdout
    strict = check_output(folder, "--strict")
    assert strict.exit_code == 1
    assert "(--strict : les avertissements comptent)" in strict.stderr


def test_minimal_project_is_clean(project):
    result = check_output(project())
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("Sources conformes : 0 erreur, 0 avertissement, 0 info.\n")


def test_every_problem_of_every_file_in_one_run(project):
    folder = project(
        {
            "certification.yaml": replace(CERT, "niveau: 5", "niveau: 2"),
            "blocs/bc01.yaml": replace(BLOC, "duree: 30 min", "duree: [30]"),
            "blocs/bc02.yaml": "code: BC02\n",
        }
    )
    lines = check_output(folder).stdout.splitlines()
    assert "certification.yaml:2:9: niveau: 2 hors des bornes (de 3 à 8) [erreur schema-valeur]" in lines
    assert "blocs/bc01.yaml:18:12: modalites[0].duree: un texte est attendu, pas une liste [erreur schema-type]" in lines
    for key in ("intitule", "competences", "modalites", "criteres"):
        assert f"blocs/bc02.yaml:1:1: clé obligatoire « {key} » absente [erreur schema-cle-absente]" in lines


def test_severity_can_be_lowered_per_project(project):
    files, expected = WARNINGS["competence-finalite"]
    files = dict(files, **{"certification.yaml": CERT + "regles:\n  competence-finalite: ignore\n"})
    result = check_output(project(files), "--strict")
    assert result.exit_code == 0, result.output
    assert "competence-finalite" not in result.stdout


def test_severity_can_be_raised_per_project(project):
    files, expected = WARNINGS["competence-verbe"]
    files = dict(files, **{"certification.yaml": CERT + "regles:\n  competence-verbe: erreur\n"})
    result = check_output(project(files))
    assert result.exit_code == 1
    assert expected.replace("[avertissement ", "[erreur ") in result.stdout.splitlines()


def test_missing_folder(tmp_path):
    result = run("check", "nowhere", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stdout == "nowhere: dossier de sources introuvable [erreur dossier-absent]\n"


def test_certification_file_is_a_folder(project):
    folder = project({"certification.yaml": None})
    (folder / "certification.yaml").mkdir()
    result = check_output(folder)
    assert result.exit_code == 1
    assert "certification.yaml: un fichier est attendu, c'est un dossier [erreur fichier-illisible]" in result.stdout
