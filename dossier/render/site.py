"""The site's files: its pages from the templates, its assets, and the search index as a script."""

from __future__ import annotations

import json

from ..documents.site import SiteBloc, SiteView
from ..exporters.schemaorg import page_graph, script_json
from ..text import search_key
from ..typography import typeset_html
from .templates import TemplatePath

ASSETS = ("site.css", "search.js")


def search_index(view: SiteView) -> bytes:
    """Every competence, criterion, activity (and task) and modalité, with its permanent link."""
    entries = []

    def add(kind: str, ident: str, text: str, bloc: SiteBloc, anchor: str) -> None:
        entries.append({
            "type": kind, "id": ident, "text": text, "bloc": bloc.bloc.code,
            "url": f"blocs/{bloc.slug}.html#{anchor}", "n": search_key(f"{kind} {ident} {text}"),
        })

    for sb in view.blocs:
        b = sb.bloc
        for a in b.activites:
            add("Activité", a.id, a.intitule + (" — " + " ; ".join(a.taches) if a.taches else ""), sb, a.id)
        for c in b.competences:
            add("Compétence", c.id, c.texte, sb, c.id)
        for m in b.modalites:
            add("Épreuve", m.id, m.titre, sb, m.id)
        for c in b.criteres:
            add("Critère", c.id, c.texte, sb, c.id)
    payload = json.dumps({"entries": entries}, ensure_ascii=True, separators=(",", ":"))
    payload = payload.replace("</", "<\\/")  # never close the script element from inside
    return f"window.DOSSIER_INDEX = {payload};\n".encode("ascii")


def render_site(view: SiteView, templates: TemplatePath) -> list[tuple[str, bytes]]:
    """Every file of the site, as (path relative to the site folder, bytes)."""
    env = templates.html_environment()
    common = {"h": view.header, "site": view, "cert": view.cert}

    def page(template: str, root: str, name: str, jsonld: dict, **extra) -> bytes:
        html = env.get_template(f"site/{template}").render(root=root, page=name, jsonld=script_json(jsonld), **common, **extra)
        if view.header.typographie:
            html = typeset_html(html)
        return html.encode("utf-8")

    cert = view.cert
    files = [
        ("index.html", page("index.html", "", "index", page_graph(cert, "", full=True))),
        ("couverture.html", page("couverture.html", "", "couverture", page_graph(cert, ""))),
        ("recherche.html", page("recherche.html", "", "recherche", page_graph(cert, ""))),
    ]
    if view.correspondances:
        files.append(("correspondances.html", page("correspondances.html", "", "correspondances", page_graph(cert, ""))))
    for sb in view.blocs:
        files.append((f"blocs/{sb.slug}.html", page("bloc.html", "../", sb.slug, page_graph(cert, "../", sb.bloc), rb=sb.rb)))
    for asset in ASSETS:
        files.append((f"assets/{asset}", templates.find(f"html/site/{asset}").read_bytes()))
    files.append(("assets/search-index.js", search_index(view)))
    return files
