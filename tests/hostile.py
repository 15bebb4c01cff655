"""Hostile input files for tests: each function writes one file into a folder and returns it.

``rejected_corpus`` writes every file that a reader must reject with an InputError (or
TooLarge) whose message names the file, with a word the message must contain.
``HOSTILE_NAMES`` are names that must be stored and shown literally (quotes, Cypher and
HTML fragments, control characters, right-to-left marks, 10,000 characters);
``hostile_names_csv`` writes a valid triple file using them.
"""
from __future__ import annotations

import csv
import io
import random
from pathlib import Path

TRIPLE_HEADER = ["subject", "subject_type", "predicate", "object", "object_type", "source",
                 "date", "evidence"]

HOSTILE_NAMES: dict[str, str] = {
    "quotes": "O'Brien \"the Boss\" `Backtick`",
    "cypher": "'); MATCH (n) DETACH DELETE n //",
    "cypher_braces": "x}) RETURN 1 UNION MATCH (m) SET m.pwned = true //",
    "sql": "Robert'); DROP TABLE entities;--",
    "script": "<script>alert('pwned')</script>",
    "html": "<img src=x onerror=alert(1)> & Co",
    "control": "Nul\x00Bell\x07Esc\x1b[31mRed",
    "rtl": "\u202eevil.exe\u202c \u200fمؤسسة\u200f",
    "long": ("Longname " * 1112)[:10_000],
}


def make_pdf(path: Path, pages: list[list[str]]) -> Path:
    """Write a valid PDF with one page per item of ``pages`` (each a list of lines)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    for lines in pages:
        y = 800
        for line in lines:
            c.drawString(72, y, line)
            y -= 20
        c.showPage()
    c.save()
    return path


def empty(folder: Path) -> Path:
    """An empty .txt file."""
    path = folder / "empty.txt"
    path.write_bytes(b"")
    return path


def whitespace_only(folder: Path) -> Path:
    """A .md file of spaces, tabs and newlines."""
    path = folder / "blank.md"
    path.write_bytes(b"  \n\t\n\r\n   \n")
    return path


def random_pdf(folder: Path, size: int = 20_000) -> Path:
    """Random bytes named .pdf."""
    path = folder / "random.pdf"
    path.write_bytes(random.Random(7).randbytes(size))
    return path


def fake_pdf(folder: Path) -> Path:
    """A PDF header followed by prose: not a PDF."""
    path = folder / "fake.pdf"
    path.write_bytes(b"%PDF-1.4 this is not really a pdf\n")
    return path


def corrupt_pdf(folder: Path) -> Path:
    """A real PDF cut in half, its middle overwritten with junk."""
    good_path = make_pdf(folder / "good-for-corrupt.pdf", [["Russia funds Sputnik Serbia."]])
    good = good_path.read_bytes()
    good_path.unlink()
    half = good[: len(good) // 2]
    junk = random.Random(3).randbytes(len(half) // 3)
    path = folder / "corrupt.pdf"
    path.write_bytes(half[:40] + junk + half[40 + len(junk):])
    return path


def encrypted_pdf(folder: Path, password: str = "s3cret") -> Path:
    """A real PDF encrypted with a user password (RC4, no crypto library needed)."""
    from pypdf import PdfReader, PdfWriter

    plain = make_pdf(folder / "plain-for-encrypted.pdf", [["Russia funds Sputnik Serbia."]])
    writer = PdfWriter()
    for page in PdfReader(str(plain)).pages:
        writer.add_page(page)
    writer.encrypt(user_password=password, owner_password=password + "-owner",
                   algorithm="RC4-128")
    plain.unlink()
    path = folder / "encrypted.pdf"
    with path.open("wb") as f:
        writer.write(f)
    return path


def binary_junk(folder: Path) -> Path:
    """Random bytes with an unknown extension."""
    path = folder / "junk.dat"
    path.write_bytes(random.Random(11).randbytes(8_000))
    return path


def invalid_utf8(folder: Path) -> Path:
    """Mostly UTF-8 prose with stray invalid bytes (readable, with replacements)."""
    path = folder / "invalid-utf8.txt"
    path.write_bytes("Aleksandar Vučić met Vladimir Putin in Moscow. ".encode() * 20
                     + b"\xff\xfe\xc3\x28 Serbia buys jets.\x80\n")
    return path


def latin1(folder: Path) -> Path:
    """Latin-1 prose (no UTF-8 at all)."""
    path = folder / "latin1.txt"
    path.write_bytes("Le président français a rencontré le Premier ministre à Belgrade. "
                     "Ça coûte très cher à l'État.\n".encode("latin-1"))
    return path


UTF16_TEXT = "Vučić leads Serbia. Кремль supports Republika Srpska. 北京 funds the railway."


def utf16_bom(folder: Path) -> Path:
    """UTF-16 text with a BOM; it must be read correctly (``UTF16_TEXT``)."""
    path = folder / "utf16.txt"
    path.write_bytes(UTF16_TEXT.encode("utf-16"))
    return path


DEEP_TEXT = "Deeply nested text says Russia funds Sputnik Serbia."


def nested_divs(folder: Path, depth: int = 20_000) -> Path:
    """HTML with ``depth`` nested divs around one paragraph (``DEEP_TEXT``)."""
    path = folder / "nested.html"
    path.write_text("<!DOCTYPE html><html><head><title>Deep</title></head><body>"
                    + "<div>" * depth + f"<p>{DEEP_TEXT}</p>" + "</div>" * depth
                    + "</body></html>", encoding="utf-8")
    return path


SCRIPT_WORDS = ("Kremlin", "Gazprom", "NATO", "Wagner")


def script_style_html(folder: Path) -> Path:
    """HTML whose script and style hold names (``SCRIPT_WORDS``) that must not become text."""
    path = folder / "script.html"
    path.write_text(
        "<!DOCTYPE html><html><head><title>Scripts</title>"
        "<style>.Kremlin::after { content: 'Gazprom funds NATO'; }</style>"
        "<script>var Wagner = 'Kremlin funds Gazprom'; document.write(Wagner);</script></head>"
        "<body><article><h1>Scripts</h1><p>Aleksandar Vucic leads Serbia. Serbia buys fighter "
        "jets from France, and the government defends the purchase in parliament.</p>"
        "<script>alert('NATO attacks Wagner')</script>"
        "<p>The opposition criticizes the deal in a long statement to the press.</p>"
        "<style>p { color: red } /* Wagner */</style></article></body></html>",
        encoding="utf-8")
    return path


def oversize(folder: Path, limit: int) -> Path:
    """A text file one byte over ``limit``."""
    path = folder / "huge.txt"
    with path.open("wb") as f:
        line = b"Russia funds Sputnik Serbia. " * 35 + b"\n"
        written = 0
        while written <= limit:
            f.write(line)
            written += len(line)
    return path


def triple_csv(rows: list[list[str]], header: list[str] | None = None) -> str:
    """Return CSV text of a triple file with ``header`` (the standard one by default)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header or TRIPLE_HEADER)
    writer.writerows(rows)
    return buf.getvalue()


def csv_unknown_predicate(folder: Path) -> Path:
    """A triple CSV whose row 3 has an unknown predicate."""
    path = folder / "unknown-predicate.csv"
    path.write_text(triple_csv([
        ["Gazprom Neft", "Company", "owns", "NIS", "Company", "", "2023-02-02", ""],
        ["Russia", "Country", "bribes", "Serbia", "Country", "", "", "Russia bribes Serbia."],
    ]), encoding="utf-8")
    return path


def csv_missing_column(folder: Path) -> Path:
    """A triple CSV without its predicate column."""
    path = folder / "missing-column.csv"
    header = [c for c in TRIPLE_HEADER if c != "predicate"]
    path.write_text(triple_csv([["Russia", "Country", "Serbia", "Country", "", "", ""]], header),
                    encoding="utf-8")
    return path


def csv_big_cell(folder: Path) -> Path:
    """A triple CSV whose row 2 has a 1 MB evidence cell."""
    path = folder / "big-cell.csv"
    path.write_text(triple_csv([["Russia", "Country", "funds", "Serbia", "Country", "", "",
                                 "x" * 1_000_000]]), encoding="utf-8")
    return path


def jsonl_bad_line(folder: Path) -> Path:
    """A JSON-lines document file whose line 2 is not JSON."""
    path = folder / "bad-line.jsonl"
    path.write_text('{"text": "Russia funds Sputnik Serbia.", "title": "ok"}\n'
                    '{"text": "unterminated\n', encoding="utf-8")
    return path


def hostile_names_csv(folder: Path) -> Path:
    """A valid triple CSV linking each of ``HOSTILE_NAMES`` to Serbia (row order kept)."""
    path = folder / "hostile-names.csv"
    rows = [[name, "Organization", "supports", "Serbia", "Country", "", "",
             f"{name} supports Serbia."] for name in HOSTILE_NAMES.values()]
    path.write_text(triple_csv(rows), encoding="utf-8", newline="")
    return path


def hostile_names_text(folder: Path) -> Path:
    """A readable text document whose sentences name each of ``HOSTILE_NAMES``."""
    path = folder / "hostile-names.txt"
    path.write_text("\n\n".join(f"{name} supports Serbia." for name in HOSTILE_NAMES.values()),
                    encoding="utf-8")
    return path


def rejected_corpus(folder: Path, limit: int) -> dict[Path, str]:
    """Write every file a reader must reject; return {path: word its message contains}.

    ``limit`` is the size limit the readers run with (``oversize`` goes one byte over).
    """
    folder.mkdir(parents=True, exist_ok=True)
    return {
        empty(folder): "empty",
        whitespace_only(folder): "empty",
        random_pdf(folder): "PDF",
        fake_pdf(folder): "PDF",
        corrupt_pdf(folder): "PDF",
        encrypted_pdf(folder): "encrypted",
        binary_junk(folder): "not a text document",
        oversize(folder, limit): "limit",
        jsonl_bad_line(folder): "line 2",
    }


def rejected_triple_files(folder: Path) -> dict[Path, str]:
    """Write the triple files a loader must reject; return {path: text its message contains}."""
    folder.mkdir(parents=True, exist_ok=True)
    return {
        csv_unknown_predicate(folder): "row 3: unknown predicate 'bribes'",
        csv_missing_column(folder): "missing column(s) predicate",
        csv_big_cell(folder): "row 2: evidence is over",
    }


def billion_laughs(folder: Path, name: str = "laughs.rdf", levels: int = 9) -> Path:
    """An RDF/XML file whose DTD nests entity declarations ten wide, ``levels`` deep (the
    "billion laughs" shape): read with its entities expanded, it takes minutes at full CPU."""
    lines = ['<?xml version="1.0"?>', "<!DOCTYPE rdf:RDF [", '<!ENTITY lol0 "lol">']
    lines += [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels + 1)]
    lines += ["]>",
              '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"',
              '         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"',
              '         xmlns:ig="https://influence-graph.org/ontology#">',
              '  <ig:Country rdf:about="https://influence-graph.org/id/entity/russia">',
              f"    <rdfs:label>&lol{levels};</rdfs:label>",
              "  </ig:Country>", "</rdf:RDF>", ""]
    path = folder / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def external_entity(folder: Path) -> Path:
    """An RDF/XML file declaring an external entity that names a local file."""
    path = folder / "external.rdf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'
        '  <rdf:Description rdf:about="https://example.org/x"><rdfs:label>&secret;</rdfs:label>'
        "</rdf:Description>\n</rdf:RDF>\n", encoding="utf-8")
    return path


def rdf_xml(folder: Path) -> Path:
    """A valid RDF/XML file of one relation in the ontology's vocabulary (Russia funds
    Sputnik Serbia)."""
    path = folder / "funds.rdf"
    path.write_text(
        '<?xml version="1.0"?>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"\n'
        '         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"\n'
        '         xmlns:ig="https://influence-graph.org/ontology#">\n'
        '  <ig:Country rdf:about="https://influence-graph.org/id/entity/russia">\n'
        "    <rdfs:label>Russia</rdfs:label>\n"
        '    <ig:funds rdf:resource="https://influence-graph.org/id/entity/sputnik-serbia"/>\n'
        "  </ig:Country>\n"
        '  <ig:MediaOutlet rdf:about="https://influence-graph.org/id/entity/sputnik-serbia">\n'
        "    <rdfs:label>Sputnik Serbia</rdfs:label>\n"
        "  </ig:MediaOutlet>\n</rdf:RDF>\n", encoding="utf-8")
    return path
