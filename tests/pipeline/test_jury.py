"""`dossier jury SOURCES SESSION`: the example session's documents, their content, their permissions."""

from __future__ import annotations

import csv
import io
import shutil
import stat
from pathlib import Path

import pytest

from tests.conftest import ROOT, run
from tests.extract import docx_text, flat, html_tree, pdf_pages, pdf_text

pytestmark = pytest.mark.slow
STRANGE = "O'Brien <script>&{{ x }} « Zoé »"


@pytest.fixture(scope="module")
def jury(tmp_path_factory) -> Path:
    """The example session, with one more holder whose name is full of markup, built once."""
    tmp = tmp_path_factory.mktemp("jury")
    session = tmp / "session"
    shutil.copytree(ROOT / "exemples" / "session", session)
    with open(session / "candidats.csv", "a", encoding="utf-8") as f:
        f.write(f"{STRANGE};Eve;1005;BC01;;;;;;;;;;;\n")
        f.write("Wiśniewski;Łukasz;1006;BC01;;;;;;;;;;;\n")  # outside Windows-1252, in the document's font: appended
    with open(session / "resultats.csv", "a", encoding="utf-8") as f:
        for line in (session / "resultats.csv").read_text(encoding="utf-8").splitlines():
            if line.startswith("1001;M1."):
                f.write(line.replace("1001;", "1005;", 1) + "\n")
                f.write(line.replace("1001;", "1006;", 1) + "\n")
    out = tmp / "out"
    result = run("jury", str(ROOT / "sources"), str(session), "--out", str(out), "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert "Durand" not in result.output  # messages name candidates by number
    return out


def everything(folder: Path):
    return sorted(p for p in folder.rglob("*"))


def test_files_are_readable_by_their_owner_only(jury):
    for path in everything(jury):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), path


def test_what_is_written(jury):
    names = {p.relative_to(jury).as_posix() for p in everything(jury) if p.is_file() and not p.name.startswith(".")}
    for fmt in ("pdf", "docx", "html"):
        assert f"proces-verbal.{fmt}" in names
        assert f"parchemins/1001-durand-exemple-alice.{fmt}" in names
        assert f"syntheses/bc02/1002-martin-fictif-bastien.{fmt}" in names
        assert f"releves/1003-nguyen-modele-chloe.{fmt}" in names
    attestations = sorted(n for n in names if n.startswith("attestations/") and n.endswith(".pdf"))
    assert attestations == [
        "attestations/bc01/1001-durand-exemple-alice.pdf", "attestations/bc01/1002-martin-fictif-bastien.pdf",
        "attestations/bc01/1003-nguyen-modele-chloe.pdf", "attestations/bc01/1005-o-brien-script-x-zoe-eve.pdf",
        "attestations/bc01/1006-wisniewski-lukasz.pdf",
        "attestations/bc02/1001-durand-exemple-alice.pdf", "attestations/bc03/1001-durand-exemple-alice.pdf",
        "attestations/bc04/1001-durand-exemple-alice.pdf", "attestations/bc04/1004-petit-imaginaire-david.pdf",
    ]  # validated blocs only (1004's BC04 by the jury's override); none for 1002's BC02 nor 1003's BC03
    # 1001 validated every bloc; 1004 validated BC04 (by the jury's override) and holds the others from before (acquis.csv)
    assert sorted(n for n in names if n.startswith("parchemins/")) == [
        f"parchemins/{who}.{f}" for who in ("1001-durand-exemple-alice", "1004-petit-imaginaire-david") for f in ("docx", "html", "pdf")]
    assert {"imprimer/syntheses-bc01.pdf", "imprimer/attestations-bc04.pdf", "imprimer/releves.pdf", "imprimer/parchemins.pdf"} <= names
    releves = pdf_pages(jury / "imprimer" / "releves.pdf")
    assert len(releves) == 6
    assert "Łukasz Wiśniewski" in releves[5] and "1001" in releves[0]  # names in other scripts: printed last
    assert not [p for p in (jury / "imprimer").iterdir() if p.name.startswith(".")]


def test_decisions_csv(jury):
    rows = list(csv.DictReader(io.StringIO((jury / "decisions.csv").read_text(encoding="utf-8")), delimiter=";"))
    got = {(r["numero"], r["bloc"]): (r["decision_calculee"], r["decision"]) for r in rows}
    assert got[("1002", "BC02")] == ("non validé", "non validé")
    assert got[("1003", "BC03")] == ("incomplet", "incomplet")
    assert got[("1004", "BC04")] == ("non validé", "validé")
    assert next(r for r in rows if r["numero"] == "1004" and r["motif"])["motif"].startswith("Le critère CR4.7 est démontré")
    # 1004's blocs acquired before the session (acquis.csv), among its decision of this session
    assert [(r["bloc"], r["decision"], r["acquis_le"], r["origine"]) for r in rows if r["numero"] == "1004"] == [
        ("BC01", "acquis antérieurement", "25/06/2026", "Session de juin 2026"),
        ("BC02", "acquis antérieurement", "25/06/2026", "Session de juin 2026"),
        ("BC03", "acquis antérieurement", "10/12/2026", "VAE"),
        ("BC04", "validé", "", ""),
    ]
    assert len(rows) == 14 and sum(r["decision"] == "acquis antérieurement" for r in rows) == 3


@pytest.mark.parametrize("fmt", ["pdf", "docx", "html"])
def test_proces_verbal(jury, fmt):
    path = jury / f"proces-verbal.{fmt}"
    text = flat(pdf_text(path) if fmt == "pdf" else docx_text(path) if fmt == "docx" else html_tree(path).text_content())
    for expected in (
        "Procès-verbal de délibération du jury", "Session de juin 2027", "24 juin 2027", "Lyon",
        "Claire Fictive (président)", "Sophie Modèle", "Membres extérieurs : 2 sur 4 (50 %) ; minimum fixé : 50 %",
        "Petit-Imaginaire David", "Le critère CR4.7 est démontré par la mise en situation du dossier VAE",
        "Candidats : 6 ; ayant validé tous les blocs de la certification : 2 (blocs acquis antérieurement compris).",
        "Blocs acquis antérieurement, comptés pour la certification", "10 décembre 2026", "Fait à Lyon, le 24 juin 2027.",
        STRANGE,
    ):
        assert expected.replace(" ", "").lower() in text.replace(" ", "").replace("\u00a0", "").lower(), expected
    assert "inférieure au minimum" not in text
    if fmt == "html":
        assert "&lt;script&gt;" in path.read_text(encoding="utf-8")


def docx_paragraphs(path: Path) -> str:
    """The runs of a paragraph joined as Word shows them (« 1 » then a superscript « er »: « 1er »)."""
    from tests.extract import W, docx_xml

    return " ".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in docx_xml(path).iter(f"{W}p"))


@pytest.mark.parametrize("fmt", ["pdf", "docx", "html"])
def test_parchemin_mentions(jury, fmt):
    path = jury / "parchemins" / f"1001-durand-exemple-alice.{fmt}"
    text = flat(pdf_text(path) if fmt == "pdf" else docx_paragraphs(path) if fmt == "docx" else html_tree(path).text_content())
    for mention in (
        "Responsable commercial et marketing",  # the exact intitulé
        "niveau 6 du cadre national des certifications professionnelles", "code NSF 312, 312p",
        "Institut Exemple de Commerce et de Management",  # the certificateur
        "par décision de France compétences du 1er juillet 2026 pour une durée de 5 ans",
        "Alice Marie Durand-Exemple", "né(e) le 14 mars 1998 à Lyon 3e", "candidat n° 1001",
        "Fait à Lyon, le 24 juin 2027.", "Claire Fictive",
    ):
        assert mention in text, mention
    assert "titre professionnel" not in text.lower()


@pytest.mark.parametrize("fmt", ["pdf", "docx", "html"])
def test_attestation_and_synthese(jury, fmt):
    def read(path):
        return flat(pdf_text(path) if fmt == "pdf" else docx_text(path) if fmt == "docx" else html_tree(path).text_content())

    text = read(jury / "attestations" / "bc04" / f"1004-petit-imaginaire-david.{fmt}")
    for mention in ("Attestation de validation de bloc de compétences", "David Paul Petit-Imaginaire", "BC04",
                    "Assurer le management de l'équipe commerciale", "né(e) le 5 janvier 1990 à Saint-Étienne"):
        assert mention in text, mention
    assert "titre professionnel" not in text.lower()
    synthese = read(jury / "syntheses" / "bc04" / f"1004-petit-imaginaire-david.{fmt}")
    assert "validé (calculée : non validé)" in synthese
    assert "Décision du jury : Le critère CR4.7" in synthese
    assert "Karim Témoin" in synthese  # a signature row per member
    releve = read(jury / "releves" / f"1002-martin-fictif-bastien.{fmt}")
    assert "Reste à valider : BC02, BC03, BC04." in releve
    releve = read(jury / "releves" / f"1004-petit-imaginaire-david.{fmt}")
    assert "BC03 acquis le 10 décembre 2026 (VAE)" in releve
    assert "Tous les blocs sont validés : la certification est obtenue." in releve
    synthese = read(jury / "syntheses" / "bc02" / f"1002-martin-fictif-bastien.{fmt}")
    assert "Conclusiondel'épreuveM2.1pourlacompétenceC2.1C2.1nonacquise" in synthese.replace(" ", "")  # HTML: cells unspaced
    strange = read(jury / "releves" / f"1005-o-brien-script-x-zoe-eve.{fmt}")
    assert "Eve O'Brien <script>&{{ x }}" in strange  # the PDF may read the overlay apart from the base: « Zoé » aside


def test_same_sources_same_bytes(jury, tmp_path):
    session = jury.parent / "session"
    again = tmp_path / "again"
    assert run("jury", str(ROOT / "sources"), str(session), "--out", str(again), "--format", "pdf,docx").exit_code == 0
    for rel in ("proces-verbal.pdf", "proces-verbal.docx", "parchemins/1001-durand-exemple-alice.pdf", "parchemins/1001-durand-exemple-alice.docx",
                "syntheses/bc02/1002-martin-fictif-bastien.docx", "imprimer/releves.pdf"):
        assert (again / rel).read_bytes() == (jury / rel).read_bytes(), rel


def test_never_in_a_build_site(jury, example_build):
    for folder in ("site", "dossier"):
        for path in (example_build / folder).rglob("*"):
            if path.is_file() and path.suffix in (".html", ".csv", ".json", ".xml", ".txt"):
                assert "Durand-Exemple" not in path.read_text(encoding="utf-8", errors="replace"), path
    result = run("jury", str(ROOT / "sources"), str(jury.parent / "session"), "--out", str(example_build / "site" / "jury"))
    assert result.exit_code == 1
    assert "données personnelles" in result.output
    assert not (example_build / "site" / "jury").exists()


def test_a_long_proces_verbal_is_laid_out_in_parts_and_numbered(jury, tmp_path, monkeypatch):
    from dossier.pipeline import jury as pipeline
    from dossier.pipeline import jury_outputs

    monkeypatch.setattr(jury_outputs, "PV_LINES", 4)
    checked, session, _ = pipeline.load(ROOT / "sources", jury.parent / "session")
    pipeline.generate(ROOT / "sources", session, checked.certification, tmp_path / "out", ("pdf",), 2)
    pages = pdf_pages(tmp_path / "out" / "proces-verbal.pdf")
    assert len(pages) == 3
    for number, page in enumerate(pages, 1):
        assert f"page {number} / 3" in page
    assert "Composition du jury" in pages[0] and "Composition du jury" not in pages[1] + pages[2]
    assert "Fait à Lyon, le 24 juin 2027." in pages[2] and "Totaux" not in pages[0] + pages[1]
    whole = flat(" ".join(pages))
    assert "1001" in whole and "1005" in whole and "Karim Témoin" in pages[2]


@pytest.mark.parametrize("rel", ["parchemins/1001-durand-exemple-alice.pdf", "attestations/bc01/1005-o-brien-script-x-zoe-eve.pdf",
                                 "releves/1002-martin-fictif-bastien.pdf", "syntheses/bc04/1004-petit-imaginaire-david.pdf"])
def test_candidates_pdfs_are_tagged_and_read_their_values(jury, rel):
    from tests.tagged_pdf import actual_texts, loose_content
    from tests.tagged_pdf import read as read_tagged

    pdf = read_tagged(jury / rel)
    catalog = pdf.catalog
    assert catalog["/MarkInfo"]["/Marked"] and catalog["/Lang"] == "fr-FR" and catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    assert any(s == "/H1" for _d, s, _e in pdf.elements)
    assert all(loose_content(pdf.reader, n) == [] for n in range(len(pdf.reader.pages)))
    read_out = actual_texts(pdf)
    if rel.startswith("parchemins"):  # the holder's name, birth data and number, in reading order
        assert read_out == ["Alice Marie Durand-Exemple", "né(e) le 14 mars 1998 à Lyon 3e", "candidat n° 1001"]
    elif rel.startswith("attestations"):
        assert read_out[0] == f"Eve {STRANGE}"
    else:
        assert read_out[0] in ("Bastien Martin-Fictif", "David Paul Petit-Imaginaire") and read_out[1] in ("1002", "1004")


def line_centres(path: Path, pattern: str) -> list[tuple[float, float]]:
    """For each line whose text matches `pattern` (words on one baseline, read by `pdftotext -bbox`):
    the middle of its ink from its first word's left to its last word's right, and its page's middle."""
    import re
    import subprocess

    from lxml import etree

    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True).stdout
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    found = []
    for page in etree.fromstring(out, etree.XMLParser(recover=True)).iterfind(".//x:page", ns):
        lines: dict[float, list] = {}
        for w in page.iterfind("x:word", ns):
            lines.setdefault(round(float(w.get("yMax")), 0), []).append(w)
        for words in lines.values():
            words.sort(key=lambda w: float(w.get("xMin")))
            if re.fullmatch(pattern, " ".join(w.text for w in words)):
                found.append(((float(words[0].get("xMin")) + float(words[-1].get("xMax"))) / 2, float(page.get("width")) / 2))
    return found


@pytest.mark.parametrize("rel, copies", [("parchemins/1001-durand-exemple-alice.pdf", 1), ("attestations/bc04/1004-petit-imaginaire-david.pdf", 1),
                                         ("imprimer/parchemins.pdf", 2), ("imprimer/attestations-bc01.pdf", 5)])
def test_the_candidate_number_line_is_centred_on_the_certificate(jury, rel, copies):
    """« candidat n° 1001 » stands in the middle of the page, like the name and birth lines above it
    (once: a box of 10 em, its number drawn at its left, put the line about 40 pt left of the middle)."""
    centres = line_centres(jury / rel, r"candidat n° \d+")
    assert len(centres) == copies
    for middle, page_middle in centres:
        assert abs(middle - page_middle) <= 1, (rel, middle, page_middle)


def test_a_name_outside_windows_1252_is_appended_tagged_in_the_documents_font(jury):
    from tests.tagged_pdf import actual_texts
    from tests.tagged_pdf import read as read_tagged

    path = jury / "attestations" / "bc01" / "1006-wisniewski-lukasz.pdf"
    assert "Łukasz Wiśniewski" in flat(pdf_text(path))
    assert actual_texts(read_tagged(path))[0] == "Łukasz Wiśniewski"


LATE = {"parity": 0}


def _late_task(index, people):
    """The batch task, letting the batches of one parity finish late: batches arrive out of order."""
    import time

    from dossier.pipeline import jury as pipeline

    if index % 2 == LATE["parity"]:
        time.sleep(0.5)
    return pipeline._worker.batch(index, people)


def test_two_runs_with_two_workers_write_the_same_bytes(jury, tmp_path, monkeypatch):
    """Batches of one candidate, the even ones late in one run and the odd ones in the other: every file,
    the merged print PDFs included, has the same bytes."""
    from dossier.pipeline import jury as pipeline

    monkeypatch.setattr(pipeline, "BATCH", 1)
    checked, session, _ = pipeline.load(ROOT / "sources", jury.parent / "session")
    outs = []
    for parity in (0, 1):
        LATE["parity"] = parity  # set before the pool forks its workers
        monkeypatch.setattr(pipeline, "_batch_task", _late_task)
        outs.append(tmp_path / f"out{parity}")
        pipeline.generate(ROOT / "sources", session, checked.certification, outs[-1], ("pdf", "docx"), 2)
    files = [sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) for out in outs]
    assert files[0] == files[1] and "imprimer/syntheses-bc01.pdf" in files[0]
    assert not [rel for rel in files[0] if rel.endswith(".tmp")]  # the decisions' store and the printouts' temporaries are gone
    for rel in files[0]:
        assert (outs[0] / rel).read_bytes() == (outs[1] / rel).read_bytes(), rel
    releves = pdf_pages(outs[0] / "imprimer" / "releves.pdf")
    assert [next(n for n in range(1001, 1007) if str(n) in page) for page in releves] == list(range(1001, 1007))  # in order
    assert "Łukasz Wiśniewski" in releves[5]


@pytest.mark.parametrize("rel, names", [
    ("imprimer/syntheses-bc04.pdf", ["Alice Marie Durand-Exemple", "David Paul Petit-Imaginaire"]),
    ("imprimer/parchemins.pdf", ["Alice Marie Durand-Exemple"]),
])
def test_merged_print_pdfs_have_one_structure_tree(jury, rel, names):
    """A merged print PDF of tagged documents is tagged: one tree, each copy's elements on its own pages,
    each candidate's name the ActualText of an element of the copy printed on that candidate's page."""
    one_structure_tree(jury / rel, names)
    from pdfua import validate

    assert [f"{f.rule_id}: {f.message}" for f in validate(str(jury / rel)).findings] == []
    from tests.verapdf import failures

    found = failures([jury / rel])  # veraPDF's PDF/UA-1 profile too, where it runs (always under make test)
    assert found in (None, {str(jury / rel): {}}), found


def one_structure_tree(path: Path, names: list[str]) -> None:
    """The structure of a merged print PDF: one tree, a parent-tree key per page, IDs unique, each copy's
    name (in order) the ActualText of an element on its own pages, every drawing marked or an artifact."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    from tests.tagged_pdf import loose_content

    reader = PdfReader(path)
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"]
    root = catalog["/StructTreeRoot"]
    pages = {p.indirect_reference.idnum: i for i, p in enumerate(reader.pages)}
    keys = [int(p["/StructParents"]) for p in reader.pages]
    assert keys == list(range(len(reader.pages)))  # one parent-tree key per page of the merged file
    nums = root["/ParentTree"]["/Nums"]
    assert [int(nums[i]) for i in range(0, len(nums), 2)] == keys
    texts: dict[int, list[str]] = {}  # page → ActualTexts of elements on it
    ids: list[str] = []
    stack, seen = [root.raw_get("/K")], set()
    while stack:
        node = stack.pop()
        if isinstance(node, ArrayObject):
            stack.extend(node)
            continue
        if isinstance(node, IndirectObject):
            assert node.idnum not in seen  # a tree, not a graph: every copy has its own elements
            seen.add(node.idnum)
        obj = node.get_object()
        if isinstance(obj, DictionaryObject) and "/S" in obj:
            if "/ActualText" in obj:
                texts.setdefault(pages[obj.raw_get("/Pg").idnum], []).append(str(obj["/ActualText"]))
            if "/ID" in obj:
                ids.append(str(obj["/ID"]))
            if "/K" in obj:
                stack.append(obj.raw_get("/K"))
    assert len(ids) == len(set(ids))  # IDs unique across copies
    per_copy = len(reader.pages) // len(names)
    for copy, name in enumerate(names):
        on_its_pages = [t for page in range(copy * per_copy, (copy + 1) * per_copy) for t in texts.get(page, [])]
        assert name in on_its_pages, (copy, name, on_its_pages)
    for n in range(len(reader.pages)):
        page_array = nums[2 * n + 1].get_object()
        assert all(ref.get_object().raw_get("/Pg").idnum == reader.pages[n].indirect_reference.idnum for ref in page_array)
        for mcid, ref in enumerate(page_array):  # the element the parent tree names for an MCID holds it
            kids = ref.get_object().get("/K")
            kids = list(kids) if isinstance(kids, ArrayObject) else [kids]
            assert mcid in [int(k) for k in kids if isinstance(k, int)], (n, mcid, ref.get_object())
        assert loose_content(reader, n) == []  # every drawing is marked content or an artifact


def test_a_second_run_removes_what_it_no_longer_makes_and_lists_what_it_wrote(jury, tmp_path):
    import json

    session, out = tmp_path / "session", tmp_path / "out"
    shutil.copytree(jury.parent / "session", session)
    shutil.copytree(jury, out)
    people = (session / "candidats.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (session / "candidats.csv").write_text("".join(line for line in people if ";1006;" not in line), encoding="utf-8")
    results = (session / "resultats.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (session / "resultats.csv").write_text("".join(line for line in results if not line.startswith("1006;")), encoding="utf-8")
    result = run("jury", str(ROOT / "sources"), str(session), "--out", str(out), "--jobs", "2")
    assert result.exit_code == 0, result.output
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name != ".dossier-jury.json")
    assert not [f for f in files if "wisniewski" in f] and "releves/1001-durand-exemple-alice.pdf" in files
    listing = (out / ".dossier-jury.json").read_text(encoding="utf-8")
    assert listing == json.dumps(files, indent=0)  # every file written, sorted, nothing else (no temporary left)
    assert f"{len(files)} fichiers" in result.output


def test_a_run_stopped_halfway_leaves_nothing_the_next_run_does_not_remove(tmp_path, monkeypatch):
    """The listing names what a run may write before it writes: after a run that stops (an error, an interruption)
    once some candidates' documents are written, the next run, without those candidates, removes them (they name
    people); the listing then holds what that run wrote, and nothing it only planned."""
    import json

    from dossier.pipeline import jury as pipeline

    session = tmp_path / "session"
    shutil.copytree(ROOT / "exemples" / "session", session)
    checked, loaded, _ = pipeline.load(ROOT / "sources", session)
    real = pipeline._Worker.batch

    def failing(self, index, people):
        if any(c.numero == "1003" for c, *_rest in people):
            raise RuntimeError("lot en échec")
        return real(self, index, people)

    out = tmp_path / "out"
    with monkeypatch.context() as patch:
        patch.setattr(pipeline._Worker, "batch", failing)  # the workers are forked: they inherit it
        patch.setattr(pipeline, "BATCH", 2)
        with pytest.raises(RuntimeError, match="lot en échec"):
            pipeline.generate(ROOT / "sources", loaded, checked.certification, out, ("html",), 1)
    stopped = sorted(p for p in out.rglob("*.html") if "durand-exemple" in p.name or "martin-fictif" in p.name)
    assert len(stopped) >= 4, "the first batch's documents were written before the run stopped"
    for name in ("candidats.csv", "resultats.csv"):
        lines = (session / name).read_text(encoding="utf-8").splitlines(keepends=True)
        (session / name).write_text("".join(x for x in lines if ";1001;" not in x and ";1002;" not in x
                                            and not x.startswith(("1001;", "1002;"))), encoding="utf-8")
    checked, loaded, _ = pipeline.load(ROOT / "sources", session)
    result = pipeline.generate(ROOT / "sources", loaded, checked.certification, out, ("html",), 1)
    assert not [p for p in stopped if p.exists()] and set(stopped) <= set(result.removed)
    listed = json.loads((out / ".dossier-jury.json").read_text(encoding="utf-8"))
    assert listed == sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name != ".dossier-jury.json")


def test_an_interrupted_runs_credentials_go_and_a_file_the_tool_did_not_write_stays(tmp_path, monkeypatch):
    """What a run writes after its batches (the credentials) is listed before it begins too: interrupted while
    writing them, the next run without that candidate removes those it wrote. A file of the user's that bears
    one of the names a run might write, and that the run does not write, is never removed."""
    from dossier.pipeline import jury as pipeline
    from dossier.pipeline import jury_exports

    session = tmp_path / "session"
    shutil.copytree(ROOT / "exemples" / "session", session)
    out = tmp_path / "out"
    own = out / "parchemins" / "1002-martin-fictif-bastien.html"  # 1002 is not certified: no parchemin of the tool's
    own.parent.mkdir(parents=True)
    own.write_text("le mien", encoding="utf-8")
    checked, loaded, _ = pipeline.load(ROOT / "sources", session)
    real = jury_exports.badge_files

    def interrupted(*args, **kwargs):
        for count, item in enumerate(real(*args, **kwargs)):
            if count == 2:
                raise RuntimeError("interrompu")
            yield item

    with monkeypatch.context() as patch:
        patch.setattr(jury_exports, "badge_files", interrupted)
        with pytest.raises(RuntimeError, match="interrompu"):
            pipeline.generate(ROOT / "sources", loaded, checked.certification, out, ("html",), 1)
    badges = sorted((out / "badges").glob("badge-1001-*.json"))
    assert len(badges) == 2, "two credentials written before the interruption"
    for name in ("candidats.csv", "resultats.csv"):
        lines = (session / name).read_text(encoding="utf-8").splitlines(keepends=True)
        (session / name).write_text("".join(x for x in lines if ";1001;" not in x and not x.startswith("1001;")), encoding="utf-8")
    checked, loaded, _ = pipeline.load(ROOT / "sources", session)
    result = pipeline.generate(ROOT / "sources", loaded, checked.certification, out, ("html",), 1)
    assert not [p for p in badges if p.exists()] and set(badges) <= set(result.removed)
    assert own.read_text(encoding="utf-8") == "le mien", "a file the tool did not write stays"
