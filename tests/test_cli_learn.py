"""The learning commands of ``causemap``: relate, compare, differential, quiz, hubs, treatment.

Commands run in-process through :func:`graph.cli.main` (the real entry point, with its error
handling and exit codes); the interactive quiz runs through typer's ``CliRunner`` to feed stdin.
"""

from __future__ import annotations


import pytest
from typer.testing import CliRunner

from graph import cli


@pytest.fixture
def run(run_cli):
    """``causemap ARGS…`` in-process (see tests/conftest.py)."""
    return run_cli


def test_relate(run):
    code, out, err = run("relate", "DiGeorge syndrome", "hypoparathyroidism")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == ("Paths between DiGeorge syndrome and hypoparathyroidism "
                        "(up to 3 steps, shortest first):")
    # The parathyroid glands fail to form in DiGeorge syndrome: a link the review found missing.
    assert lines[1] == "  1. DiGeorge syndrome can cause hypoparathyroidism."
    assert "§HPO phenotype.hpoa: disease annotations" in lines[2]
    assert lines[3] == ("  2. DiGeorge syndrome acts through hypocalcemia, which is a mechanism of "
                        "hypoparathyroidism.")
    assert "§4. DiGeorge Syndrome" in lines[4]
    assert ("    - DiGeorge syndrome and hypoparathyroidism both act through hypocalcemia, which can "
            "cause Chvostek's sign, tetany and upper-lip twitching and is treated by calcium "
            "replacement.") in lines


def test_relate_without_sources_and_with_a_short_limit(run):
    # ALS and Parkinson's disease no longer share lip twitching and slurred speech (review
    # findings 2, 9, 15), so fewer paths join them: a limit of 1 leaves some out.
    code, out, _ = run("relate", "als", "parkinsons", "--max-length", "4", "--limit", "1",
                       "--no-sources")
    assert code == 0
    assert "§" not in out
    assert "more paths not shown (raise --limit above 1)" in out


def test_compare(run):
    code, out, err = run("compare", "essential tremor", "parkinsons")
    assert code == 0, err
    assert out.splitlines()[0] == "Comparing essential tremor | Parkinson's disease"
    assert "  shared: lip tremor, tremor of the hands" in out
    assert "  only Parkinson's disease: dopamine deficiency, neurodegeneration" in out
    assert "similarity 2/8 = 0.25." in out


def test_compare_three_shows_what_two_share(run):
    code, out, _ = run("compare", "als", "parkinsons", "essential tremor")
    assert code == 0
    assert ("  shared by amyotrophic lateral sclerosis and Parkinson's disease: neurodegeneration"
            in out)


def test_compare_marks_what_comes_through_a_mechanism(run):
    code, out, _ = run("compare", "DiGeorge syndrome", "Tourette syndrome")
    assert code == 0
    treatments = out.split("\nTreatments\n")[1].split("\n\n")[0]
    assert "  only DiGeorge syndrome: calcium replacement (via hypocalcemia)" in treatments
    assert "  only Tourette syndrome: medication for tics" in treatments


def test_differential(run):
    code, out, err = run("differential", "upper-lip twitching", "tremor of the hands",
                         "age over 40", "--limit", "20", "--why")
    assert code == 0, err
    assert out.startswith("Learning exercise:")
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("rank  IRI"))
    assert lines[header].split() == ["rank", "IRI", "label", "score", "explained", "findings",
                                     "explained"]
    # A lip tremor is not a twitch (review finding 9): essential tremor and Parkinson's disease no
    # longer explain upper-lip twitching, and the next question is whether it is a lip tremor.
    assert lines[header + 1].split()[:4] == ["1", "https://w3id.org/causemap/EssentialTremor",
                                             "essential", "tremor"]
    assert "0.67        2/3  tremor of the hands; adulthood from age 40" in lines[header + 1]
    rows = "\n".join(lines[header + 1:])
    assert rows.index("Parkinson's disease") < rows.index("DiGeorge syndrome")
    # --why: each candidate's findings, explained or not, with the reason
    assert ("      ✗ adulthood from age 40: The graph does not link Parkinson's disease to "
            "adulthood from age 40.") in lines
    assert "Next best finding: Ask about lip tremor" in out


def test_differential_with_a_synonym(run):
    # Withdrawal is curated by substance, and coffee is not caffeine (review findings 14 and 6).
    code, out, _ = run("differential", "stopping caffeine", "--format", "csv")
    assert code == 0
    assert out.splitlines() == [
        "rank,iri,label,score,explained,findings_explained",
        "1,https://w3id.org/causemap/CaffeineWithdrawal,caffeine withdrawal,1,1/1,caffeine withdrawal"]


# The article's HPO enrichment graph: a small store with HPO annotations (five diseases).
HPO_DATA = ("--data", "data/article.trig", "--data", "data/optional/hpo-enrichment.trig")


def test_differential_on_a_store_with_hpo_annotations(run):
    code, out, err = run(*HPO_DATA, "differential", "hypocalcemia", "cleft palate",
                         "HP:0001636", "--limit", "2", "--why")
    assert code == 0, err
    assert "Findings: Hypocalcemia (HP:0002901), Cleft palate (HP:0000175), Tetralogy of Fallot " \
           "(HP:0001636)" in out
    assert "4 of 5 diseases share something with these findings" in out
    rows = [line for line in out.splitlines() if line.lstrip()[:2] in ("1 ", "2 ")]
    assert {r.split()[1] for r in rows} == {"https://w3id.org/causemap/disease/OMIM_188400",
                                            "https://w3id.org/causemap/disease/ORPHA_567"}
    assert all("1.00        3/3" in r for r in rows)
    assert "      ✓ Cleft palate: 22q11.2 deletion syndrome is annotated with Cleft palate " \
           "(very frequent, 90 %)." in out
    assert "… 2 more candidates (raise --limit)" in out
    assert "\nNext best finding: Ask about " in out


def test_differential_json_has_the_why_and_the_next_finding(run):
    import json

    code, out, err = run(*HPO_DATA, "differential", "hypocalcemia", "tetralogy of fallot",
                         "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert [f["label"] for f in data["findings"]] == ["Hypocalcemia", "Tetralogy of Fallot"]
    first = data["candidates"][0]
    assert set(first) == {"rank", "iri", "label", "score", "explained", "findings_explained", "why"}
    assert first["why"][0]["relation"] == "exact" and first["why"][0]["reason"]
    assert data["next_finding"]["reason"].startswith("Ask about ")
    assert "not a diagnosis" in data["note"]


@pytest.mark.parametrize("args,columns", [
    (("relate", "DiGeorge syndrome", "hypoparathyroidism"), "kind,rank,iri,label,class,path"),
    (("compare", "als", "parkinsons"), "category,iri,label,held_by,via,shared"),
    (("differential", "lip tremor"), "rank,iri,label,score,explained,findings_explained"),
    (("quiz", "-n", "2", "--answers", "A,B"), "number,kind,prompt,options,answer"),
    (("hubs", "--top", "2"), "list,rank,iri,label,class"),
    (("treatment", "dopaminergic therapy"), "section,iri,label,class,path"),
])
def test_every_learning_command_writes_csv_and_json(run, args, columns):
    import csv
    import io
    import json

    code, out, err = run(*args, "--format", "csv")
    assert code == 0, err
    assert out.splitlines()[0].startswith(columns)
    records = list(csv.DictReader(io.StringIO(out)))
    assert records and all(r.get("iri", "-") or r.get("kind") == "path" for r in records)
    code, out, err = run(*args, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    (rows,) = [v for v in data.values() if isinstance(v, list) and v and isinstance(v[0], dict)
               and set(columns.split(",")) <= set(v[0])]
    assert len(rows) == len(records)


def test_quiz_prints_an_answer_key_when_not_interactive(run):
    code, out, _ = run("quiz", "--seed", "3", "-n", "4")
    assert code == 0
    assert out.count("\nQ") == 4 and out.count("   Answer: ") == 4
    assert "Source: §" in out and "Score:" not in out
    assert run("quiz", "--seed", "3", "-n", "4")[1] == out  # the seed fixes the quiz


def test_quiz_scores_given_answers(run):
    _, key, _ = run("quiz", "--seed", "3", "-n", "2")
    first = key.split("   Answer: ")[1][0]
    code, out, _ = run("quiz", "--seed", "3", "-n", "2", "--answers", f"{first},")
    assert code == 0
    assert "   Right. Answer: " in out
    assert out.rstrip().endswith("Score: 1/1 right (1 unanswered)")


def test_quiz_interactive(kg):
    runner = CliRunner()
    first = runner.invoke(cli.app, ["quiz", "--seed", "1", "-n", "2", "--no-interactive"])
    key = [line.split("Answer: ")[1][0] for line in first.output.splitlines() if "Answer: " in line]
    wrong = "B" if key[1] != "B" else "C"
    result = runner.invoke(cli.app, ["quiz", "--seed", "1", "-n", "2", "--interactive"],
                           input=f"x\n{key[0]}\n{wrong}\n")
    assert result.exit_code == 0, result.output
    assert "Please type one of the option letters." in result.output
    assert "Right." in result.output and "Not quite: you chose" in result.output
    assert result.output.rstrip().endswith("Score: 1/2 right")


def test_quiz_interactive_can_stop_early(kg):
    result = CliRunner().invoke(cli.app, ["quiz", "-n", "3", "--interactive"], input="q\n")
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith("Score: 0/0 right (3 unanswered)")


def test_hubs(run):
    code, out, _ = run("hubs", "--top", "3")
    assert code == 0
    assert "   3  autonomic stress response: dilated pupils, facial flushing, watery eyes" in out
    assert "upper-lip twitching" in out.split("Hubs and bridges")[1].splitlines()[1]
    assert "betweenness: Betweenness is the share of shortest paths" in out


def test_treatment(run):
    # A synonym names the treatment ("levodopa", one such medicine, no longer does: finding 6).
    code, out, _ = run("treatment", "dopaminergic therapy")
    assert code == 0
    assert out.startswith("Dopamine replacement: ")
    assert ("  Parkinson's disease acts through dopamine deficiency, which can cause tremor of the "
            "hands.") in out


def test_treatment_without_a_traced_path(run):
    code, out, _ = run("treatment", "tic medication")
    assert code == 0
    assert "Symptom paths it interrupts: none traced" in out
    assert "does not say through which mechanism it treats Tourette syndrome" in out


@pytest.mark.parametrize("args,code,message", [
    # an entity that does not exist
    (("relate", "xyzzy", "hypocalcemia"), 2, "no entity called 'xyzzy'"),
    # the same entity twice is a bad request (exit 2), as for `causemap path`
    (("relate", "hypocalcemia", "low calcium"), 2, "pick two different entities"),
    # a path length the command does not allow
    (("relate", "als", "parkinsons", "--max-length", "9"), 2, "--max-length"),
    # compare needs two or three
    (("compare", "als"), 2, "compare takes two or three conditions, got 1"),
    (("compare", "als", "parkinsons", "essential tremor", "stroke"), 2, "got 4"),
    # compare takes conditions or triggers
    (("compare", "als", "hypocalcemia"), 2, "hypocalcemia is a mechanism; compare conditions"),
    # a differential needs findings
    (("differential", "calcium replacement"), 2, "calcium replacement is a treatment, not a finding"),
    # quiz arguments
    (("quiz", "--kind", "riddle"), 2, "unknown question kind 'riddle'"),
    (("quiz", "-n", "2", "--answers", "A,Q"), 2, "answer 2 'Q' is not one of the options"),
    (("quiz", "-n", "1", "--answers", "A,B"), 2, "--answers has 2 answers for 1 questions"),
    # the treatment view takes treatments
    (("treatment", "hypocalcemia"), 2, "hypocalcemia is a mechanism, not a treatment"),
    # every learning command takes the same formats, checked before any work
    (("relate", "als", "parkinsons", "--format", "xml"), 2, "unknown format 'xml'; use one of "
                                                            "table, csv, json"),
    (("hubs", "--format", "yaml"), 2, "unknown format 'yaml'"),
    (("differential", "xyzzy", "--format", "tsv"), 2, "unknown format 'tsv'"),
    # the interactive quiz is for the terminal
    (("quiz", "--interactive", "--format", "json"), 2, "does not go with --format json"),
    # an HPO store: a finding that is no phenotype, an HPO id it does not hold
    ((*HPO_DATA, "differential", "xyzzy"), 2, "no HPO phenotype called 'xyzzy'"),
    ((*HPO_DATA, "differential", "HP:9999999"), 2, "HP:9999999 is not an HPO phenotype term"),
])
def test_errors_are_one_line(run, args, code, message):
    exit_code, out, err = run(*args)
    assert exit_code == code, (out, err)
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 or "Usage:" in err, err
    assert "Traceback" not in err
    assert message in err
