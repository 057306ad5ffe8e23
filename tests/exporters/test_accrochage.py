"""The accrochage file: one passage per holder, valid against a schema written here from DOMAIN.md (and the
facets of the Caisse's XSD 1.1.2), nil elements present, a stable idTechnique, names escaped, each
holder's problems reported by number without quoting their data, and XSD errors said in French."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from lxml import etree

from dossier.exporters import accrochage as acc
from dossier.exporters.accrochage import Accrochage, Titulaire

NS = {"cpf": acc.NS}
XSI_NIL = f"{{{acc.XSI}}}nil"
PARIS = dt.timezone(dt.timedelta(hours=2))
STAMP = dt.datetime(2026, 10, 2, 9, 30, 15, 123456, tzinfo=PARIS)
DAY = dt.date(2026, 10, 1)
SETTINGS = Accrochage(id_client="03ABC123", id_contrat="MCFCER000209", session="2026-10-jury-1")

# The shape of DOMAIN.md (« After the grids »), with the bounds of the Caisse's XSD 1.1.2; sequences, so that
# the order of the elements is checked too (the Caisse's own XSD uses xs:all).
SCHEMA = """<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:cpf="urn:cdc:cpf:pc5:schema:1.0.0"
           targetNamespace="urn:cdc:cpf:pc5:schema:1.0.0" elementFormDefault="qualified">
  <xs:simpleType name="t8"><xs:restriction base="xs:string"><xs:length value="8"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="t9"><xs:restriction base="xs:string"><xs:minLength value="1"/><xs:maxLength value="9"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="t20"><xs:restriction base="xs:string"><xs:minLength value="1"/><xs:maxLength value="20"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="t50"><xs:restriction base="xs:string"><xs:minLength value="1"/><xs:maxLength value="50"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="t60"><xs:restriction base="xs:string"><xs:minLength value="1"/><xs:maxLength value="60"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="t100"><xs:restriction base="xs:string"><xs:minLength value="1"/><xs:maxLength value="100"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="t255"><xs:restriction base="xs:string"><xs:minLength value="1"/><xs:maxLength value="255"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="jour"><xs:restriction base="xs:date"><xs:pattern value="(19|20)\\d{2}-\\d{2}-\\d{2}"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="entier"><xs:restriction base="xs:int"><xs:minInclusive value="1"/></xs:restriction></xs:simpleType>
  <xs:element name="flux">
    <xs:complexType><xs:sequence>
      <xs:element name="idFlux" type="cpf:t50"/>
      <xs:element name="horodatage">
        <xs:simpleType><xs:restriction base="xs:dateTime">
          <xs:pattern value="(19|20)\\d{2}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}[+\\-]\\d{2}:\\d{2}"/>
        </xs:restriction></xs:simpleType>
      </xs:element>
      <xs:element name="emetteur"><xs:complexType><xs:sequence>
        <xs:element name="idClient" type="cpf:t8"/>
        <xs:element name="certificateurs"><xs:complexType><xs:sequence>
          <xs:element name="certificateur"><xs:complexType><xs:sequence>
            <xs:element name="idClient" type="cpf:t8"/>
            <xs:element name="idContrat" type="cpf:t20"/>
            <xs:element name="certifications"><xs:complexType><xs:sequence>
              <xs:element name="certification" maxOccurs="unbounded"><xs:complexType><xs:sequence>
                <xs:element name="type"><xs:simpleType><xs:restriction base="xs:string">
                  <xs:enumeration value="RNCP"/><xs:enumeration value="RS"/></xs:restriction></xs:simpleType></xs:element>
                <xs:element name="code" type="cpf:t100"/>
                <xs:element name="natureDeposant" minOccurs="0"><xs:simpleType><xs:restriction base="xs:string">
                  <xs:enumeration value="CERTIFICATEUR"/><xs:enumeration value="TIERS_CONFIANCE"/></xs:restriction></xs:simpleType></xs:element>
                <xs:element name="passageCertifications"><xs:complexType><xs:sequence>
                  <xs:element name="passageCertification" type="cpf:passage" maxOccurs="unbounded"/>
                </xs:sequence></xs:complexType></xs:element>
              </xs:sequence></xs:complexType></xs:element>
            </xs:sequence></xs:complexType></xs:element>
          </xs:sequence></xs:complexType></xs:element>
        </xs:sequence></xs:complexType></xs:element>
      </xs:sequence></xs:complexType></xs:element>
    </xs:sequence></xs:complexType>
  </xs:element>
  <xs:complexType name="passage"><xs:sequence>
    <xs:element name="idTechnique" type="cpf:t255"/>
    <xs:element name="obtentionCertification"><xs:simpleType><xs:restriction base="xs:string">
      <xs:enumeration value="PAR_ADMISSION"/><xs:enumeration value="PAR_SCORING"/></xs:restriction></xs:simpleType></xs:element>
    <xs:element name="donneeCertifiee" type="xs:boolean"/>
    <xs:element name="dateDebutValidite" type="cpf:jour"/>
    <xs:element name="dateFinValidite" type="cpf:jour" nillable="true"/>
    <xs:element name="presenceNiveauLangueEuro" type="xs:boolean"/>
    <xs:element name="presenceNiveauNumeriqueEuro" type="xs:boolean"/>
    <xs:element name="scoring" type="cpf:t255" nillable="true"/>
    <xs:element name="mentionValidee" type="xs:string" nillable="true"/>
    <xs:element name="modalitesInscription"><xs:complexType><xs:sequence>
      <xs:element name="modaliteAcces" nillable="true"><xs:simpleType><xs:restriction base="xs:string">
        <xs:enumeration value="FORMATION_INITIALE_HORS_APPRENTISSAGE"/>
        <xs:enumeration value="FORMATION_INITIALE_APPRENTISSAGE"/>
        <xs:enumeration value="FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION"/>
        <xs:enumeration value="FORMATION_CONTINUE_CONTRAT_DE_PROFESSIONNALISATION"/>
        <xs:enumeration value="VAE"/><xs:enumeration value="EQUIVALENCE_DIPLOME_ETRANGER"/>
        <xs:enumeration value="CANDIDAT_LIBRE"/>
      </xs:restriction></xs:simpleType></xs:element>
    </xs:sequence></xs:complexType></xs:element>
    <xs:element name="identificationTitulaire"><xs:complexType><xs:sequence>
      <xs:element name="titulaire"><xs:complexType><xs:sequence>
        <xs:element name="nomNaissance" type="cpf:t60"/>
        <xs:element name="nomUsage" type="cpf:t60" nillable="true"/>
        <xs:element name="prenom1" type="cpf:t60"/>
        <xs:element name="prenom2" type="cpf:t60" minOccurs="0"/>
        <xs:element name="prenom3" type="cpf:t60" minOccurs="0"/>
        <xs:element name="anneeNaissance"><xs:simpleType><xs:restriction base="xs:int">
          <xs:minInclusive value="1900"/><xs:maxInclusive value="2099"/></xs:restriction></xs:simpleType></xs:element>
        <xs:element name="moisNaissance" nillable="true"><xs:simpleType><xs:restriction base="cpf:entier">
          <xs:maxInclusive value="12"/></xs:restriction></xs:simpleType></xs:element>
        <xs:element name="jourNaissance" nillable="true"><xs:simpleType><xs:restriction base="cpf:entier">
          <xs:maxInclusive value="31"/></xs:restriction></xs:simpleType></xs:element>
        <xs:element name="sexe"><xs:simpleType><xs:restriction base="xs:string">
          <xs:enumeration value="M"/><xs:enumeration value="F"/></xs:restriction></xs:simpleType></xs:element>
        <xs:element name="codeCommuneNaissance"><xs:complexType><xs:choice>
          <xs:element name="codeInseeNaissance"><xs:complexType><xs:sequence>
            <xs:element name="codeInsee"><xs:simpleType><xs:restriction base="xs:string">
              <xs:pattern value="(\\d{2}|2[AB])\\d{3}"/></xs:restriction></xs:simpleType></xs:element>
          </xs:sequence></xs:complexType></xs:element>
          <xs:element name="codePostalNaissance"><xs:complexType><xs:sequence>
            <xs:element name="codePostal" type="cpf:t9" nillable="true"/>
          </xs:sequence></xs:complexType></xs:element>
        </xs:choice></xs:complexType></xs:element>
        <xs:element name="libelleCommuneNaissance" type="cpf:t60" minOccurs="0"/>
      </xs:sequence></xs:complexType></xs:element>
    </xs:sequence></xs:complexType></xs:element>
  </xs:sequence></xs:complexType>
</xs:schema>
"""


@pytest.fixture(scope="module")
def registered(example_cert):
    """The example, registered: the file needs the RNCP code."""
    return dataclasses.replace(example_cert, code_rncp="RNCP99999")


@pytest.fixture
def schema(tmp_path):
    path = tmp_path / "accrochage.xsd"
    path.write_text(SCHEMA, encoding="utf-8")
    return path


def holders() -> list[Titulaire]:
    return [
        Titulaire("12", "Dupont & <Fils>", "", "Marie, Anne, Louise", "F", dt.date(1990, 5, 3), "75112", voie="vae",
                  lieu_naissance="Paris 12e"),
        Titulaire("13", "Martin", "Durand-Martin", "Paul", "m", None, "", "", "formation_continue", annee_naissance=1985),
        Titulaire("14", "N'Diaye", "", "Awa", "F", dt.date(2001, 12, 31), "99350", voie=""),
        Titulaire("15", "Lefèvre", "", "Jean-Pierre", "M", dt.date(1978, 1, 9), "", "69003", "apprentissage"),
    ]


def build(cert, people=None, settings=SETTINGS, stamp=STAMP) -> bytes:
    return acc.accrochage_xml(cert, settings, holders() if people is None else people, DAY, stamp)


def passages(xml: bytes) -> list[etree._Element]:
    return etree.fromstring(xml).findall(".//cpf:passageCertification", NS)


def text(passage, path: str) -> str | None:
    found = passage.find(path, NS)
    return None if found is None else found.text


# --- the file -------------------------------------------------------------------------------------


def test_one_passage_per_holder_valid_against_the_schema(registered, schema):
    xml = build(registered)
    assert acc.valider(xml, schema) == []
    found = passages(xml)
    assert [text(p, ".//cpf:nomNaissance") for p in found] == ["Dupont & <Fils>", "Martin", "N'Diaye", "Lefèvre"]
    root = etree.fromstring(xml)
    assert root.tag == f"{{{acc.NS}}}flux" and root.prefix == "cpf"
    assert text(root, "cpf:horodatage") == "2026-10-02T09:30:15+02:00"  # the given time, its offset, no fraction
    assert text(root, ".//cpf:certification/cpf:code") == "RNCP99999"
    assert text(root, ".//cpf:certification/cpf:type") == "RNCP"
    assert [e.text for e in root.iterfind(".//cpf:idClient", NS)] == ["03ABC123", "03ABC123"]
    first, second, abroad, postal = found
    assert [text(first, f".//cpf:{n}") for n in ("prenom1", "prenom2", "prenom3")] == ["Marie", "Anne", "Louise"]
    assert [text(first, f".//cpf:{n}") for n in ("anneeNaissance", "moisNaissance", "jourNaissance")] == ["1990", "5", "3"]
    assert text(first, ".//cpf:codeInsee") == "75112" and text(first, ".//cpf:modaliteAcces") == "VAE"
    assert text(first, ".//cpf:libelleCommuneNaissance") == "Paris 12e"
    assert text(first, "cpf:dateDebutValidite") == "2026-10-01"
    assert text(second, ".//cpf:sexe") == "M" and text(second, ".//cpf:nomUsage") == "Durand-Martin"
    assert text(abroad, ".//cpf:codeInsee") == "99350"
    assert text(postal, ".//cpf:codePostal") == "69003" and postal.find(".//cpf:codeInseeNaissance", NS) is None
    assert text(postal, ".//cpf:modaliteAcces") == "FORMATION_INITIALE_APPRENTISSAGE"


def test_nillable_elements_are_written_nil_never_left_out(registered):
    first, second, abroad, _ = passages(build(registered))

    def nil(passage, name):
        element = passage.find(f".//cpf:{name}", NS)
        assert element is not None, f"{name} absent"
        return element.get(XSI_NIL) == "true" and element.text is None and len(element) == 0

    for passage in (first, second):
        assert all(nil(passage, n) for n in ("dateFinValidite", "scoring", "mentionValidee"))
    assert nil(first, "nomUsage") and not nil(second, "nomUsage")
    assert nil(second, "moisNaissance") and nil(second, "jourNaissance")  # only the year is known
    assert nil(second, "codePostal")  # no birthplace code at all
    assert nil(abroad, "modaliteAcces")  # no voie given
    assert first.find(".//cpf:prenom2", NS) is not None and second.find(".//cpf:prenom2", NS) is None  # optional: left out


def test_elements_follow_the_shape_in_the_xsd_order(registered):
    passage = passages(build(registered))[0]
    names = [etree.QName(e).localname for e in passage]
    assert names == [e.name for e in acc.PASSAGE]
    assert names == ["idTechnique", "obtentionCertification", "donneeCertifiee", "dateDebutValidite", "dateFinValidite",
                     "presenceNiveauLangueEuro", "presenceNiveauNumeriqueEuro", "scoring", "mentionValidee",
                     "modalitesInscription", "identificationTitulaire"]  # DOMAIN.md's order
    holder = passage.find(".//cpf:titulaire", NS)
    assert [etree.QName(e).localname for e in holder][:3] == ["nomNaissance", "nomUsage", "prenom1"]


def test_id_technique_is_stable_and_distinct(registered):
    xml = build(registered)
    ids = [text(p, "cpf:idTechnique") for p in passages(xml)]
    assert len(set(ids)) == len(ids) and all(0 < len(i) <= 255 for i in ids)
    assert build(registered) == xml  # same inputs, same bytes
    again = [text(p, "cpf:idTechnique") for p in passages(build(registered, holders()[::-1]))]
    assert again == ids[::-1]  # an id belongs to the candidate, not to their rank
    assert ids[0] == acc.id_technique("RNCP99999", "2026-10-jury-1", "12")  # what decisions.csv can record
    other_session = dataclasses.replace(SETTINGS, session="2027-03-jury-1")
    assert not set(ids) & {text(p, "cpf:idTechnique") for p in passages(build(registered, settings=other_session))}
    assert acc.id_technique("RNCP99999", "s", "1") != acc.id_technique("RNCP11111", "s", "1")


def test_the_time_stamp_is_the_one_given_and_must_carry_its_offset(registered):
    utc = build(registered, stamp=dt.datetime(2026, 10, 2, 7, 0, tzinfo=dt.UTC))
    assert b"<cpf:horodatage>2026-10-02T07:00:00+00:00</cpf:horodatage>" in utc
    with pytest.raises(ValueError, match="fuseau"):
        build(registered, stamp=dt.datetime(2026, 10, 2, 7, 0))
    with pytest.raises(ValueError, match="fuseau"):
        build(registered, stamp=dt.date(2026, 10, 2))


def test_the_shape_bounds_every_text_it_writes():
    """A safety net under problemes(): the shape's own bounds, whatever reaches the writer."""
    root = etree.Element("flux")
    with pytest.raises(ValueError, match="nomNaissance : 61 caractères, au plus 60"):
        acc._emit(root, acc.TITULAIRE, {"nomNaissance": "x" * 61})
    with pytest.raises(ValueError, match="prenom1 sans valeur"):
        acc._emit(root, acc.TITULAIRE, {"nomNaissance": "x"})


def test_names_with_markup_characters_are_escaped(registered, schema):
    people = [Titulaire("1", "A & B <c> \"d\"", "", "É'ric & <Lou>", "M", dt.date(1999, 1, 1), "2A004")]
    xml = build(registered, people)
    assert b"A &amp; B &lt;c&gt;" in xml and b"<c>" not in xml
    assert text(passages(xml)[0], ".//cpf:nomNaissance") == "A & B <c> \"d\""
    assert text(passages(xml)[0], ".//cpf:prenom1") == "É'ric & <Lou>"
    assert acc.valider(xml, schema) == []


def test_a_thousand_holders(registered, schema):
    people = [dataclasses.replace(holders()[0], numero=str(n)) for n in range(1000)]
    xml = build(registered, people)
    assert len(passages(xml)) == 1000 and acc.valider(xml, schema) == []


# --- problems, per candidate, before anything is written ----------------------------------------------


def test_problems_name_the_candidate_and_the_field_never_the_data():
    good = holders()[0]
    bad = [
        dataclasses.replace(good, numero="21", nom_naissance=""),
        dataclasses.replace(good, numero="22", prenoms=" , "),
        dataclasses.replace(good, numero="23", sexe="X"),
        dataclasses.replace(good, numero="24", date_naissance=None),
        dataclasses.replace(good, numero="25", date_naissance=dt.date(1875, 6, 1)),
        dataclasses.replace(good, numero="26", code_commune_naissance="7511"),
        dataclasses.replace(good, numero="27", nom_naissance="Zacharie-" * 7),
        dataclasses.replace(good, numero="28", voie="alternance"),
        dataclasses.replace(good, numero="29", nom_usage="Dupont\x1b", lieu_naissance="Paris\n12e"),
        dataclasses.replace(good, numero="12"),  # twice the same number
        dataclasses.replace(good, numero=""),
        good,
    ]
    found = acc.problemes(bad)
    by_number = {}
    for numero, message in found:
        by_number.setdefault(numero, []).append(message)
    assert set(by_number) == {"21", "22", "23", "24", "25", "26", "27", "28", "29", "12", "(rang 11)"}
    assert "nom de naissance (nom_naissance) manquant" in by_number["21"]
    assert "prénom (prenoms) manquant" in by_number["22"]
    assert any("sexe" in m for m in by_number["23"])
    assert any("date de naissance" in m and "manquante" in m for m in by_number["24"])
    assert any("1900" in m for m in by_number["25"])
    assert any("INSEE" in m and "99xxx" in m for m in by_number["26"])
    assert "nom de naissance (nom_naissance) : 63 caractères, au plus 60 permis" in by_number["27"]
    assert any("voie d'accès" in m for m in by_number["28"])
    assert sum("contrôle" in m for m in by_number["29"]) == 2
    assert any("double" in m for m in by_number["12"])
    assert any("numéro" in m for m in by_number["(rang 11)"])
    said = " ".join(m for _, m in found)
    for secret in ("Dupont", "Zacharie", "Marie", "1990", "1875", "7511", "alternance", "X"):
        assert secret not in said
    assert acc.problemes(holders()) == []


def test_the_file_is_refused_while_a_holder_has_a_problem(registered):
    with pytest.raises(ValueError, match="candidat 23 : sexe"):
        build(registered, [dataclasses.replace(holders()[0], numero="23", sexe="")])
    with pytest.raises(ValueError, match="aucun titulaire"):
        build(registered, [])
    odd = [dataclasses.replace(holders()[0], numero="30", date_naissance="31/02/1990"),
           dataclasses.replace(holders()[1], numero="31", annee_naissance="1985"),
           dataclasses.replace(holders()[0], numero="32", date_naissance=19900503)]
    assert [n for n, _ in acc.problemes(odd)] == ["30", "31", "32"]  # unreadable or of the wrong type: reported, no crash
    assert all("illisible" in m and "1990" not in m for _, m in acc.problemes(odd))


def test_dates_of_birth_as_candidats_csv_writes_them(registered, schema):
    written = {"1990-05-03": ("1990", "5", "3"), "03/05/1990": ("1990", "5", "3"), "3/5/1990": ("1990", "5", "3"),
               "1990": ("1990", None, None)}
    people = [dataclasses.replace(holders()[0], numero=str(i), date_naissance=d) for i, d in enumerate(written)]
    assert acc.problemes(people) == []
    xml = build(registered, people)
    assert acc.valider(xml, schema) == []
    for passage, expected in zip(passages(xml), written.values(), strict=True):
        assert tuple(text(passage, f".//cpf:{n}") for n in ("anneeNaissance", "moisNaissance", "jourNaissance")) == expected


def test_settings_problems(registered, example_cert):
    assert acc.problemes_reglages(registered, SETTINGS) == []
    wrong = Accrochage(id_client="ABC", id_contrat="", id_flux="x" * 51, obtention="AUTRE")
    said = acc.problemes_reglages(example_cert, wrong)
    assert len(said) == 5 and any("code RNCP" in m for m in said) and any("8 caractères" in m for m in said)
    rs = dataclasses.replace(registered, code_rncp="RS5875")
    assert b"<cpf:type>RS</cpf:type>" in build(rs)


# --- validation against the user's XSD ----------------------------------------------------------


def test_validation_errors_in_french_by_line_and_candidate(registered, schema):
    xml = build(registered)
    root = etree.fromstring(xml)
    second = passages(xml)[1]
    root.findall(".//cpf:sexe", NS)[1].text = "X"
    root.findall(".//cpf:nomNaissance", NS)[1].text = "Secretname" * 7
    root.findall(".//cpf:dateFinValidite", NS)[0].attrib.pop(XSI_NIL)
    broken = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    numeros = {text(second, "cpf:idTechnique"): "13"}
    said = acc.valider(broken, schema, numeros)
    assert len(said) == 3
    assert all(m.startswith("ligne ") for m in said)
    assert any("candidat 13" in m and "cpf:sexe" in m and "liste permise" in m for m in said)
    assert any("candidat 13" in m and "cpf:nomNaissance" in m and "70 caractères, au plus 60 permis" in m for m in said)
    assert any("passage " in m and "cpf:dateFinValidite" in m for m in said)  # no number given: the idTechnique
    assert not any("Secretname" in m or "'X'" in m for m in said)


def test_validation_of_unreadable_inputs(registered, schema, tmp_path):
    assert "lecture du schéma impossible" in acc.valider(build(registered), tmp_path / "absent.xsd")[0]
    bad = tmp_path / "bad.xsd"
    bad.write_text("<xs:schema", encoding="utf-8")
    assert "pas du XML lisible" in acc.valider(build(registered), bad)[0]
    assert acc.valider(b"<cpf:flux", schema)[0].startswith("ligne 1 : XML mal formé")
