"""The learning commands of ``causemap``: relate, compare, differential, quiz, hubs, treatment.

Registered on :data:`graph.cli.app` when :mod:`graph.cli` imports this module (its last line), so
they share its options, its graph loading and its error handling: a :class:`CausemapError` becomes
one line on stderr and exit code 2. Each command resolves its arguments, calls one function of
:mod:`graph.learn.relate`, :mod:`graph.learn.compare`, :mod:`graph.learn.differential` (or, on a
store with HPO annotations, :mod:`graph.learn.differential_hpo`), :mod:`graph.learn.quiz`,
:mod:`graph.learn.hubs` or :mod:`graph.learn.treatments`, and prints what it returns; the library
modules are imported inside the commands so that ``causemap --help`` stays fast.

Every command takes ``--format table|csv|json``, printed by :mod:`graph.cli.output`.
"""

from __future__ import annotations

import sys
from typing import List, Optional

import typer

from graph.cli.common import EXIT_CHECK_FAILED, BadInput, app, fail, state
from graph.cli.output import FORMATS, check_format, emit, format_option, print_table

__all__ = ["relate", "compare", "differential", "quiz", "hubs", "treatment", "FORMATS",
           "format_option", "check_format", "emit", "print_table"]

def _path_record(path) -> dict:
    return {"path": path.sentence, "steps": len(path.steps),
            "sources": [f"{p.claim_text} (§{p.section_label})" for provs in path.sources
                        for p in provs]}


def _sources(kg, path, indent: str = "    ") -> None:
    """Print the claim behind every step of a path, one line each."""
    for step, provs in zip(path.steps, path.sources):
        for prov in provs:
            typer.echo(f"{indent}{kg.label(step.source)} → {kg.label(step.target)}: "
                       f"{prov.claim_text} (§{prov.section_label})")


@app.command()
def relate(
    a: str = typer.Argument(..., help="First entity (label, synonym, CURIE or IRI)."),
    b: str = typer.Argument(..., help="Second entity."),
    max_length: int = typer.Option(3, "--max-length", "-l", min=1, max=6,
                                   help="Longest path to list, in steps (1–6)."),
    limit: int = typer.Option(20, min=1, max=200, help="At most this many paths."),
    sources: bool = typer.Option(True, "--sources/--no-sources", help="Show the source of each step."),
    fmt: str = format_option(),
) -> None:
    """Explain how two entities are connected: paths (shortest first) and shared neighbours."""
    from graph.learn.entities import resolve
    from graph.learn.relate import relate as run_relate

    fmt = check_format(fmt)
    kg = state.kg()
    c = run_relate(kg, resolve(kg, a), resolve(kg, b), max_length, limit=limit)
    name_a, name_b = kg.label(c.a), kg.label(c.b)
    if not c.paths and not c.shared:
        fail(f"no path between {name_a} and {name_b} within {max_length} steps", EXIT_CHECK_FAILED)

    def table() -> None:
        typer.echo(f"Paths between {name_a} and {name_b} (up to {max_length} steps, shortest first):")
        if not c.paths:
            typer.echo(f"  none within {max_length} steps (try a larger --max-length)")
        for i, p in enumerate(c.paths, 1):
            typer.echo(f"{i:>3}. {p.sentence}")
            if sources:
                _sources(kg, p, indent="       ")
        if c.truncated:
            typer.echo(f"  … more paths not shown (raise --limit above {limit})")
        typer.echo("")
        typer.echo("Shared neighbours:" if c.shared else "Shared neighbours: none")
        for cls_label, group in c.shared_by_class().items():
            typer.echo(f"  {cls_label}: {', '.join(s.label for s in group)}")
            for s in group:
                typer.echo(f"    - {s.sentence}")

    rows = [{"kind": "path", "rank": i, "iri": "", "label": "", "class": "",
             **_path_record(p)} for i, p in enumerate(c.paths, 1)]
    rows += [{"kind": "shared neighbour", "rank": None, "iri": str(s.node), "label": s.label,
              "class": s.cls_label, "path": s.sentence, "steps": None, "sources": []}
             for s in c.shared]
    if not sources:
        for r in rows:
            r.pop("sources")
    emit(fmt, rows, name="connections", table=table,
         extra={"a": str(c.a), "b": str(c.b), "max_length": max_length,
                "truncated": c.truncated})


@app.command()
def compare(
    names: List[str] = typer.Argument(..., metavar="A B [C]",
                                      help="Two or three conditions (or triggers)."),
    fmt: str = format_option(),
) -> None:
    """Compare two or three conditions: what they share, what is unique to each, how similar they are."""
    from graph.learn.compare import CATEGORIES, CATEGORY_LABELS, SIMILARITY_EXPLAINED
    from graph.learn.compare import compare as run_compare
    from graph.learn.entities import resolve

    fmt = check_format(fmt)
    kg = state.kg()
    if not 2 <= len(names) <= 3:
        raise BadInput(f"compare takes two or three conditions, got {len(names)}")
    c = run_compare(kg, [resolve(kg, n) for n in names])

    def table() -> None:
        typer.echo("Comparing " + " | ".join(p.label for p in c.profiles))
        for cat in CATEGORIES:
            if not any(p.items[cat] for p in c.profiles):
                continue
            typer.echo(f"\n{CATEGORY_LABELS[cat]}")
            if c.shared[cat]:
                typer.echo(f"  shared: {', '.join(kg.label(n) for n in c.shared[cat])}")
            for n, who in c.partly_shared(cat).items():
                typer.echo(f"  shared by {' and '.join(kg.label(w) for w in who)}: {kg.label(n)}")
            for p in c.profiles:
                only = set(c.unique[p.node][cat])
                items = [i.label + (f" (via {kg.label(i.via)})" if i.via else "")
                         for i in p.items[cat] if i.node in only]
                typer.echo(f"  only {p.label}: {', '.join(items) if items else '—'}")
        typer.echo("\nSimilarity")
        for _, _, _, sentence in c.similarities:
            typer.echo(f"  {sentence}")
        typer.echo(f"  ({SIMILARITY_EXPLAINED})")

    rows = []
    for cat in CATEGORIES:
        held: dict = {}
        for p in c.profiles:
            for i in p.items[cat]:
                entry = held.setdefault(i.node, {"category": CATEGORY_LABELS[cat],
                                                 "iri": str(i.node), "label": i.label,
                                                 "held_by": [], "via": []})
                entry["held_by"].append(p.label)
                entry["via"].append(kg.label(i.via) if i.via else "")
        for entry in held.values():
            entry["via"] = [v for v in entry["via"] if v]
            entry["shared"] = len(entry["held_by"]) == len(c.profiles)
            rows.append(entry)
    emit(fmt, rows, name="items", table=table,
         extra={"conditions": [{"iri": str(p.node), "label": p.label} for p in c.profiles],
                "similarity": [{"a": str(x), "b": str(y), "score": round(v, 4), "sentence": t}
                               for x, y, v, t in c.similarities]})


def _differential_rows(kg, d, candidates) -> list[dict]:
    n = len(d.findings)
    return [{"rank": rank, "iri": str(cand.node), "label": cand.label,
             "score": round(cand.score, 4), "explained": f"{cand.n_explained}/{n}",
             "findings_explained": [link.label for link in cand.explained]}
            for rank, cand in enumerate(candidates, 1)]


def _why(link) -> dict:
    """One candidate's match for one finding, as a record (article or HPO differential)."""
    out = {"finding": str(link.finding), "label": link.label, "explained": link.explained,
           "reason": link.reason}
    if hasattr(link, "relation"):
        out.update(relation=link.relation,
                   annotation=str(link.annotation) if link.annotation else None,
                   annotation_label=link.annotation_label,
                   ancestor=str(link.ancestor) if link.ancestor else None,
                   ancestor_label=link.ancestor_label, frequency=link.frequency,
                   similarity=link.similarity, contribution=link.contribution)
    else:
        out["kind"] = link.kind
    return out


@app.command()
def differential(
    findings: List[str] = typer.Argument(..., metavar="FINDING...",
                                         help="Symptoms, signs, onset age or history, e.g. "
                                              "'upper-lip twitching' 'age over 40' 'stopping coffee'; "
                                              "on an HPO store, HPO phenotypes by name or id "
                                              "('cleft palate', HP:0001636)."),
    limit: int = typer.Option(10, min=1, max=200, help="Show at most this many candidates."),
    why: bool = typer.Option(False, "--why/--no-why",
                             help="Under the table, how each candidate matches each finding."),
    fmt: str = format_option(),
) -> None:
    """Learning exercise: rank what explains the findings, and suggest the next finding to ask.

    On the bundled article graph: the conditions and triggers that explain the findings (score:
    the share explained). On a store with HPO annotations (causemap import-hpo): every disease,
    by phenotype similarity (Resnik information content over the HPO hierarchy, a best-match
    average over the findings weighted by each annotation's frequency; 0–1, 1 when every finding
    is annotated exactly as a frequent feature).
    """
    from graph.learn.phenotype_index import has_phenotype_annotations

    fmt = check_format(fmt)
    kg = state.kg()
    if has_phenotype_annotations(kg):
        from graph.learn.differential_hpo import phenotype_differential, resolve_phenotypes, short_id

        d = phenotype_differential(kg, resolve_phenotypes(kg, findings), limit=limit)
        candidates = d.candidates
        more = d.n_matching - len(candidates)
        named = ", ".join(f"{kg.label(f)} ({short_id(f)})" for f in d.findings)
        method = (f"{d.n_matching:,} of {d.n_diseases:,} diseases share something with these "
                  "findings; score: phenotype similarity (0–1, see --help).")
        none = "no disease of the store is annotated with anything related to these findings"
    else:
        from graph.learn.differential import differential as run_differential
        from graph.learn.differential import resolve_findings

        d = run_differential(kg, resolve_findings(kg, findings))
        candidates = d.candidates[:limit]
        more = len(d.candidates) - len(candidates)
        named = ", ".join(kg.label(f) for f in d.findings)
        method = ("score: the share of the findings a candidate explains (ties: the share of its "
                  "own findings in the graph that were picked).")
        none = "no condition or trigger in the graph explains these findings"
    if not candidates:
        fail(none, EXIT_CHECK_FAILED)
    rows = _differential_rows(kg, d, candidates)

    def table() -> None:
        typer.echo(d.note)
        typer.echo(f"Findings: {named}")
        typer.echo(method)
        typer.echo("")
        print_table(["rank", "IRI", "label", "score", "explained", "findings explained"],
                    [[r["rank"], r["iri"], r["label"], f"{r['score']:.2f}", r["explained"],
                      r["findings_explained"]] for r in rows],
                    right=("rank", "score", "explained"), widths={"label": 44})
        if more > 0:
            typer.echo(f"  … {more:,} more candidate{'s' if more > 1 else ''} (raise --limit)")
        if why:
            for r, cand in zip(rows, candidates):
                typer.echo(f"\n{r['rank']:>2}. {cand.label}")
                for link in cand.links:
                    typer.echo(f"      {'✓' if link.explained else '✗'} {link.label}: {link.reason}")
        if d.next_finding:
            typer.echo(f"\nNext best finding: {d.next_finding.reason}")

    nf = d.next_finding
    json_rows = [{**r, "why": [_why(link) for link in cand.links]}
                 for r, cand in zip(rows, candidates)]
    csv_rows = [{**r, "why": [link.reason for link in cand.links]} if why else r
                for r, cand in zip(rows, candidates)]
    emit(fmt, json_rows, name="candidates", table=table, csv_rows=csv_rows, extra={
        "note": d.note,
        "findings": [{"iri": str(f), "label": kg.label(f)} for f in d.findings],
        "more": max(more, 0),
        "next_finding": None if nf is None else {
            "iri": str(nf.finding), "label": nf.label, "reason": nf.reason,
            "present": [str(p[0]) if isinstance(p, tuple) else str(p) for p in nf.present],
            "absent": [str(a) for a in nf.absent]},
    })


def _print_question(number: int, total: int, q) -> None:
    from graph.learn.quiz import letter

    typer.echo(f"\nQ{number}/{total}. {q.prompt}")
    for i, option in enumerate(q.options):
        typer.echo(f"   {letter(i)}) {option}")


def _print_feedback(q, chosen: int | None) -> None:
    from graph.learn.quiz import letter

    if chosen is not None:
        verdict = "Right." if q.is_correct(chosen) else f"Not quite: you chose {letter(chosen)}."
        typer.echo(f"   {verdict} Answer: {letter(q.correct)}) {q.answer}")
    else:
        typer.echo(f"   Answer: {letter(q.correct)}) {q.answer}")
    typer.echo(f"   Why: {q.explanation}")
    for prov in q.sources():
        typer.echo(f"   Source: §{prov.section_label}: {prov.claim_text}")


@app.command()
def quiz(
    seed: int = typer.Option(0, help="Same seed, same questions."),
    count: int = typer.Option(5, "--count", "-n", min=1, max=50, help="Number of questions."),
    kind: List[str] = typer.Option([], "--kind", "-k",
                                   help="Only these kinds (repeat): mechanism_link, what_treats, "
                                        "not_cause, missing_step."),
    answers: Optional[str] = typer.Option(None, help="Score these answers, e.g. 'A,C,B' (letters "
                                                     "or numbers, comma-separated)."),
    interactive: Optional[bool] = typer.Option(None, "--interactive/--no-interactive",
                                               help="Ask one question at a time (default: when "
                                                    "run in a terminal and --format is table)."),
    fmt: str = format_option(),
) -> None:
    """Quiz yourself with multiple-choice questions generated from the graph."""
    from graph.learn.quiz import KINDS, letter, make_quiz, parse_answer, score

    fmt = check_format(fmt)
    unknown = [k for k in kind if k not in KINDS]
    if unknown:
        raise BadInput(f"unknown question kind '{unknown[0]}'; use one of {', '.join(KINDS)}")
    if interactive and fmt != "table":
        raise BadInput(f"--interactive asks in the terminal; it does not go with --format {fmt}")
    kg = state.kg()
    questions = make_quiz(kg, n=count, seed=seed, kinds=kind or KINDS)
    if interactive is None:
        interactive = answers is None and fmt == "table" and sys.stdin.isatty()
    chosen: list[int | None] = []
    if answers is not None:
        raw = answers.split(",")
        if len(raw) > len(questions):
            raise BadInput(f"--answers has {len(raw)} answers for {len(questions)} questions")
        for i, text in enumerate(raw):
            index = parse_answer(text, len(questions[i].options)) if text.strip() else None
            if text.strip() and index is None:
                raise BadInput(f"answer {i + 1} '{text.strip()}' is not one of the options "
                               f"A–{chr(ord('A') + len(questions[i].options) - 1)}")
            chosen.append(index)

    def table() -> None:
        typer.echo(f"Quiz (seed {seed}): {len(questions)} questions from the graph.")
        for number, q in enumerate(questions, 1):
            _print_question(number, len(questions), q)
            if interactive:
                while True:
                    reply = typer.prompt("   Your answer (letter, or q to stop)", default="",
                                         show_default=False)
                    if reply.strip().lower() == "q":
                        break
                    index = parse_answer(reply, len(q.options))
                    if index is not None:
                        break
                    typer.echo("   Please type one of the option letters.")
                if reply.strip().lower() == "q":
                    break
                chosen.append(index)
                _print_feedback(q, index)
            else:
                _print_feedback(q, chosen[number - 1] if number - 1 < len(chosen) else None)
        if interactive or answers is not None:
            typer.echo(f"\nScore: {score(questions, chosen)}")

    given = chosen + [None] * (len(questions) - len(chosen))
    rows = [{"number": i, "kind": q.kind, "prompt": q.prompt,
             "options": [f"{letter(j)}) {o}" for j, o in enumerate(q.options)],
             "answer": letter(q.correct), "answer_text": q.answer,
             "answer_iri": str(q.option_nodes[q.correct]), "explanation": q.explanation,
             "sources": [f"§{p.section_label}: {p.claim_text}" for p in q.sources()],
             **({"chosen": letter(a) if a is not None else None,
                 "right": q.is_correct(a) if a is not None else None}
                if answers is not None else {})}
            for i, (q, a) in enumerate(zip(questions, given), 1)]
    emit(fmt, rows, name="questions", table=table,
         extra={"seed": seed, **({"score": str(score(questions, chosen))}
                                 if answers is not None else {})})


@app.command()
def hubs(top: int = typer.Option(10, min=1, max=100, help="Show this many entities per list."),
         fmt: str = format_option()) -> None:
    """Which mechanisms explain the most symptoms, and which concepts are hubs and bridges."""
    from graph.learn.hubs import MEASURES, centrality, mechanism_ranking

    fmt = check_format(fmt)
    kg = state.kg()
    mechanisms = mechanism_ranking(kg)[:top]
    central = centrality(kg)[:top]

    def table() -> None:
        typer.echo("Mechanisms by symptoms explained:")
        for m in mechanisms:
            symptoms = ", ".join(kg.label(s) for s in m.symptoms) or "—"
            via = ", ".join(kg.label(s) for s in m.sources) or "—"
            typer.echo(f"  {m.n_symptoms:>2}  {m.label}: {symptoms}  (acting through it: {via})")
        typer.echo("\nHubs and bridges (degree, betweenness, cut point):")
        for r in central:
            cut = "  cut point" if r.cut_point else ""
            between = "—" if r.betweenness is None else f"{r.betweenness:.3f}"
            typer.echo(f"  {r.label:<38} {r.cls_label:<22} {r.degree:>3}  {between}{cut}")
        typer.echo("")
        for name, meaning in MEASURES.items():
            typer.echo(f"{name}: {meaning}")

    rows = [{"list": "mechanisms", "rank": i, "iri": str(m.node), "label": m.label,
             "class": "", "symptoms_explained": m.n_symptoms,
             "symptoms": [kg.label(s) for s in m.symptoms],
             "acting_through_it": [kg.label(s) for s in m.sources]}
            for i, m in enumerate(mechanisms, 1)]
    rows += [{"list": "hubs", "rank": i, "iri": str(r.node), "label": r.label,
              "class": r.cls_label, "degree": r.degree,
              "betweenness": None if r.betweenness is None else round(r.betweenness, 4),
              "cut_point": r.cut_point} for i, r in enumerate(central, 1)]
    emit(fmt, rows, name="rows", table=table, extra={"measures": dict(MEASURES)})


@app.command()
def treatment(
    name: str = typer.Argument(..., help="A treatment (label, synonym, CURIE or IRI)."),
    fmt: str = format_option(),
) -> None:
    """Show what a treatment acts on and which symptom paths it interrupts."""
    from graph.learn.entities import resolve
    from graph.learn.explain import capitalise
    from graph.learn.treatments import treatment_view

    fmt = check_format(fmt)
    kg = state.kg()
    v = treatment_view(kg, resolve(kg, name))

    def table() -> None:
        typer.echo(f"{capitalise(v.label)}: {v.definition}")
        typer.echo("\nActs on:")
        for t in v.targets:
            typer.echo(f"  {t.label} ({t.cls_label})")
            _sources(kg, t.path)
        typer.echo("\nConditions it reaches:" if v.conditions else "\nConditions it reaches: none")
        for c in v.conditions:
            typer.echo(f"  {c.path.sentence}")
        typer.echo("\nSymptom paths it interrupts:" if v.interrupted else
                   "\nSymptom paths it interrupts: none traced")
        for p in v.interrupted:
            typer.echo(f"  {p.sentence}")
            _sources(kg, p)
        for u in v.untraced:
            typer.echo(f"  (The graph does not say through which mechanism it treats {kg.label(u)}, "
                       "so no symptom path is traced.)")

    rows = [{"section": section, "iri": str(t.node), "label": t.label, "class": t.cls_label,
             **_path_record(t.path)}
            for section, group in (("acts on", v.targets), ("reaches", v.conditions))
            for t in group]
    rows += [{"section": "interrupts", "iri": str(p.steps[-1].target) if p.steps else "",
              "label": kg.label(p.steps[-1].target) if p.steps else "", "class": "",
              **_path_record(p)} for p in v.interrupted]
    rows += [{"section": "untraced", "iri": str(u), "label": kg.label(u), "class": "",
              "path": "", "steps": None, "sources": []} for u in v.untraced]
    emit(fmt, rows, name="rows", table=table,
         extra={"treatment": {"iri": str(v.node), "label": v.label, "definition": v.definition}})
