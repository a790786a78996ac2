"""The published documents catalog content comes from, with the notice their licenses require.

The SRD 5.2 is released under CC-BY-4.0, which asks that anyone using it show the attribution
below; the API serves it from ``catalogSources`` and every entry names its document.
"""

from __future__ import annotations

from subgraphs.catalog.importers.records import SourceDocument

SRD_5_2 = SourceDocument(
    key="srd-5.2",
    name="System Reference Document 5.2",
    license="CC-BY-4.0",
    license_url="https://creativecommons.org/licenses/by/4.0/legalcode",
    url="https://www.dndbeyond.com/srd",
    attribution=(
        'This work includes material from the System Reference Document 5.2 ("SRD 5.2") by '
        "Wizards of the Coast LLC, available at https://www.dndbeyond.com/srd. The SRD 5.2 is "
        "licensed under the Creative Commons Attribution 4.0 International License, available at "
        "https://creativecommons.org/licenses/by/4.0/legalcode."
    ),
)

SRD_SOURCE = "SRD"  # the provenance "source" of everything in the System Reference Document
