"""The learning commands of ``causemap``: relate, compare, differential, quiz, hubs, treatment.

Registered on :data:`graph.cli.app` when :mod:`graph.cli` imports this module (its last line), so
they share its options, its graph loading and its error handling: a :class:`CausemapError` becomes
one line on stderr and exit code 2. Each command resolves its arguments, calls one function of
:mod:`graph.learn.relate`, :mod:`graph.learn.compare`, :mod:`graph.learn.differential`, :mod:`graph.learn.quiz`,
:mod:`graph.learn.hubs` or :mod:`graph.learn.treatments`, and prints what it returns; the library modules are
imported inside the commands so that ``causemap --help`` stays fast.
"""

from __future__ import annotations

import sys
from typing import List, Optional

import typer

from graph.cli.common import EXIT_CHECK_FAILED, BadInput, app, fail, state

__all__ = ["relate", "compare", "differential", "quiz", "hubs", "treatment"]


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
) -> None:
    """Explain how two entities are connected: paths (shortest first) and shared neighbours."""
    from graph.learn.entities import resolve
    from graph.learn.relate import relate as run_relate

    kg = state.kg()
    c = run_relate(kg, resolve(kg, a), resolve(kg, b), max_length, limit=limit)
    name_a, name_b = kg.label(c.a), kg.label(c.b)
    if not c.paths and not c.shared:
        fail(f"no path between {name_a} and {name_b} within {max_length} steps", EXIT_CHECK_FAILED)
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


@app.command()
def compare(
    names: List[str] = typer.Argument(..., metavar="A B [C]",
                                      help="Two or three conditions (or triggers)."),
) -> None:
    """Compare two or three conditions: what they share, what is unique to each, how similar they are."""
    from graph.learn.compare import CATEGORIES, CATEGORY_LABELS, SIMILARITY_EXPLAINED
    from graph.learn.compare import compare as run_compare
    from graph.learn.entities import resolve

    kg = state.kg()
    if not 2 <= len(names) <= 3:
        raise BadInput(f"compare takes two or three conditions, got {len(names)}")
    c = run_compare(kg, [resolve(kg, n) for n in names])
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


@app.command()
def differential(
    findings: List[str] = typer.Argument(..., metavar="FINDING...",
                                         help="Symptoms, signs, onset age or history, e.g. "
                                              "'upper-lip twitching' 'age over 40' 'stopping coffee'."),
    limit: int = typer.Option(5, min=1, max=50, help="Show at most this many candidates."),
) -> None:
    """Learning exercise: rank the conditions and triggers that explain the findings."""
    from graph.learn.differential import differential as run_differential
    from graph.learn.differential import resolve_findings

    kg = state.kg()
    d = run_differential(kg, resolve_findings(kg, findings))
    typer.echo(d.note)
    typer.echo(f"Findings: {', '.join(kg.label(f) for f in d.findings)}")
    if not d.candidates:
        fail("no condition or trigger in the graph explains these findings", EXIT_CHECK_FAILED)
    for rank, cand in enumerate(d.candidates[:limit], 1):
        typer.echo(f"\n{rank:>2}. {cand.label} ({cand.cls_label}): explains {cand.n_explained} of "
                   f"{len(d.findings)} (and {cand.coverage:.0%} of its own findings in the graph)")
        for link in cand.links:
            mark = "✓" if link.explained else "✗"
            typer.echo(f"      {mark} {link.label}: {link.reason}")
    if len(d.candidates) > limit:
        typer.echo(f"\n  … {len(d.candidates) - limit} more candidates (raise --limit)")
    if d.next_finding:
        typer.echo(f"\nNext best finding: {d.next_finding.reason}")


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
                                                    "run in a terminal)."),
) -> None:
    """Quiz yourself with multiple-choice questions generated from the graph."""
    from graph.learn.quiz import KINDS, make_quiz, parse_answer, score

    unknown = [k for k in kind if k not in KINDS]
    if unknown:
        raise BadInput(f"unknown question kind '{unknown[0]}'; use one of {', '.join(KINDS)}")
    kg = state.kg()
    questions = make_quiz(kg, n=count, seed=seed, kinds=kind or KINDS)
    if interactive is None:
        interactive = answers is None and sys.stdin.isatty()
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


@app.command()
def hubs(top: int = typer.Option(10, min=1, max=100, help="Show this many entities per list.")) -> None:
    """Which mechanisms explain the most symptoms, and which concepts are hubs and bridges."""
    from graph.learn.hubs import MEASURES, centrality, mechanism_ranking

    kg = state.kg()
    typer.echo("Mechanisms by symptoms explained:")
    for m in mechanism_ranking(kg)[:top]:
        symptoms = ", ".join(kg.label(s) for s in m.symptoms) or "—"
        via = ", ".join(kg.label(s) for s in m.sources) or "—"
        typer.echo(f"  {m.n_symptoms:>2}  {m.label}: {symptoms}  (acting through it: {via})")
    typer.echo("\nHubs and bridges (degree, betweenness, cut point):")
    for r in centrality(kg)[:top]:
        cut = "  cut point" if r.cut_point else ""
        typer.echo(f"  {r.label:<38} {r.cls_label:<22} {r.degree:>3}  {r.betweenness:.3f}{cut}")
    typer.echo("")
    for name, meaning in MEASURES.items():
        typer.echo(f"{name}: {meaning}")


@app.command()
def treatment(
    name: str = typer.Argument(..., help="A treatment (label, synonym, CURIE or IRI)."),
) -> None:
    """Show what a treatment acts on and which symptom paths it interrupts."""
    from graph.learn.entities import resolve
    from graph.learn.explain import capitalise
    from graph.learn.treatments import treatment_view

    kg = state.kg()
    v = treatment_view(kg, resolve(kg, name))
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
