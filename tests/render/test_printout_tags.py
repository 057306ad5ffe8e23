"""A printout's copies of a tagged base's elements made fewer and shorter (render/printout_tags.py): what may be
folded is, what may not stays, and what a reader reads through the tree does not change."""

from __future__ import annotations

from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, NumberObject, TextStringObject

from dossier.render.printout_tags import TreeTemplate, _compact, _slimmed, _stream, copy_stream

PAGE, OTHER = 90, 91


def ref(n: int) -> IndirectObject:
    return IndirectObject(n, 0, None)  # type: ignore[arg-type]


def element(kind: str, parent: int, kids: list, page: int | None = PAGE, **more) -> DictionaryObject:
    obj = DictionaryObject({NameObject("/S"): NameObject(kind), NameObject("/P"): ref(parent),
                            NameObject("/K"): ArrayObject(NumberObject(k) if isinstance(k, int) else ref(k[0]) for k in kids)})
    if page is not None:
        obj[NameObject("/Pg")] = ref(page)
    for key, value in more.items():
        obj[NameObject(f"/{key}")] = value
    return obj


def kids(obj) -> list:
    return [int(k) if isinstance(k, int) else ("ref", k.idnum) for k in obj.get("/K", [])]


def test_plain_spans_fold_into_their_cell_heading_or_paragraph_and_nothing_else():
    tree = {
        1: element("/Table", 0, [(2,)], page=None),
        2: element("/TR", 1, [(3,), (6,), (9,)]),  # a row: no content of its own, its /Pg goes
        3: element("/TD", 2, [(4,), (5,)], page=None),  # a cell without /Pg: the Span's page becomes its own
        4: element("/Span", 3, [0, 1]),
        5: element("/Span", 3, []),  # an empty Span (a box drawn as an artifact): dropped
        6: element("/TH", 2, [(7,), 4]),
        7: element("/Span", 6, [(8,)]),  # a Span of Spans: folds in turn, its MCIDs end in the TH
        8: element("/Span", 7, [2, 3]),
        9: element("/TD", 2, [(10,), (11,), (12,), (13,)]),
        10: element("/Span", 9, [5], ActualText=TextStringObject("x")),  # an attribute: kept
        11: element("/Span", 9, [6], page=OTHER),  # on another page than its cell: kept
        12: element("/Span", 9, [7]),  # kept: its field's element (given in `keep`)
        13: element("/NonStruct", 9, [(14,)], page=None),
        14: element("/Span", 13, [8]),  # under a grouping element: kept
    }
    tree[15] = element("/Span", 12, [9])  # under a field's element, whose content each copy replaces: kept
    tree[12][NameObject("/K")] = ArrayObject([ref(15)])
    numbers = list(tree)
    owner = _slimmed(numbers, [tree[n] for n in numbers], keep={1, 12})
    assert owner == {4: 3, 5: 3, 7: 6, 8: 6}
    assert kids(tree[12]) == [("ref", 15)]
    assert kids(tree[3]) == [0, 1] and tree[3].raw_get("/Pg").idnum == PAGE
    assert kids(tree[6]) == [2, 3, 4]
    assert kids(tree[9]) == [("ref", 10), ("ref", 11), ("ref", 12), ("ref", 13)]
    assert "/Pg" not in tree[2] and "/Pg" not in tree[13] and tree[11].raw_get("/Pg").idnum == OTHER


def test_a_cell_holding_only_an_empty_span_is_left_empty_and_a_span_across_pages_stays():
    tree = {
        1: element("/TD", 0, [(2,)]),
        2: element("/Span", 1, []),
        3: element("/TD", 0, [7, (4,)], page=PAGE),
        4: element("/Span", 3, [0], page=OTHER),
    }
    numbers = list(tree)
    assert _slimmed(numbers, [tree[n] for n in numbers], keep=set()) == {2: 1}
    assert "/K" not in tree[1] and "/Pg" not in tree[1], "an empty cell: no children, no page"
    assert kids(tree[3]) == [7, ("ref", 4)]


def test_compact_serialisation_reads_back_the_same():
    from io import BytesIO

    from pypdf import PdfWriter
    from pypdf.generic import read_object

    obj = element("/TD", 5, [3, (8,)], A=DictionaryObject({NameObject("/O"): NameObject("/Table"),
                  NameObject("/Headers"): ArrayObject([TextStringObject("c1-a (b)"), TextStringObject("é"), TextStringObject("c1-48-0-2")])}))
    text = _compact(obj)
    assert b"\n" not in text and len(text) < 110 and b" (c1-48-0-2)]" in text
    back = read_object(BytesIO(text), PdfWriter())
    assert kids(back) == [3, ("ref", 8)] and [str(h) for h in back["/A"]["/Headers"]] == ["c1-a (b)", "é", "c1-48-0-2"]


def test_a_copy_whose_elements_together_hold_a_single_piece():
    """A copy's object stream when the elements formatted together hold no number at all (one literal piece):
    the same head and body as element by element."""
    from dossier.render import printout_tags

    elements = [(b"<</S /Document/K [1 0 R]>>",), (b"<</S /Div/P 7 0 R>>",)]  # the Document shared (fixed)
    order, rows, packed = _stream(elements, {0: 7}, set(), 1)
    assert packed is not None and len(packed.picks) == 1
    tree = TreeTemplate(tuple(elements), {}, (0,), ((1,),), (b"/StructParents 0",), (9, b"", b""), 10,
                        (7, 0, (1,), b"", b""), order, rows, packed)
    together = copy_stream(tree, 100, [50], 0, {}, {})
    apart = copy_stream(TreeTemplate(*[getattr(tree, f) for f in tree.__dataclass_fields__][:-1], None), 100, [50], 0, {}, {})
    assert together == apart == (b"101 0 100 20 102 25\n", b"<</S /Div/P 7 0 R>>\nnull\n[101 0 R]")
    assert printout_tags._head(packed, order, 100, 2, [50], 3) is not None
