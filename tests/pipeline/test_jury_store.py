"""The jury session's bounded-memory parts: the decisions' temporary store and the merged print file."""

from __future__ import annotations

import io
import stat

import pytest
from pypdf import PdfReader, PdfWriter

from dossier.pipeline.jury_decisions import Decisions
from dossier.pipeline.jury_exports import decisions_csv
from dossier.pipeline.jury_outputs import Row
from dossier.render.pdf_increment import Printout, prepare


def _row(numero: str, bloc: str, decision: str = "validé", motif: str = "") -> Row:
    return Row(numero, f"Nom{numero}", "Zoé", bloc, decision, decision, motif, "", "")


class _Cert:
    class _Bloc:
        def __init__(self, code):
            self.code = code

    blocs = [_Bloc("BC01"), _Bloc("BC02")]


def test_decisions_come_back_in_the_candidates_order_whatever_order_batches_came_in(tmp_path):
    store = Decisions(tmp_path, 0o600)
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600 and store.path.name.endswith(".tmp")
    store.add(2, [_row("0003", "BC02", "non validé"), _row("0003", "BC01"), _row("0004", "BC01", "incomplet")])  # batch 1 first
    store.add(0, [_row("0001", "BC01"), _row("0001", "BC02"), _row("0002", "BC02", "validé", "Dérogation du jury")])
    assert len(store) == 6
    assert [(r.numero, r.bloc) for r in store] == [
        ("0001", "BC01"), ("0001", "BC02"), ("0002", "BC02"), ("0003", "BC01"), ("0003", "BC02"), ("0004", "BC01")]
    assert list(store) == list(store)  # read again, as often as needed
    assert [r.numero for r in store.derogations()] == ["0002"]
    assert list(store.validated()) == [("0001", ["BC01", "BC02"]), ("0002", ["BC02"]), ("0003", ["BC01"])]
    assert store.certified({"BC01", "BC02"}) == ["0001"]
    assert store.totaux(_Cert) == (("BC01", 3, 2, 0, 1), ("BC02", 3, 2, 1, 0))
    out = io.BytesIO()
    decisions_csv(store, (), out)
    lines = out.getvalue().decode("utf-8").splitlines()
    assert lines[0].startswith("numero;nom;prenom;bloc") and lines[1] == "0001;Nom0001;Zoé;BC01;validé;validé;;;;;"
    assert len(lines) == 7
    store.close()
    assert not store.path.exists()


def test_decisions_csv_shows_each_candidates_earlier_blocs_among_this_sessions(tmp_path):
    import datetime as dt

    from dossier.sources.session import Acquis

    store = Decisions(tmp_path, 0o600)
    store.add(0, [_row("0001", "BC02"), _row("0002", "BC01", "non validé"), _row("0002", "BC02"), _row("0003", "BC01")])
    acquis = [Acquis("0002", "BC02", dt.date(2026, 6, 25), "Session de juin 2026"),  # presented again: both said
              Acquis("0001", "BC03", dt.date(2026, 12, 10), "VAE"),
              Acquis("0001", "BC01", dt.date(2026, 6, 25), "Équivalence : BC01 de la certification précédente")]
    out = io.BytesIO()
    decisions_csv(store, acquis, out)
    store.close()
    assert out.getvalue().decode("utf-8").splitlines() == [
        "numero;nom;prenom;bloc;decision_calculee;decision;motif;moyenne;resultats_manquants;acquis_le;origine",
        "0001;Nom0001;Zoé;BC01;;acquis antérieurement;;;;25/06/2026;Équivalence : BC01 de la certification précédente",
        "0001;Nom0001;Zoé;BC02;validé;validé;;;;;",
        "0001;Nom0001;Zoé;BC03;;acquis antérieurement;;;;10/12/2026;VAE",
        "0002;Nom0002;Zoé;BC01;non validé;non validé;;;;;",
        "0002;Nom0002;Zoé;BC02;;acquis antérieurement;;;;25/06/2026;Session de juin 2026",
        "0002;Nom0002;Zoé;BC02;validé;validé;;;;;",
        "0003;Nom0003;Zoé;BC01;validé;validé;;;;;",
    ]


def _base(pages: int) -> bytes:
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter()
    for _ in range(pages):
        page = writer.add_blank_page(595, 842)
        drawing = DecodedStreamObject()
        drawing.set_data(b"0 0 1 1 re S")
        page[NameObject("/Contents")] = writer._add_object(drawing)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_printout_takes_batches_in_order_and_counts_its_pages(tmp_path):
    base = prepare(_base(2))
    path = tmp_path / "printout.pdf"
    with open(path, "wb") as handle:
        printout = Printout(base, handle)
        text = [[b"BT /DossierHelv 12 Tf 10 10 Td (%s %d) Tj ET" % (name, page) for page in range(2)] for name in (b"A", b"B", b"C")]
        printout.add(0, text[:2])
        with pytest.raises(ValueError):
            printout.add(0, text[2:])  # a batch again, or an earlier one: refused
        printout.add(3, text[2:])
        printout.close()
    reader = PdfReader(path)
    assert len(reader.pages) == 6
    assert [p.extract_text().strip() for p in reader.pages] == ["A 0", "A 1", "B 0", "B 1", "C 0", "C 1"]
    assert int(reader.trailer["/Size"]) == max(reader.xref[0]) + 1  # every object in the cross-reference table


def test_a_printout_that_cannot_be_finished_leaves_no_temporary_file(tmp_path):
    """Printouts.finish: when a printout cannot be closed (a full disk), its temporary file and those of the
    printouts after it are removed, and the error reaches the caller; the one put in place before stays."""
    import os

    from dossier.pipeline.jury_outputs import Printouts

    class Closing:
        def __init__(self, fails: bool):
            self.fails = fails

        def close(self):
            if self.fails:
                raise OSError(28, "No space left on device")

    printouts = Printouts(tmp_path, 0o600)
    for key, fails in (("a", False), ("b", True), ("c", False)):
        tmp = tmp_path / f".{key}.x.tmp"
        printouts.open[key] = (open(tmp, "wb"), Closing(fails), str(tmp))
    with pytest.raises(OSError, match="No space"):
        printouts.finish(lambda key: tmp_path / f"{key}.pdf")
    assert sorted(os.listdir(tmp_path)) == ["a.pdf"] and printouts.open == {}
