"""Which document a third-party import brings, and under which licence.

An open5e dataset describes itself in ``Document.json`` (one ``api_v2.document`` record: key,
name, licences, author, publisher, permalink). A 5e-database folder has no such file, so the
person importing it says what it is on the command line (``document_from_options``).

The document's key doubles as the namespace of its slugs: ``spell/<key>/<name>``, so imported
entries never take an SRD slug and two documents with a same-named entry keep both.
"""

from __future__ import annotations

import re
from pathlib import Path

from subgraphs.catalog.importers.documents import SRD_5_2
from subgraphs.catalog.importers.fields import EntryReader, MalformedSource, display_name
from subgraphs.catalog.importers.fields import load_json_list as _load_list
from subgraphs.catalog.importers.open5e import DOCUMENT_KEY as OPEN5E_SRD_KEY
from subgraphs.catalog.importers.records import SourceDocument

IMPORTED_SOURCE = "IMPORTED"  # the provenance "source" of third-party content

# A document key is a short lowercase slug (dots allowed, as in "srd-5.2").
_DOCUMENT_KEY = re.compile(r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$")
DOCUMENT_KEY_LENGTH = 60  # the catalog_sources.key column
LICENSE_LENGTH = 60  # the license columns
TEXT_LENGTH = 200  # the document name column
URL_LENGTH = 300

# Keys open5e uses for licences -> (SPDX identifier, where the licence text is, its title).
OPEN5E_LICENSES: dict[str, tuple[str, str, str]] = {
    "cc-by-40": (
        "CC-BY-4.0",
        "https://creativecommons.org/licenses/by/4.0/legalcode",
        "the Creative Commons Attribution 4.0 International License",
    ),
    "ogl-10a": (
        "OGL-1.0a",
        "https://opengamingfoundation.org/ogl.html",
        "the Open Game License 1.0a",
    ),
}
# Keys that name the SRD itself: importing them is importing the SRD, not third-party content.
RESERVED_KEYS = {SRD_5_2.key, OPEN5E_SRD_KEY}


def check_document_key(key: str, where: str) -> str:
    """``key`` if it is usable as a document key and slug namespace, else ``MalformedSource``."""
    if not _DOCUMENT_KEY.match(key) or len(key) > DOCUMENT_KEY_LENGTH:
        raise MalformedSource(
            where,
            None,
            None,
            f"document key {key!r} must be a lowercase slug (letters, digits, '-' or '.') "
            f"of at most {DOCUMENT_KEY_LENGTH} characters",
        )
    return key


def read_open5e_document(folder: Path) -> SourceDocument:
    """The one document an open5e dataset's ``Document.json`` describes.

    The SRD's own record (``srd-2024``) is answered with the SRD 5.2 descriptor, so importing
    the SRD folder this way is the same as the default SRD import.
    """
    path = folder / "Document.json"
    name = display_name(path)
    records = _load_list(path)
    if len(records) != 1:
        raise MalformedSource(
            name, None, None, f"expected exactly one document record, found {len(records)}"
        )
    raw = records[0]
    outer = EntryReader(name, str(raw.get("pk")) if isinstance(raw, dict) else "#0", raw)
    if outer.text("model") != "api_v2.document":
        raise outer.fail("model", f"expected 'api_v2.document', got {outer.raw('model')!r}")
    key = check_document_key(outer.text("pk", max_length=DOCUMENT_KEY_LENGTH), name)
    fields = outer.nested("fields")
    if key == OPEN5E_SRD_KEY:
        return SRD_5_2
    if key in RESERVED_KEYS:
        raise outer.fail("pk", f"{key!r} is reserved for the SRD")
    title = fields.text("name", max_length=TEXT_LENGTH)
    license_keys = fields.text_list("licenses")
    if not license_keys:
        raise fields.fail("licenses", "names no licence: third-party content needs one")
    known = [OPEN5E_LICENSES.get(item) for item in license_keys]
    identifiers = [k[0] if k else item for k, item in zip(known, license_keys, strict=True)]
    titles = [k[2] if k else item for k, item in zip(known, license_keys, strict=True)]
    license = " AND ".join(identifiers)
    if len(license) > LICENSE_LENGTH:
        raise fields.fail("licenses", f"too long ({len(license)} > {LICENSE_LENGTH} characters)")
    license_url = next((k[1] for k in known if k), "")
    permalink = fields.optional_text("permalink", max_length=URL_LENGTH) or ""
    author = fields.optional_text("author")
    publisher = fields.optional_text("publisher")
    by = f" by {author}" if author else ""
    published = f", published by {publisher}" if publisher else ""
    available = f", available at {permalink}" if permalink else ""
    attribution = (
        f'This work includes material from "{title}"{by}{published}{available}. '
        f"It is licensed under {' and '.join(titles)}."
    )
    return SourceDocument(key, title, license, license_url, permalink, attribution)


def document_from_options(
    *,
    source_key: str | None,
    name: str | None,
    license: str | None,
    attribution: str | None,
    license_url: str | None = None,
    url: str | None = None,
) -> SourceDocument:
    """The document of a 5e-database import, as given on the command line.

    Key, name, licence and attribution are all required: the catalog shows them on every entry
    and in ``catalogSources``, and a licence without its attribution text is not usable.
    """
    given = {
        "--source-key": source_key,
        "--document-name": name,
        "--license": license,
        "--attribution": attribution,
    }
    missing = [option for option, value in given.items() if not (value and value.strip())]
    if missing:
        raise MalformedSource(
            "command line", None, None, f"a third-party import needs {', '.join(missing)}"
        )
    assert source_key and name and license and attribution  # checked just above
    key = check_document_key(source_key.strip(), "command line: --source-key")
    if key in RESERVED_KEYS:
        raise MalformedSource(
            "command line: --source-key", None, None, f"{key!r} is reserved for the SRD"
        )
    for option, value, limit in (
        ("--document-name", name, TEXT_LENGTH),
        ("--license", license, LICENSE_LENGTH),
        ("--license-url", license_url or "", URL_LENGTH),
        ("--document-url", url or "", URL_LENGTH),
    ):
        if len(value.strip()) > limit:
            raise MalformedSource(
                f"command line: {option}", None, None, f"is longer than {limit} characters"
            )
    return SourceDocument(
        key=key,
        name=name.strip(),
        license=license.strip(),
        license_url=(license_url or "").strip(),
        url=(url or "").strip(),
        attribution=attribution.strip(),
    )
