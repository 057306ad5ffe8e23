"""Links in the sources: decoded as a browser decodes them, then only http, https, mailto and
anchors in the page survive — in the HTML handbook, the site, the Word file and the PDF."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import MINIMAL, run
from extract import html_tree

CERT = (MINIMAL / "certification.yaml").read_text(encoding="utf-8")

HOSTILE = [
    "[a](javascript&#58;alert(1))",
    "[b](&#x6A;avascript&#x3A;alert(2))",
    "[c](JAVASCRIPT&colon;alert(3))",
    "[d](vbscript:msgbox(4))",
    "[e](data:text/html;base64,PHNjcmlwdD5hbGVydCg1KTwvc2NyaXB0Pg==)",
    "[f](file:///etc/passwd)",
    "[g](../../../../etc/passwd)",
    "[h](//evil.example/h)",
    "[i][piege]",
    "[j](java&#9;script:alert(10))",
    "[k](&#106;&#97;vascript:alert(11))",
    "[l](&amp;#106;avascript:alert(12))",
    "<javascript:alert(13)>",
]
SAFE = ["[ok1](https://exemple.fr/a?b=1&c=2)", "[ok2](mailto:jury@exemple.fr)", "[ok3](HTTP://EXEMPLE.FR)"]
PROSE = "# Règles\n\n" + "\n\n".join(f"Lien {x}." for x in HOSTILE + SAFE) + "\n\n[piege]: javascript&#x3a;alert(9)\n"
ALLOWED = re.compile(r"^(?:https?://|mailto:|#)", re.IGNORECASE)


def _project(project):
    objectifs = "objectifs_contexte: |\n  " + "\n\n  ".join(f"Lien {x}." for x in HOSTILE[:8] + SAFE)
    return project({
        "livret/01-regles.md": PROSE,
        "certification.yaml": CERT.replace("objectifs_contexte: Objectifs.", objectifs),
    })


def _hrefs(path: Path) -> list[str]:
    return [str(h) for h in html_tree(path).xpath("//a/@href")]


def test_hostile_links_pass_check_but_never_reach_the_html_or_word(project, tmp_path):
    folder = _project(project)
    assert run("check", str(folder)).exit_code == 0  # plain Markdown: nothing for check to refuse
    result = run("build", str(folder), "--out", str(tmp_path), "--only", "livret", "--format", "html,docx")
    assert result.exit_code == 0, result.output
    (page,) = (tmp_path / "livret").glob("*.html")
    hrefs = _hrefs(page)
    assert "https://exemple.fr/a?b=1&c=2" in hrefs and "mailto:jury@exemple.fr" in hrefs and "HTTP://EXEMPLE.FR" in hrefs
    assert [h for h in hrefs if not ALLOWED.match(h)] == []
    text = page.read_text(encoding="utf-8")
    assert "javascript" not in text.lower().replace("&lt;javascript:alert(13)&gt;", "")  # only the autolink, as text
    for letter in "abcdefghijkl":  # each link's text is kept, without its target
        assert html_tree(page).xpath(f"//a[not(@href)][text()='{letter}']"), letter
    (docx,) = (tmp_path / "livret").glob("*.docx")
    with zipfile.ZipFile(docx) as z:
        rels = etree.fromstring(z.read("word/_rels/document.xml.rels"))
    targets = [r.get("Target") for r in rels if r.get("TargetMode") == "External"]
    assert sorted(targets) == ["HTTP://EXEMPLE.FR", "https://exemple.fr/a?b=1&c=2", "mailto:jury@exemple.fr"]


@pytest.mark.slow
def test_hostile_links_never_reach_the_pdf_nor_the_site(project, tmp_path):
    from pypdf import PdfReader

    folder = _project(project)
    result = run("build", str(folder), "--out", str(tmp_path), "--only", "livret,site", "--format", "html,pdf")
    assert result.exit_code == 0, result.output
    (pdf,) = (tmp_path / "livret").glob("*.pdf")
    actions = []
    for page in PdfReader(pdf).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None:
                actions.append({str(k): str(v) for k, v in action.get_object().items()})
    uris = [a["/URI"] for a in actions if "/URI" in a]
    assert sorted(set(uris)) == ["HTTP://EXEMPLE.FR", "https://exemple.fr/a?b=1&c=2", "mailto:jury@exemple.fr"]
    assert all(a.get("/S") == "/URI" for a in actions), actions  # no /JavaScript, /Launch, /GoToR
    raw = pdf.read_bytes()
    assert b"javascript" not in raw.lower() and b"file:" not in raw and b"/Launch" not in raw
    for page in sorted((tmp_path / "site").rglob("*.html")):
        assert [h for h in _hrefs(page) if "script" in h.lower() or h.startswith(("data:", "file:", "//"))] == [], page
    index = _hrefs(tmp_path / "site" / "index.html")
    assert "https://exemple.fr/a?b=1&c=2" in index and "mailto:jury@exemple.fr" in index
