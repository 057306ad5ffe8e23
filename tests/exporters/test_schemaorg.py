"""schema.org in the site: the JSON-LD of every page, parsed and checked; text that tries to close the script stays data."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import dossier
from conftest import FIXTURES
from dossier.checks import check
from dossier.exporters.schemaorg import script_json

COMPETENCE_TYPES = {"DefinedTerm"}


class Page(HTMLParser):
    """The scripts (type and text) and the element ids of one HTML page."""

    def __init__(self, html: str):
        super().__init__()
        self.scripts: list[tuple[str, str]] = []
        self.ids: set[str] = set()
        self._script: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "script":
            self._script = attrs.get("type") or "text/javascript"
            self.scripts.append((self._script, ""))

    def handle_data(self, data):
        if self._script is not None:
            kind, text = self.scripts[-1]
            self.scripts[-1] = (kind, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None


def jsonld_of(path: Path) -> dict:
    page = Page(path.read_text(encoding="utf-8"))
    found = [text for kind, text in page.scripts if kind == "application/ld+json"]
    assert len(found) == 1, f"{path.name}: {len(found)} scripts JSON-LD"
    return json.loads(found[0])


def nodes(data: dict, kind: str) -> list[dict]:
    assert data["@context"] == "https://schema.org"
    return [n for n in data["@graph"] if n["@type"] == kind]


def test_every_page_describes_the_certification(example_build, example_cert):
    site = example_build / "site"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) == 3 + len(example_cert.blocs)
    for path in pages:
        credential, = nodes(jsonld_of(path), "EducationalOccupationalCredential")
        root = "../" if path.parent.name == "blocs" else ""
        assert credential["@id"] == f"{root}index.html#certification"
        assert credential["name"] == "Responsable commercial et marketing"
        assert credential["credentialCategory"] == {
            "@type": "DefinedTerm", "name": "Certification professionnelle", "termCode": "RNCP",
            "inDefinedTermSet": {"@type": "DefinedTermSet", "name": "Répertoire national des certifications professionnelles", "url": "https://www.francecompetences.fr/"},
        }
        assert credential["educationalLevel"]["termCode"] == "6" and credential["educationalLevel"]["name"] == "Niveau 6"
        assert credential["recognizedBy"] == {"@type": "Organization", "name": "France compétences", "url": "https://www.francecompetences.fr/"}
        assert credential["provider"][0]["identifier"] == {"@type": "PropertyValue", "propertyID": "SIRET", "value": "84215793500011"}
        required = credential["competencyRequired"]
        assert [t["termCode"] for t in required] == [c.id for c in example_cert.competences]
        assert all(t["@type"] == "DefinedTerm" for t in required)
        assert "identifier" not in credential  # the example has no RNCP code yet


def test_competence_ids_are_the_pages_permanent_anchors(example_build, example_cert):
    """Each @id, resolved against the page's address as JSON-LD does, names an element that exists."""
    site = example_build / "site"
    anchors = {p.relative_to(site).as_posix(): Page(p.read_text(encoding="utf-8")).ids for p in site.rglob("*.html")}
    base = "https://site.test/"
    for path in site.rglob("*.html"):
        page_url = base + path.relative_to(site).as_posix()
        data = jsonld_of(path)
        terms = [t for n in data["@graph"] for t in n.get("competencyRequired", []) + n.get("hasDefinedTerm", [])]
        sets = [n for n in data["@graph"] if n["@type"] == "DefinedTermSet"]
        for node in terms + sets:
            target = urljoin(page_url, node["@id"])[len(base):]
            file, _, anchor = target.partition("#")
            assert anchor in anchors[file], f"{path.name}: {node['@id']}"


def test_bloc_pages_hold_their_competences_as_a_defined_term_set(example_build, example_cert):
    bloc = example_cert.blocs[2]
    data = jsonld_of(example_build / "site" / "blocs" / "bc03.html")
    term_set, = nodes(data, "DefinedTermSet")
    assert term_set["@id"] == "../blocs/bc03.html#BC03" and term_set["identifier"] == "BC03"
    assert term_set["name"] == f"BC03 — {bloc.intitule}"
    terms = term_set["hasDefinedTerm"]
    assert [(t["termCode"], t["name"]) for t in terms] == [(c.id, c.texte) for c in bloc.competences]
    assert all(t["inDefinedTermSet"] == {"@id": "../blocs/bc03.html#BC03"} for t in terms)
    # the credential on a bloc page names the competences without repeating their texts
    credential, = nodes(data, "EducationalOccupationalCredential")
    assert all(set(t) == {"@type", "@id", "termCode"} for t in credential["competencyRequired"])


def test_the_home_page_gives_every_competence_in_full(example_build, example_cert):
    data = jsonld_of(example_build / "site" / "index.html")
    credential, = nodes(data, "EducationalOccupationalCredential")
    assert [t["name"] for t in credential["competencyRequired"]] == [c.texte for c in example_cert.competences]
    assert [o["name"] for o in credential["about"]] == list(example_cert.emplois_accessibles)
    assert {c["codeValue"] for c in credential["about"][0]["occupationalCategory"]} == {"D1406", "D1402", "M1705"}
    assert [s["identifier"] for s in nodes(data, "DefinedTermSet")] == ["BC01", "BC02", "BC03", "BC04"]


def test_script_json_escapes_what_could_close_or_confuse_the_element():
    text = 'a </script><script>alert(1)</script> <!-- b & c > d \u2028 e'
    out = str(script_json({"x": text}))
    for raw in ("<", ">", "&", "\u2028"):
        assert raw not in out
    assert json.loads(out) == {"x": text}


def test_content_stays_data_inside_the_script(project, tmp_path):
    """A competence that tries to close the script element and run its own is printed as text, once,
    and read back intact from the JSON-LD."""
    nasty = "Vendre </script><script>alert('x')</script> & « {{ 7*7 }} » <!-- fin"
    cert_text = (FIXTURES / "minimal" / "certification.yaml").read_text(encoding="utf-8").replace("niveau: 5", "code_rncp: RNCP37488\nniveau: 5")
    bloc_text = (FIXTURES / "minimal" / "blocs" / "bc01.yaml").read_text(encoding="utf-8").replace(
        "texte: Conclure la vente pour fidéliser le client.", f'texte: "{nasty} pour fidéliser le client."')
    folder = project({"certification.yaml": cert_text, "blocs/bc01.yaml": bloc_text})
    assert check(folder).ok
    out = tmp_path / "out"
    dossier.build(folder, out, only=("site",))
    for path in (out / "site").rglob("*.html"):
        page = Page(path.read_text(encoding="utf-8"))
        assert [kind for kind, _ in page.scripts] == ["application/ld+json", "text/javascript", "text/javascript"], path.name
        assert all(text == "" for kind, text in page.scripts if kind == "text/javascript")  # no script of the content's
    data = jsonld_of(out / "site" / "blocs" / "bc01.html")
    term_set, = nodes(data, "DefinedTermSet")
    assert term_set["hasDefinedTerm"][1]["name"] == f"{nasty} pour fidéliser le client."
    credential, = nodes(data, "EducationalOccupationalCredential")
    assert credential["identifier"] == {"@type": "PropertyValue", "propertyID": "RNCP", "value": "RNCP37488"}
    assert credential["sameAs"] == "https://www.francecompetences.fr/recherche/rncp/37488/"


def test_with_a_public_address_the_ids_are_absolute(project, tmp_path):
    cert_text = (FIXTURES / "minimal" / "certification.yaml").read_text(encoding="utf-8") + "adresse_site: https://certif.example.fr/rc\n"
    folder = project({"certification.yaml": cert_text})
    out = tmp_path / "out"
    dossier.build(folder, out, only=("site",))
    data = jsonld_of(out / "site" / "blocs" / "bc01.html")
    credential, = nodes(data, "EducationalOccupationalCredential")
    assert credential["@id"] == "https://certif.example.fr/rc/index.html#certification"
    assert [t["@id"] for t in credential["competencyRequired"]] == [
        "https://certif.example.fr/rc/blocs/bc01.html#C1.1", "https://certif.example.fr/rc/blocs/bc01.html#C1.2"]


def test_alignments_are_shown_under_their_competence(example_build, project, tmp_path):
    html = (example_build / "site" / "blocs" / "bc03.html").read_text(encoding="utf-8")
    cell = html[html.index('id="C3.3"'):html.index('id="C3.4"')]
    assert ('<li>ESCO (compétence proche)\u00a0: <a href="http://data.europa.eu/esco/skill/1f1d2ff8-c4c1-45cc-9812-6a7ee84a73cb" '
            'rel="external">lead a team</a></li>') in cell
    assert "alignements" not in html[html.index('id="C3.4"'):]  # only where the sources give some
    bloc_text = (FIXTURES / "minimal" / "blocs" / "bc01.yaml").read_text(encoding="utf-8").replace(
        "    activites: [A1]\n", "    activites: [A1]\n    alignements:\n      - rome: 101622\n        libelle: Accueil <client>\n        exacte: true\n", 1)
    folder = project({"blocs/bc01.yaml": bloc_text})
    out = tmp_path / "out"
    dossier.build(folder, out, only=("site",))
    page = (out / "site" / "blocs" / "bc01.html").read_text(encoding="utf-8")
    assert "<li>ROME 4.0 (correspondance exacte)\u00a0: 101622 — Accueil &lt;client&gt;</li>" in page
