"""What a PDF may load and link to, whatever the HTML (a project's own template) asks for."""

from __future__ import annotations

import io

from PIL import Image
from pypdf import PdfReader

from dossier.render.pdf import from_html


def _png(path) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 120, 200)).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())


def _images(pdf: bytes) -> int:
    count = 0
    for page in PdfReader(io.BytesIO(pdf)).pages:
        xobjects = page["/Resources"].get("/XObject") or {}
        count += sum(1 for x in xobjects.values() if x.get_object().get("/Subtype") == "/Image")
    return count


def _uris(pdf: bytes) -> list[str]:
    out = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None:
                action = action.get_object()
                out.append(f"{action.get('/S')} {action.get('/URI', '')}")
    return out


def test_a_pdf_links_only_to_the_web_mail_and_its_own_anchors(tmp_path):
    links = [
        "javascript:alert(1)", "JaVaScRiPt:alert(2)", "vbscript:x", "data:text/html,<b>x</b>", "file:///etc/passwd",
        "autre-page.html", "../../secret.pdf", "//evil.example/", "https://exemple.fr/ok", "mailto:a@exemple.fr", "#titre",
    ]
    body = "".join(f'<p><a href="{h}">lien {i}</a></p>' for i, h in enumerate(links))
    pdf = from_html(f'<html><body><h1 id="titre">Titre</h1>{body}</body></html>', tmp_path)
    uris = _uris(pdf)
    assert sorted(set(uris)) == ["/URI https://exemple.fr/ok", "/URI mailto:a@exemple.fr"], uris
    assert b"file:" not in pdf and b"javascript" not in pdf.lower()


def test_a_pdf_loads_only_files_of_the_templates_folder(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    _png(templates / "dedans.png")
    outside = tmp_path / "dehors.png"
    _png(outside)
    (templates / "lien.png").symlink_to(outside)  # a link out of the folder is refused too
    html = (
        f'<html><body><img src="dedans.png"><img src="{outside.as_uri()}"><img src="lien.png"><img src="/etc/hostname">'
        '<img src="http://127.0.0.1:9/x.png"></body></html>'
    )
    assert _images(from_html(html, templates)) == 1
    assert _images(from_html('<html><body><img src="dedans.png"></body></html>', templates)) == 1
