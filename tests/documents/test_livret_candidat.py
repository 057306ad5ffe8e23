"""What the handbook tells a candidate: the activities, what to hand in, whom to write to; and pages that read whole."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from conftest import EXAMPLE, run
from dossier.checks import check
from dossier.documents import DOCUMENTS
from dossier.documents.livret import livret
from dossier.pipeline.plan import plan, render_env
from dossier.render.formats import html_page
from extract import docx_text, flat, html_tree, pdf_text

SLUG = "responsable-commercial-et-marketing-livret"

REMISE = """    livrables: [Rapport écrit]
    format: 20 à 30 pages hors annexes, au format PDF
    remise: Sur la plateforme de l'organisme, au plus tard quinze jours avant la soutenance
    soutenance: par_bloc
"""

CONTACTS = """contacts:
  referent_handicap:
    nom: Mme Handi Référente
    courriel: handicap@organisme.test
  recours:
    nom: Président du jury
    adresse: 2 place du Recours, 75000 Paris
  certificateur:
    nom: Service « certif » & examens
    courriel: certif@organisme.test
"""


@pytest.fixture(scope="module")
def built(example_build) -> Path:
    return example_build / "livret"


def page_of(folder: Path) -> str:
    cert = check(folder).certification
    out = plan(cert, ("livret",), ("html",))[0]
    return html_page(DOCUMENTS["livret"], out.view, render_env(cert, folder))


def with_modalite(project, extra: str, kind: str = "rapport_activites") -> Path:
    bloc = (project() / "blocs" / "bc01.yaml").read_text(encoding="utf-8")
    bloc = bloc.replace("    type: mise_en_situation\n", f"    type: {kind}\n").replace(
        "    duree: 30 min\n", "    duree: 30 min\n" + extra
    )
    return project({"blocs/bc01.yaml": bloc})


# --- the référentiel d'activités ---------------------------------------------------------


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
def test_every_activity_and_task_is_in_the_handbook(built, cert, fmt):
    path = built / f"{SLUG}.{fmt}"
    text = {"html": lambda: flat(html_tree(path).xpath("//main")[0].text_content()), "pdf": lambda: pdf_text(path, raw=True),
            "docx": lambda: flat(docx_text(path))}[fmt]()
    wanted = [a.intitule for a in cert.activites] + [t for a in cert.activites for t in a.taches]
    assert len(wanted) > 10
    assert [t for t in wanted if flat(t) not in text] == []
    assert text.count("Activités et situations de travail") >= len(cert.blocs)


def test_activities_stand_in_their_bloc_before_its_competences(built, cert):
    tree = html_tree(built / f"{SLUG}.html")
    for bloc in cert.blocs:
        section = tree.xpath(f'//section[h2[@id="bloc-{bloc.code.lower()}"]]')[0]
        text = flat(section.text_content())
        for a in bloc.activites:
            assert text.index(flat(a.taches[-1])) < text.index("Ce bloc certifie les compétences suivantes")


# --- what the candidate hands in ---------------------------------------------------------


def test_deliverable_length_deadline_and_soutenance_are_shown(project):
    tree = html_tree(page_of(with_modalite(project, REMISE)).encode())
    rows = {flat(tr[0].text_content()): flat(tr[1].text_content()) for tr in tree.xpath('//table[contains(@class, "epreuve")]//tr')}
    assert rows["À remettre"] == "Rapport écrit"
    assert rows["Longueur et format"] == "20 à 30 pages hors annexes, au format PDF"
    assert rows["Remise"].startswith("Sur la plateforme de l'organisme")
    assert rows["Soutenance"] == "Une soutenance pour ce bloc"


def test_absent_keys_show_no_empty_row(project):
    tree = html_tree(page_of(project()).encode())
    heads = [flat(th.text_content()) for th in tree.xpath('//table[contains(@class, "epreuve")]//th')]
    assert "Type" in heads and not {"Longueur et format", "Remise", "Soutenance", "À remettre"} & set(heads)


def test_example_says_one_soutenance_per_bloc(built, cert):
    text = flat(html_tree(built / f"{SLUG}.html").text_content())
    rapports = [m for m in cert.modalites if m.type == "rapport_activites"]
    assert rapports and all(m.soutenance == "par_bloc" for m in rapports)
    assert text.count("Une soutenance pour ce bloc") == len(rapports)


def _livrables_findings(folder: Path) -> list:
    return [d for d in check(folder).report.diagnostics if d.rule == "epreuve-livrables"]


def test_check_informs_when_a_written_deliverable_says_nothing_of_it(project):
    silent = _livrables_findings(with_modalite(project, "    livrables: [Rapport écrit]\n"))
    assert len(silent) == 1
    finding = silent[0]
    assert finding.severity.name == "INFO"
    assert "M1.1" in finding.message and "format:" in finding.message and "remise:" in finding.message
    assert finding.loc.file.endswith("bc01.yaml") and finding.loc.line > 0
    assert _livrables_findings(with_modalite(project, REMISE)) == []
    assert _livrables_findings(project()) == []  # a mise en situation, nothing handed in


def test_check_keeps_the_example_green_and_says_what_it_lacks():
    report = check(EXAMPLE).report
    findings = [d for d in report.diagnostics if d.rule == "epreuve-livrables"]
    # the reference référentiel gives no length nor format for the reports: the information stays
    assert len(findings) == 4 and all("format:" in d.message for d in findings)
    assert report.errors == 0


# --- contacts ----------------------------------------------------------------------------


def test_contacts_are_printed_where_the_rules_speak_of_them(project):
    cert_yaml = (project() / "certification.yaml").read_text(encoding="utf-8") + CONTACTS
    folder = project({
        "certification.yaml": cert_yaml,
        "livret/03-recours.md": "# Recours\n\n## Recours gracieux\n\nÉcrire au président du jury.\n\n## Ensuite\n\nAttendre.\n",
    })
    page = page_of(folder)
    tree = html_tree(page.encode())
    handicap = tree.xpath('//section[h2[contains(., "Handicap")]]')[0]
    assert "Mme Handi Référente — handicap@organisme.test" in flat(handicap.text_content())
    recours = tree.xpath('//section[h2[contains(., "Recours")]]')[0]
    text = flat(recours.text_content())
    assert text.index("2 place du Recours") < text.index("Ensuite")  # in the subsection that speaks of it
    # the certificateur's contact with the codes, and literally (content is data)
    assert "Service « certif » & examens — certif@organisme.test" in flat(tree.xpath('//table[contains(@class, "cles")]')[0].text_content())
    assert "«\u00a0certif\u00a0» &amp; examens" in page and "<script" not in page


def test_example_contacts_in_pdf_and_docx(built, example_cert):
    contacts = example_cert.contacts
    for text in (pdf_text(built / f"{SLUG}.pdf", raw=True), flat(docx_text(built / f"{SLUG}.docx"))):
        for c in (contacts.referent_handicap, contacts.recours, contacts.certificateur):
            assert flat(c.courriel) in text


# --- layout: page fill, headings, small tables, lists ------------------------------------


MARGIN = 18 * 72 / 25.4  # the handbook's top and bottom page margins, in points


def pdf_lines(path: Path) -> list[list[tuple[float, float, str]]]:
    """Per page, the lines of the body (header and footer left out): (top, bottom, text), top to bottom."""
    import subprocess

    out = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, check=True).stdout
    root = etree.fromstring(out, etree.XMLParser(recover=True))
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    pages = []
    for page in root.iterfind(".//x:page", ns):
        height = float(page.get("height"))
        lines = []
        for line in page.iterfind(".//x:line", ns):
            top, bottom = float(line.get("yMin")), float(line.get("yMax"))
            if top > 0.75 * MARGIN and bottom < height - 0.75 * MARGIN:  # the running header and footer left out
                lines.append((top, bottom, " ".join(w.text or "" for w in line.iterfind("x:word", ns))))
        pages.append((height, sorted(lines)))
    return pages


def fill(height: float, lines) -> float:
    """How much of the page's body is used: the bottom of its last line, from the top margin."""
    return (max(b for _, b, _ in lines) - MARGIN) / (height - 2 * MARGIN) if lines else 0.0


def test_no_page_left_mostly_blank(built):
    pages = pdf_lines(built / f"{SLUG}.pdf")
    fills = [round(fill(h, lines), 2) for h, lines in pages]
    assert [n for n, f in enumerate(fills[:-1], start=1) if f < 0.25] == [], fills


def test_no_heading_at_the_foot_of_a_page(built, cert):
    """A heading in the lower part of a page has at least three lines of what it heads below it, or ends its
    section there (the next page starts with a heading). Today's example had « Les blocs de compétences et leurs
    épreuves » and its two-line introduction at the foot of page 6, their table on page 7."""
    view = livret(cert)
    headings = [flat(e.titre) for e in view.toc] + ["Ce que le jury vérifie, compétence par compétence :",
                                                    "Activités et situations de travail", "Compétences certifiées"]

    def heading(text: str) -> str | None:
        text = flat(text)
        return next((h for h in headings if len(text) >= min(len(h), 25) and h.startswith(text)), None)

    pages = pdf_lines(built / f"{SLUG}.pdf")
    body = next(n for n, (_, lines) in enumerate(pages) if lines and flat(lines[0][2]) == "La certification")
    checked = 0
    for n in range(body, len(pages) - 1):
        lines = [flat(t) for _, _, t in pages[n][1]]
        found = [(i, heading(t)) for i, t in enumerate(lines) if heading(t)]
        if not found:
            continue
        i, h = found[-1]
        height, top = pages[n][0], pages[n][1][i][0]
        low = (top - MARGIN) / (height - 2 * MARGIN) > 0.7
        after = [t for t in lines[i + 1:] if t not in h]
        next_lines = pages[n + 1][1]
        starts_section = bool(next_lines) and heading(next_lines[0][2]) is not None
        assert not low or len(after) >= 3 or starts_section, (n + 1, h, after)
        checked += 1
    assert checked > 10


def test_small_tables_kept_whole(built):
    pages = [flat(" ".join(t for _, _, t in lines)) for _, lines in pdf_lines(built / f"{SLUG}.pdf")]
    codes = [n for n, text in enumerate(pages) if re.search(r"\bNSF\b.*\bROME\b.*Formacode", text)]
    assert codes, "the « Niveau et codes » table"
    assert "Niveau" in pages[codes[0]] and "Certificateur" in pages[codes[0]].split("Formacode", 1)[1]


def test_rules_chapters_follow_one_another(built, cert):
    """The rules' chapters do not each start a page (a chapter's last lines left a page three-quarters blank):
    the first starts a page, the others follow on the same page as the end of the one before."""
    pages = [[flat(t) for _, _, t in lines] for _, lines in pdf_lines(built / f"{SLUG}.pdf")]
    starts = [next(n for n, lines in enumerate(pages) if flat(p.titre) in lines) for p in cert.prose]
    at_top = [pages[n][0] == flat(p.titre) for n, p in zip(starts, cert.prose)]
    assert at_top[0] and not all(at_top[1:]), at_top


def test_cli_build_of_a_project_with_contacts(project, tmp_path):
    cert_yaml = (project() / "certification.yaml").read_text(encoding="utf-8") + CONTACTS
    folder = project({"certification.yaml": cert_yaml})
    result = run("build", str(folder), "--out", str(tmp_path / "out"), "--only", "livret", "--format", "docx")
    assert result.exit_code == 0, result.output
    assert "Mme Handi Référente" in docx_text(next((tmp_path / "out" / "livret").glob("*.docx")))


# --- Word: contents with page numbers, running header, a page per bloc ----------------------


def toc_entries(path: Path) -> list[tuple[str, str, str]]:
    """(style, title, page) of each entry of the Word table of contents, as written in the file."""
    from extract import W, docx_xml

    out = []
    for p in docx_xml(path).iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        if style is not None and style.get(f"{W}val") in ("toc1", "toc2"):
            link = p.find(f"{W}hyperlink")
            texts = [t.text or "" for t in link.iter(f"{W}t")]
            out.append((style.get(f"{W}val"), texts[0], texts[-1] if len(texts) > 1 else ""))
    return out


def test_docx_contents_carry_page_numbers_in_order(built, cert):
    entries = toc_entries(built / f"{SLUG}.docx")
    assert len(entries) > 30
    numbers = [int(n) for _, _, n in entries]  # every entry has one, before Word updates the field
    assert numbers == sorted(numbers) and numbers[0] >= 3
    blocs = [int(n) for s, t, n in entries if s == "toc1" and t.startswith("Bloc ")]
    assert len(blocs) == len(cert.blocs) and len(set(blocs)) == len(blocs)


def test_docx_starts_each_bloc_and_the_rules_on_a_new_page(built, cert):
    from extract import W, docx_xml

    starting = []
    for p in docx_xml(built / f"{SLUG}.docx").iter(f"{W}p"):
        if p.find(f"{W}pPr/{W}pageBreakBefore") is not None:
            starting.append(flat("".join(t.text or "" for t in p.iter(f"{W}t"))))
    # the contents and the first chapter after the cover too (a page break before them, not an empty paragraph)
    assert starting == ["Sommaire", "La certification"] + [f"Bloc {b.code} — {b.intitule}" for b in cert.blocs] + [cert.prose[0].titre]


@pytest.mark.slow
def test_docx_in_libreoffice_contents_pages_header_and_blocs(built, cert, tmp_path):
    """Through LibreOffice, which never updates fields: the contents show page numbers, right within a page;
    the running header is not blank; each bloc starts a page."""
    from extract import libreoffice_pdf, pdf_pages

    pages = [flat(p) for p in pdf_pages(libreoffice_pdf(built / f"{SLUG}.docx", tmp_path))]
    listed = {t: int(n) for s, t, n in toc_entries(built / f"{SLUG}.docx") if s == "toc1"}
    contents = [n for n, text in enumerate(pages) if re.search(r"\.{5,} ?\d+", text)]
    for title, number in listed.items():
        assert re.search(re.escape(flat(title)[:40]) + r".*?\.{5,} ?" + str(number), " ".join(pages[i] for i in contents)), title
    for title, number in listed.items():
        actual = next(n + 1 for n, text in enumerate(pages) if n > contents[-1] and flat(title)[:40] in text)
        assert abs(actual - number) <= 1, (title, number, actual)
    running = flat(f"{cert.intitule} Livret du candidat")  # the running header, its STYLEREF pre-filled
    assert all(text.startswith(running) for text in pages[contents[0]:]), [t[:60] for t in pages]
    for bloc in cert.blocs:
        title = flat(f"Bloc {bloc.code} — {bloc.intitule}")
        page = next(text for n, text in enumerate(pages) if n > contents[-1] and title in text)
        assert page.startswith(f"{running} {title}")  # at the top of its page


def test_running_header_names_the_chapter_in_effect_at_the_top_of_the_page(built, cert):
    """The chapters follow one another: a page that starts within one chapter and opens the next is headed
    by the first (« Recours », not « Candidats en situation de handicap »)."""
    from extract import pdf_pages

    chapters = {flat(e.titre) for e in livret(cert).toc if e.level == 1}
    headed, previous = 0, None
    for number, text in enumerate(pdf_pages(built / f"{SLUG}.pdf"), start=1):
        lines = [flat(line) for line in text.splitlines() if line.strip()]
        running = max((c for c in chapters if lines and lines[0].endswith(c)), key=len, default=None)
        if running is None:
            continue
        def chapter(line: str) -> str | None:  # a chapter's title, or its first line when it wraps
            return next((c for c in chapters if line == c or (len(line) >= 20 and c.startswith(line))), None)

        first = chapter(lines[1]) if len(lines) > 1 else None
        expected = first or previous
        if expected is not None:
            assert running == expected, (number, running, lines[1:2])
            headed += 1
        opened = [chapter(line) for line in lines[1:] if chapter(line)]
        previous = opened[-1] if opened else running  # the chapter in effect at the foot of this page
    assert headed > 15
