"""Turn a parser's complaint into one line a student can act on: where, what, and a hint.

Oxigraph reports *where* a query stops parsing ("error at 1:31: expected one of BIND, [_]"); this
module says *what* is wrong, from the tokens around that place: a string or bracket never closed, a
'.' missing between two triple patterns, a misspelt keyword or function (with the closest real
one), an undeclared prefix (with the prefixes declared for you), a variable selected but not
grouped, a name selected twice, a BIND into a variable already bound. Positions are 1-based lines
and columns of the user's own text. Every hint is computed in time linear in the query (a fuzzy
match is only tried against a short list of keywords).

Examples
--------
>>> from graph.query.lexer import tokens
>>> text = "SELECT * WHERE { ?s ?p ?o ?x }"
>>> err = explain(text, tokens(text), "expected one of BIND, [_]", 1, 31)
>>> str(err), err.hint
("line 1, column 27: unexpected ?x; is a '.' missing between two triple patterns before it?", "is a '.' missing between two triple patterns before it?")
"""

from __future__ import annotations

import difflib

from graph.errors import QuerySyntaxError
from graph.namespace import PREFIXES
from graph.query.guard import QUERY_KINDS
from graph.query.lexer import TERM_KINDS, Token, line_col, offset_of

__all__ = ["explain", "syntax_error", "KEYWORDS", "FUNCTIONS"]

KEYWORDS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "PREFIX", "BASE", "DISTINCT",
            "REDUCED", "OPTIONAL", "FILTER", "UNION", "MINUS", "GRAPH", "BIND", "VALUES", "AS",
            "ORDER", "GROUP", "BY", "HAVING", "LIMIT", "OFFSET", "ASC", "DESC", "NOT", "EXISTS",
            "IN", "UNDEF", "SEPARATOR", "TRUE", "FALSE", "A")
#: The SPARQL 1.1 built-in functions and aggregates (grammar rules BuiltInCall and Aggregate).
FUNCTIONS = ("STR", "LANG", "LANGMATCHES", "DATATYPE", "BOUND", "IRI", "URI", "BNODE", "RAND",
             "ABS", "CEIL", "FLOOR", "ROUND", "CONCAT", "SUBSTR", "STRLEN", "REPLACE", "UCASE",
             "LCASE", "ENCODE_FOR_URI", "CONTAINS", "STRSTARTS", "STRENDS", "STRBEFORE",
             "STRAFTER", "YEAR", "MONTH", "DAY", "HOURS", "MINUTES", "SECONDS", "TIMEZONE", "TZ",
             "NOW", "UUID", "STRUUID", "MD5", "SHA1", "SHA256", "SHA384", "SHA512", "COALESCE",
             "IF", "STRLANG", "STRDT", "SAMETERM", "ISIRI", "ISURI", "ISBLANK", "ISLITERAL",
             "ISNUMERIC", "REGEX", "COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT")
_OPENERS = {"{": "}", "(": ")", "[": "]"}
_FUNCTION_SET = frozenset(FUNCTIONS)
_KEYWORD_SET = frozenset(KEYWORDS)
# Other bare words the grammar (and Oxigraph's SPARQL-star and LATERAL extensions) allows.
_OTHER_WORDS = frozenset({"SILENT", "NAMED", "DATA", "DEFAULT", "ALL", "TO", "INTO", "LATERAL",
                          "TRIPLE", "ISTRIPLE", "SUBJECT", "PREDICATE", "OBJECT", "SERVICE",
                          "FROM", "STRLANGDIR", "LANGDIR", "HASLANG", "HASLANGDIR"})


def syntax_error(text: str, offset: int, problem: str, token: str | None = None,
                 hint: str | None = None) -> QuerySyntaxError:
    """A :class:`QuerySyntaxError` located at ``offset`` of ``text``."""
    line, col = line_col(text, offset)
    message = f"line {line}, column {col}: {problem}" + (f"; {hint}" if hint else "")
    return QuerySyntaxError(message, line=line, column=col, token=token, hint=hint)


def _close(word: str, choices) -> str | None:
    if len(word) > 40:
        return None
    found = difflib.get_close_matches(word.upper(), choices, n=1, cutoff=0.75)
    return found[0] if found and found[0] != word.upper() else None


def _lexical(text: str, toks: list[Token]) -> QuerySyntaxError | None:
    """Problems that are certain from the tokens alone: unclosed strings and brackets."""
    for tok in toks:
        if tok.kind == "bad" and tok.text in "\"'":
            return syntax_error(text, tok.start, "this string is never closed", tok.text,
                                f"end it with {tok.text} on the same line")
    stack: list[Token] = []
    for tok in toks:
        if tok.kind == "punct" and tok.text in _OPENERS:
            stack.append(tok)
        elif tok.kind == "punct" and tok.text in _OPENERS.values():
            if not stack or _OPENERS[stack[-1].text] != tok.text:
                opened = f" (the open one is '{stack[-1].text}')" if stack else ""
                return syntax_error(text, tok.start, f"unexpected '{tok.text}'{opened}", tok.text,
                                    "brackets must be closed in the order they were opened")
            stack.pop()
    if stack:
        line, col = line_col(text, stack[-1].start)
        return syntax_error(text, len(text.rstrip()), "the query ends too early", None,
                            f"'{stack[-1].text}' opened at line {line}, column {col} is never "
                            "closed")
    return None


def _unknown_prefix(text: str, toks: list[Token], at: int | None,
                    prefixes: bool) -> QuerySyntaxError:
    tok = None
    if at is not None:
        tok = next((t for t in toks if t.kind == "pname" and t.start <= at < t.start + len(t.text) + 1),
                   None)
    if tok is None:
        declared = {t.text.split(":")[0] for i, t in enumerate(toks) if t.kind == "pname"
                    and i and toks[i - 1].text.upper() == "PREFIX"}
        used = [t for t in toks if t.kind == "pname" and t.text.split(":")[0] not in declared
                and (not prefixes or t.text.split(":")[0] not in PREFIXES)]
        tok = used[0] if used else None
    prefix = tok.text.split(":")[0] if tok else ""
    close = [p for p in difflib.get_close_matches(prefix, list(PREFIXES), n=3, cutoff=0.5)
             if p[:1] == prefix[:1]] if len(prefix) < 40 else []
    if prefix in PREFIXES and not prefixes:
        hint = f"declare it with PREFIX {prefix}: <{PREFIXES[prefix]}>"
    elif close:
        hint = f"did you mean {close[0]}:? Otherwise declare it with PREFIX {prefix}: <…>"
    else:
        hint = f"declare it with PREFIX {prefix}: <…>; declared for you: " + ", ".join(PREFIXES)
    problem = f"unknown prefix {prefix}:"
    if tok is None:
        return QuerySyntaxError(f"{problem}; {hint}", token=f"{prefix}:", hint=hint)
    return syntax_error(text, tok.start, problem, tok.text, hint)


def _group_by_problem(text: str, toks: list[Token]) -> QuerySyntaxError:
    grouped = set()
    in_group = False
    for i, t in enumerate(toks):
        if t.kind == "word" and t.text.upper() == "BY" and i and toks[i - 1].text.upper() == "GROUP":
            in_group = True
        elif in_group and t.kind == "var":
            grouped.add(t.text)
        elif in_group and t.kind == "word" and t.text.upper() in ("HAVING", "ORDER", "LIMIT",
                                                                  "OFFSET", "VALUES"):
            in_group = False
    start = next((i for i, t in enumerate(toks) if t.text.upper() == "SELECT"), 0)
    depth = 0
    for t in toks[start + 1:]:
        if depth == 0 and (t.text == "{" or t.text.upper() == "WHERE"):
            break
        depth += {"(": 1, ")": -1}.get(t.text, 0)
        if t.kind == "var" and depth == 0 and t.text not in grouped:
            return syntax_error(
                text, t.start, f"{t.text} is selected but not grouped", t.text,
                f"with GROUP BY or an aggregate, select only grouped variables or aggregates "
                f"such as (SAMPLE({t.text}) AS ?{t.text[1:]}1)")
    return QuerySyntaxError("a selected variable is not grouped; with GROUP BY or an aggregate, "
                            "select only grouped variables or aggregates")


def explain(text: str, toks: list[Token], reason: str, line: int | None, column: int | None,
            *, prefixes: bool = True) -> QuerySyntaxError:
    """The :class:`QuerySyntaxError` for a parser's ``reason`` at ``line``/``column`` of ``text``."""
    offset = offset_of(text, line, column) if line is not None and column is not None else None
    if "Prefix not found" in reason or "prefix not found" in reason.lower():
        return _unknown_prefix(text, toks, offset, prefixes)
    if "Duplicated variable name in SELECT" in reason:
        seen, twice = set(), None
        for t in toks:
            if t.kind == "var" and t.text in seen:
                twice = t
                break
            if t.kind == "var":
                seen.add(t.text)
        name = twice.text if twice else "a variable"
        return QuerySyntaxError(f"{name} is selected twice; give the expression its own name",
                                token=twice.text if twice else None)
    if "variable that is unbound" in reason:
        return _group_by_problem(text, toks)
    lexical = _lexical(text, toks)
    if lexical is not None:
        return lexical
    if offset is None:
        return QuerySyntaxError(f"the query is not valid SPARQL: {reason[:200]}")
    return _at(text, toks, offset)


def _missing_dot(toks: list[Token], upto: int) -> Token | None:
    """The first term that follows a complete triple with no '.', ';' or ',' between them."""
    depth_brace, depth_paren, run, in_values = 0, 0, 0, False
    for i, t in enumerate(toks[:upto + 1]):
        if t.kind == "word" and t.text.upper() == "VALUES":
            in_values = True
        if t.text == "{":
            depth_brace += 1
            run = 0
        elif t.text == "}":
            depth_brace -= 1
            run, in_values = 0, False
        elif t.text in "([":
            depth_paren += 1
        elif t.text in ")]":
            depth_paren -= 1
            run += 1 if depth_paren == 0 else 0
        elif depth_brace > 0 and depth_paren == 0 and not in_values and (
                t.kind in TERM_KINDS or (t.kind == "word" and t.text == "a")):
            run += 1
            if run == 4:
                return t
        elif t.kind in ("lang",) or t.text == "^^" or (t.kind == "pname" and i and
                                                       toks[i - 1].text == "^^"):
            continue
        elif t.text == "/" or t.text == "|" or t.text == "^":
            run -= 1  # a property path joins its steps into one predicate
        else:
            run = 0
    return None


def _at(text: str, toks: list[Token], offset: int) -> QuerySyntaxError:
    at = next((i for i, t in enumerate(toks) if t.start + len(t.text) > offset), None)
    upto = len(toks) - 1 if at is None else at
    # A bare word is a keyword or a function name in SPARQL: an unknown one is the mistake.
    for i in range(upto + 1):
        word = toks[i].text.upper()
        if toks[i].kind != "word" or word in _KEYWORD_SET or word in _FUNCTION_SET \
                or word in _OTHER_WORDS:
            continue
        if i >= 2 and toks[i - 2].text.upper() == "PREFIX":
            break
        if i >= 1 and toks[i - 1].text.upper() == "PREFIX":
            break
        if i + 1 < len(toks) and toks[i + 1].text == "(":
            close = _close(word, FUNCTIONS)
            return syntax_error(text, toks[i].start, f"unknown function {toks[i].text}",
                                toks[i].text, f"did you mean {close}?" if close else None)
        close = _close(word, KEYWORDS + FUNCTIONS)
        return syntax_error(text, toks[i].start, f"unexpected {toks[i].text}", toks[i].text,
                            f"did you mean {close}?" if close else None)
    missing = _missing_dot(toks, upto)
    if missing is not None:
        return syntax_error(text, missing.start, f"unexpected {missing.text}", missing.text,
                            "is a '.' missing between two triple patterns before it?")
    if at is None:
        if not any(t.kind == "word" and t.text.upper() in QUERY_KINDS for t in toks):
            return syntax_error(text, len(text.rstrip()), "there is no query here", None,
                                "write a SELECT, ASK, CONSTRUCT or DESCRIBE query")
        return syntax_error(text, len(text.rstrip()), "the query ends too early")
    tok, prev = toks[at], toks[at - 1] if at else None
    target = next((t for t in toks[max(0, at - 2):at + 1] if t.text.upper() == "PREFIX"), None)
    if target is not None:
        return syntax_error(text, target.start, f"unexpected {target.text}", target.text,
                            "a PREFIX line reads PREFIX name: <https://…>")
    depth = sum(1 if t.text == "{" else -1 for t in toks[:at] if t.kind == "punct"
                and t.text in "{}")
    prev_is_term = prev is not None and (prev.kind in TERM_KINDS or prev.text == "]"
                                         or prev.kind == "lang")
    if depth > 0 and tok.kind in TERM_KINDS and prev_is_term:
        return syntax_error(text, tok.start, f"unexpected {tok.text}", tok.text,
                            "is a '.' missing between two triple patterns before it?")
    if (tok.text == ")" and at >= 2 and toks[at - 1].kind == "var"
            and toks[at - 2].text.upper() == "AS"):
        name = toks[at - 1].text
        return syntax_error(text, toks[at - 1].start, f"{name} is already bound before this "
                            "BIND", name, "BIND into a new variable")
    if tok.text == "}" and depth > 0:
        run = 0
        for t in reversed(toks[:at]):
            if t.kind in TERM_KINDS or t.kind == "lang" or (t.kind == "word" and t.text == "a"):
                run += 1
            else:
                break
        if run in (1, 2):
            return syntax_error(text, tok.start, f"unexpected {tok.text}", tok.text,
                                "a triple pattern needs a subject, a predicate and an object")
    return syntax_error(text, tok.start, f"unexpected {tok.text}", tok.text)
