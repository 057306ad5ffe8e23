"""DOCX: docxtpl renders the Word template; python-docx adds what docxtpl cannot express.

The référentiel's Word template holds a model table: two header rows (repeated
on every page), then one row giving the look of a bloc's title row and one
giving the look of a competence row. The renderer clones those two rows for
the content — so widths, shading and borders are whatever the user set in Word.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

from docxtpl import DocxTemplate
from lxml import etree

from ..documents.referentiel import ReferentielView
from ..typography import duree_texte, typeset
from .docx_common import Styles, TemplateShapeError, _w, fiche_line, fill, finish, paragraph


def _fill(tc: etree._Element, paragraphs: list[etree._Element]) -> None:
    for p in tc.findall(_w("p")):
        tc.remove(p)
    for p in paragraphs or [etree.Element(_w("p"))]:
        tc.append(p)


def _vmerge(tc: etree._Element, restart: bool) -> None:
    tcpr = tc.find(_w("tcPr"))
    if tcpr is None:
        tcpr = etree.Element(_w("tcPr"))
        tc.insert(0, tcpr)
    for old in tcpr.findall(_w("vMerge")):
        tcpr.remove(old)
    el = etree.Element(_w("vMerge"))
    if restart:
        el.set(_w("val"), "restart")
    # vMerge comes after tcW and gridSpan in CT_TcPr's sequence
    anchor = 0
    for i, child in enumerate(tcpr):
        if child.tag in (_w("cnfStyle"), _w("tcW"), _w("gridSpan"), _w("hMerge")):
            anchor = i + 1
    tcpr.insert(anchor, el)


def _cant_split(tr: etree._Element) -> None:
    trpr = tr.find(_w("trPr"))
    if trpr is None:
        trpr = etree.Element(_w("trPr"))
        tr.insert(1 if tr.find(_w("tblPrEx")) is not None else 0, trpr)
    if trpr.find(_w("cantSplit")) is None:
        trpr.insert(0, etree.Element(_w("cantSplit")))


def _keep_with_next(tr: etree._Element) -> None:
    """Word keeps a row on the page of the next when its paragraphs are « keep with next »."""
    for p in tr.iter(_w("p")):
        ppr = p.find(_w("pPr"))
        if ppr is None:
            ppr = etree.Element(_w("pPr"))
            p.insert(0, ppr)
        if ppr.find(_w("keepNext")) is None:
            # keepNext follows pStyle (and keepNext's siblings) in CT_PPr's sequence
            at = 1 if ppr.find(_w("pStyle")) is not None else 0
            ppr.insert(at, etree.Element(_w("keepNext")))


def _epreuves(row, show: bool) -> str:
    """« Évaluée par les épreuves : M1.1, M1.2 » (their titles when identifiers are hidden)."""
    if not row.epreuves:
        return "Évaluée par aucune épreuve"
    names = ", ".join(m.id if show else m.titre for m in row.epreuves)
    return ("Évaluée par l’épreuve : " if len(row.epreuves) == 1 else "Évaluée par les épreuves : ") + names


def _model_table(document) -> tuple[etree._Element, etree._Element, etree._Element]:
    """The référentiel table of the template and its two model rows."""
    for table in document.tables:
        rows = table._tbl.findall(_w("tr"))
        body = [r for r in rows if r.find(f"{_w('trPr')}/{_w('tblHeader')}") is None]
        if len(rows) > len(body) and len(body) >= 2:
            return table._tbl, body[0], body[1]
    raise TemplateShapeError(
        "le modèle Word n'a pas de tableau avec des lignes d'en-tête répétées suivies de deux lignes "
        "modèles (ligne de bloc, ligne de compétence)"
    )


def _ident(styles: Styles, ident: str, show: bool) -> list:
    return [(ident + " ", styles["Identifiant"])] if show else []


def _plain(text: str) -> str:
    return text


def _referentiel_rows(view: ReferentielView, styles: Styles, bloc_model, line_model) -> list[etree._Element]:
    show = view.header.identifiants
    t = typeset if view.header.typographie else _plain  # French typography, as real characters
    texte, intitule, puce, duree = (
        styles["Tableau texte"], styles["Tableau intitulé"], styles["Tableau puce"], styles["Tableau durée"],
    )
    note = styles["Note"]
    rows = []
    for rb in view.blocs:
        tr = copy.deepcopy(bloc_model)
        tcs = tr.findall(_w("tc"))
        _fill(tcs[0], [paragraph(styles["Tableau bloc"], [(t(rb.titre), None)], keep_next=True)])
        _cant_split(tr)
        rows.append(tr)

        activites = []
        for a in rb.activites:
            activites.append(paragraph(intitule, _ident(styles, a.id, show) + [(t(a.intitule), None)]))
            activites.extend(paragraph(puce, [(t(task), None)]) for task in a.taches)
        modalites = []
        for m in rb.modalites:
            modalites.append(paragraph(intitule, _ident(styles, m.id, show) + [(t(m.titre), None)]))
            modalites.append(paragraph(duree, [(t(f"Durée : {duree_texte(m.duree) if view.header.typographie else m.duree}"), None)]))
            if m.conditions:
                modalites.append(paragraph(texte, [(t(m.conditions), None)]))
            modalites.extend(paragraph(texte, [(t(para), None)]) for para in m.description.split("\n\n") if para)
            if m.livrables:
                modalites.append(paragraph(texte, [(t("À remettre : " + " ; ".join(m.livrables)), None)]))
            if m.jury:
                modalites.append(paragraph(texte, [(t(f"Jury : {m.jury}"), None)]))

        for i, row in enumerate(rb.rows):
            tr = copy.deepcopy(line_model)
            act, comp, mod, crit = tr.findall(_w("tc"))[:4]
            _vmerge(act, restart=i == 0)
            _vmerge(mod, restart=i == 0)
            _fill(act, activites if i == 0 else [])
            _fill(mod, modalites if i == 0 else [])
            c = row.competence
            runs = _ident(styles, c.id, show) + [(t(c.texte), None)]
            if c.transversale:
                runs.append((" (transversale)", note))
            _fill(comp, [paragraph(texte, runs)])
            items = [paragraph(texte, [(t(_epreuves(row, show)), note)])]
            for cc in row.criteres:
                if show and row.renvoi(cc):  # its text is in an earlier row
                    items.append(paragraph(puce, [(f"voir {cc.critere.id} ({cc.premiere})", note)]))
                    continue
                runs = _ident(styles, cc.critere.id, show) + [(t(cc.critere.texte), None)]
                if show and cc.note:
                    runs.append((t(f" ({cc.note})"), note))
                items.append(paragraph(puce, runs))
            if not row.criteres:
                items.append(paragraph(texte, [("Aucun critère d’évaluation", note)]))
            _fill(crit, items)
            if not row.long:  # Word clips an unsplittable row taller than a page
                _cant_split(tr)
            if i + 1 in rb.avec_la_precedente:  # the bloc's last rows stay together
                _keep_with_next(tr)
            rows.append(tr)
    return rows


def _annex(document, view: ReferentielView, styles: Styles) -> None:
    """The coverage matrix after the table, on a page of its own: a small table per bloc."""
    show = view.header.identifiants
    texte, note = styles["Tableau texte"], styles["Note"]
    grid = next((s for s in document.styles if s.name == "Table Grid"), None)
    sect = document.element.body.find(_w("sectPr"))

    def add(el: etree._Element) -> None:
        if sect is not None:
            sect.addprevious(el)
        else:
            document.element.body.append(el)

    heading = paragraph(styles["Heading 1"], [(view.titre_annexe, None)], keep_next=True)
    heading.find(_w("pPr")).append(etree.Element(_w("pageBreakBefore")))
    add(heading)
    add(paragraph(texte, [(
        "Pour chaque compétence, le nombre de critères qui l’évaluent dans chaque épreuve de son bloc ; "
        "« — » : l’épreuve n’évalue pas cette compétence.", None)]))
    for cov in view.couverture:
        add(paragraph(styles["Heading 2"], [(f"{cov.bloc.code} : {cov.bloc.intitule}", None)], keep_next=True))
        table = document.add_table(rows=1 + len(cov.rows), cols=1 + len(cov.modalites))
        if grid is not None:
            table.style = grid
        rows = table.rows
        head = rows[0]._tr
        _cant_split(head)
        head.find(_w("trPr")).append(etree.Element(_w("tblHeader")))
        cells = [c._tc for c in rows[0].cells]
        _fill(cells[0], [paragraph(texte, [("Compétence", None)], keep_next=True)])
        for tc, m in zip(cells[1:], cov.modalites):
            _fill(tc, [paragraph(texte, _ident(styles, m.id, show) + [(m.titre, None)], keep_next=True)])
        for row, (comp, counts) in zip(rows[1:], cov.rows):
            _cant_split(row._tr)
            cells = [c._tc for c in row.cells]
            # the identifier only (the text when hidden): editing a competence's text leaves the annex as it was
            _fill(cells[0], [paragraph(texte, [(comp.id if show else comp.texte, None)])])
            for tc, n in zip(cells[1:], counts):
                label = "—" if n is None else f"{n} critère{'s' if n > 1 else ''}"
                _fill(tc, [paragraph(texte, [(label, note if n is None else None)])])
        for row in rows[:-1]:  # a bloc's matrix kept on one page
            _keep_with_next(row._tr)
        add(table._tbl)  # python-docx put it at the end of the body; keep it before the section's properties


def render(template: Path, view: ReferentielView, when: dt.datetime, page: str = "") -> bytes:
    """The référentiel table, from the Word template's model rows (the HTML page is not used)."""
    tpl = DocxTemplate(str(template))
    fill(tpl, {"h": view.header, "titre": view.titre, "fiche": fiche_line(view.header)})
    document = tpl.docx
    styles = Styles(document)
    tbl, bloc_model, line_model = _model_table(document)
    anchor = line_model
    for tr in _referentiel_rows(view, styles, bloc_model, line_model):
        anchor.addnext(tr)
        anchor = tr
    tbl.remove(bloc_model)
    tbl.remove(line_model)
    if view.couverture:
        _annex(document, view, styles)
    return finish(document, view.header, view.titre, when)


