"""The Explore page's view, and its URL: the whole view lives in the query string.

A :class:`View` is what the Explore page draws: a focus and a radius (or the whole graph), class and
relation filters, the nodes whose neighbours were added ("expanded"), the selected entity and the
node cap. :func:`view_from_params` reads one from ``st.query_params`` (saying what it had to drop:
an unknown entity, ``radius=abc``) and :func:`view_params` writes one back. The page writes the URL
only when the student changes the view, and Streamlit makes each change a browser history entry,
so Back and Forward step through views, and a link reproduces exactly what its sender saw::

    /?focus=cm:Hypocalcemia&radius=1&expand=cm:DiGeorgeSyndrome&entity=cm:Thymus

Without ``focus`` the page shows its start view (the best-connected entity, 2 hops on a small
graph); ``view=whole`` is the whole graph, capped.

A one-hop view of an entity with more than :data:`~graph.view.clusters.DEFAULT_THRESHOLD`
neighbours (an HPO disease and its hundred phenotypes) groups them into cluster nodes by class and
organ system (:func:`graph.view.clusters.clustered_view`); ``open=`` lists the groups opened by a
click, so that a link reproduces them too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from rdflib import URIRef

from graph.errors import CausemapError
from graph.learn.entities import resolve
from graph.learn.explain import capitalise
from graph.namespace import curie
from graph.store import Store
from graph.namespace import expand_curie
from graph.view.clusters import CLUSTER_PREFIX, DEFAULT_THRESHOLD, clustered_view
from graph.view.network import DEFAULT_MAX_NODES, bounded_view, degree_ranking, hubs_by_degree

__all__ = ["View", "view_from_params", "view_params", "start_focus", "draw", "expand", "caption",
           "remember", "toggle_group", "is_cluster",
           "MAX_RADIUS", "CAP_RANGE"]

MAX_RADIUS = 3
CAP_RANGE = (20, 1000)
#: Stores up to this many entities start two hops around their hub; bigger ones one hop.
_SMALL_STORE = 5_000


@dataclass(frozen=True)
class View:
    """What the Explore page draws (IRIs as strings; ``None`` filters mean "all")."""

    focus: str | None = None
    radius: int = 2
    whole: bool = False
    classes: tuple[str, ...] | None = None
    relations: tuple[str, ...] | None = None
    expanded: tuple[str, ...] = ()
    selected: str | None = None
    cap: int = DEFAULT_MAX_NODES
    opened: tuple[str, ...] = ()  # cluster groups opened (group keys: class or organ-system IRIs)
    start: bool = field(default=False, compare=False)  # the start view (no focus in the URL)

    def with_(self, **changes) -> "View":
        """This view changed; it stays the start view only if just the selection or the opened
        groups changed. A new focus closes every group."""
        if "focus" in changes and changes["focus"] != self.focus:
            changes.setdefault("opened", ())
        return replace(self, start=self.start and set(changes) <= {"selected", "opened"},
                       **changes)

    @property
    def clusters(self) -> bool:
        """Whether big neighbourhoods are drawn as cluster nodes (one hop, nothing expanded)."""
        return not self.whole and self.focus is not None and self.radius == 1 \
            and not self.expanded


def start_focus(kg: Store) -> tuple[str | None, int]:
    """The start view's focus and radius: the best-connected entity, two hops, on a small graph;
    on a big one the best-connected *condition*, one hop (its phenotypes in groups), since the
    best-connected entity there is a term such as "Autosomal recessive inheritance", whose
    4,195 diseases would be one group of one class. Computed from store facts."""
    from graph.learn.stats import entity_count
    from graph.namespace import CM

    if entity_count(kg) <= _SMALL_STORE:
        hubs = hubs_by_degree(kg, 1)
        return (str(hubs[0]) if hubs else None), 2
    hubs = [node for node, _ in degree_ranking(kg, 2000)]  # a store fact: no query
    condition = next((h for h in hubs if kg.class_of(h) == CM.Condition), None)
    focus = condition if condition is not None else (hubs[0] if hubs else None)
    return (str(focus) if focus is not None else None), 1


def _entity(kg: Store, raw: str, what: str, problems: list[str]) -> str | None:
    try:
        return str(resolve(kg, raw))
    except CausemapError as exc:
        problems.append(f"the {what} {exc}" if "not an entity" in str(exc) else f"{what}: {exc}")
        return None


def _names(raw: str | None, allowed: Mapping[str, str], what: str,
           problems: list[str]) -> tuple[str, ...] | None:
    """Local names (``Condition``) from the URL as IRIs, in the page's order; unknown ones noted."""
    if not raw:
        return None
    by_local = {iri.rsplit("/", 1)[-1]: iri for iri in allowed.values()}
    asked = [x for x in raw.split(",") if x]
    unknown = [x for x in asked if x not in by_local]
    if unknown:
        problems.append(f"no {what} called {', '.join(unknown)}")
    picked = {by_local[x] for x in asked if x in by_local}
    return tuple(iri for iri in allowed.values() if iri in picked) or None


def view_from_params(kg: Store, params: Mapping[str, str], classes: Mapping[str, str],
                     relations: Mapping[str, str]) -> tuple[View, list[str]]:
    """The view a query string describes, and a sentence for each part that had to be dropped.

    ``classes`` and ``relations`` map labels to IRIs (the page's filter choices).

    >>> from graph.store import load
    >>> kg = load()
    >>> v, problems = view_from_params(kg, {"focus": "low calcium", "radius": "abc"}, {}, {})
    >>> curie(v.focus), v.radius, problems
    ('cm:Hypocalcemia', 2, ['radius=abc is not a number of hops (1–3): showing 2'])
    """
    problems: list[str] = []
    start, start_radius = start_focus(kg)
    whole = params.get("view") == "whole"
    focus = None
    if params.get("focus") and not whole:
        focus = _entity(kg, params["focus"], "focus", problems)
    radius = start_radius
    if params.get("radius"):
        try:
            radius = int(params["radius"])
            if not 1 <= radius <= MAX_RADIUS:
                problems.append(f"radius={radius} is outside 1–{MAX_RADIUS} hops: "
                                f"showing {min(MAX_RADIUS, max(1, radius))}")
                radius = min(MAX_RADIUS, max(1, radius))
        except ValueError:
            problems.append(f"radius={params['radius'][:20]} is not a number of hops "
                            f"(1–{MAX_RADIUS}): showing {start_radius}")
            radius = start_radius
    cap = DEFAULT_MAX_NODES
    if params.get("cap"):
        try:
            cap = min(CAP_RANGE[1], max(CAP_RANGE[0], int(params["cap"])))
        except ValueError:
            problems.append(f"cap={params['cap'][:20]} is not a number of nodes: showing "
                            f"{DEFAULT_MAX_NODES}")
    expanded = []
    for raw in (params.get("expand") or "").split(","):
        if raw.strip():
            node = _entity(kg, raw.strip(), "expanded entity", problems)
            if node and node not in expanded:
                expanded.append(node)
    selected = _entity(kg, params["entity"], "selected entity", problems) \
        if params.get("entity") else None
    opened = []
    for raw in (params.get("open") or "").split(",")[:50]:
        key = expand_curie(raw.strip()) if raw.strip() else None
        if raw.strip() and key is None:
            problems.append(f"no group called {raw.strip()[:40]}")
        elif key is not None and str(key) not in opened:
            opened.append(str(key))
    is_start = focus is None and not whole
    if is_start:
        focus = start
        whole = start is None
    view = View(focus=None if whole else focus, radius=radius, whole=whole,
                classes=_names(params.get("classes"), classes, "class", problems),
                relations=_names(params.get("relations"), relations, "relation", problems),
                expanded=tuple(expanded), selected=selected, cap=cap, opened=tuple(opened),
                start=is_start)
    return view, problems


def view_params(view: View) -> dict[str, str]:
    """The query string of a view (the inverse of :func:`view_from_params`).

    >>> view_params(View(focus="https://w3id.org/causemap/Hypocalcemia", radius=1,
    ...                  expanded=("https://w3id.org/causemap/Thymus",)))
    {'focus': 'cm:Hypocalcemia', 'radius': '1', 'expand': 'cm:Thymus'}
    """
    params: dict[str, str] = {}
    if view.whole:
        params["view"] = "whole"
    elif view.focus and not view.start:  # the start view needs no focus in its URL
        params["focus"] = curie(view.focus)
        params["radius"] = str(view.radius)
    if view.classes is not None:
        params["classes"] = ",".join(c.rsplit("/", 1)[-1] for c in view.classes)
    if view.relations is not None:
        params["relations"] = ",".join(r.rsplit("/", 1)[-1] for r in view.relations)
    if view.expanded:
        params["expand"] = ",".join(curie(n) for n in view.expanded)
    if view.cap != DEFAULT_MAX_NODES:
        params["cap"] = str(view.cap)
    if view.opened:
        params["open"] = ",".join(curie(g) for g in view.opened)
    if view.selected:
        params["entity"] = curie(view.selected)
    return params


def remember(trail: list[str], v: View) -> bool:
    """Note ``v`` in the session's trail of views; whether there is a view to go back to.

    The browser's history is not readable from a page, so the trail mirrors it: a view equal to
    the one before the last is a step back; any other new view is a step forward.

    >>> trail = []
    >>> [remember(trail, View(focus=f)) for f in ("a", "b", "a")]
    [False, True, False]
    """
    here = "&".join(f"{k}={val}" for k, val in sorted(view_params(v).items()))
    if len(trail) > 1 and trail[-2] == here:
        trail.pop()
    elif not trail or trail[-1] != here:
        trail.append(here)
    return len(trail) > 1


def draw(kg: Store, v: View):
    """The bounded view (:func:`graph.view.network.bounded_view`) that ``v`` describes; for a
    one-hop view of a big neighbourhood, the clustered view (:func:`clustered_view`).

    Kept per store for the page's reruns (:meth:`graph.store.Store.memo`): a click that only
    selects a node draws the same view again. The selection is not part of the key.
    """
    key = ("explore-view", v.focus, v.radius, v.whole, v.classes, v.relations, v.expanded, v.cap,
           v.opened, v.clusters)
    return kg.memo(key, lambda: _draw(kg, v))


def _draw(kg: Store, v: View):
    if v.clusters:
        shown = clustered_view(kg, URIRef(v.focus), open_groups=v.opened,
                               threshold=min(DEFAULT_THRESHOLD, v.cap), max_nodes=v.cap,
                               relations=list(v.relations) if v.relations else None,
                               classes=list(v.classes) if v.classes else None)
        if any(d.get("cluster") for _, d in shown.graph.nodes(data=True)):
            return shown
    return bounded_view(kg, focus=None if v.whole else v.focus, radius=v.radius,
                        classes=list(v.classes) if v.classes else None,
                        relations=list(v.relations) if v.relations else None,
                        max_nodes=v.cap, expanded=v.expanded)


def is_cluster(node_id: str) -> bool:
    """Whether a drawn node is a cluster (a group of neighbours), not an entity."""
    return str(node_id).startswith(CLUSTER_PREFIX)


def toggle_group(v: View, node_id: str) -> View:
    """``v`` with the group a cluster node stands for opened (or closed again when open).

    >>> v = toggle_group(View(focus="x", radius=1), "cluster:https://w3id.org/causemap/Symptom")
    >>> v.opened, view_params(v)["open"]
    (('https://w3id.org/causemap/Symptom',), 'cm:Symptom')
    >>> toggle_group(v, "cluster:https://w3id.org/causemap/Symptom").opened
    ()
    """
    key = str(node_id).removeprefix(CLUSTER_PREFIX)
    if key in v.opened:
        return v.with_(opened=tuple(g for g in v.opened if g != key))
    return v.with_(opened=(*v.opened, key))


def _name(kg: Store, iri) -> str:
    return capitalise(kg.label(URIRef(str(iri))))


def expand(kg: Store, v: View, iri: str) -> tuple[View | None, str]:
    """Expand ``iri`` in ``v`` (or collapse it when expanded): the new view, and what to say.

    An expansion that would add nothing drawn returns ``None`` and says why (every neighbour is
    drawn already, or the new ones are beyond the cap), so the view does not change.

    >>> from graph.store import load
    >>> kg = load()
    >>> v = View(focus="https://w3id.org/causemap/Hypocalcemia", radius=1)
    >>> new, said = expand(kg, v, "https://w3id.org/causemap/DiGeorgeSyndrome")
    >>> new.expanded, said
    (('https://w3id.org/causemap/DiGeorgeSyndrome',), 'Added 6 neighbours of DiGeorge syndrome.')
    """
    if iri in v.expanded:
        return v.with_(expanded=tuple(n for n in v.expanded if n != iri)), ""
    grown = v.with_(expanded=(*v.expanded, iri))
    before, after = draw(kg, v), draw(kg, grown)
    added = after.graph.number_of_nodes() - before.graph.number_of_nodes()
    if added > 0:
        return grown, f"Added {added} neighbour{'s' if added > 1 else ''} of {_name(kg, iri)}."
    beyond = after.total - before.total
    if beyond > 0:
        return None, (f"Nothing to add: {beyond} more neighbours of {_name(kg, iri)} are beyond "
                      f"the cap of {v.cap} nodes; raise the cap to see them.")
    return None, (f"Nothing to add: every neighbour of {_name(kg, iri)} that the filters let "
                  "through is in the view already.")


def caption(kg: Store, v: View, shown, labels: Mapping[str, str]) -> tuple[str, str]:
    """What the view shows, in Markdown (escaped), and which filters apply (or ``""``).

    ``labels`` maps class and relation IRIs to their labels. The counts are the drawn ones; the
    total is "at least" when the walk stopped at its budget.
    """
    from app.ui import markdown_text

    n, m = shown.graph.number_of_nodes(), shown.graph.number_of_edges()
    groups = [d for _, d in shown.graph.nodes(data=True) if d.get("cluster")]
    if groups:
        inside = sum(int(d.get("count") or 0) for d in groups)
        where = (f"**{markdown_text(_name(kg, v.focus))}** and its {shown.total} direct "
                 f"neighbours")
        text = (f"Showing {where}: {n - len(groups) - 1} drawn one by one, {inside} in "
                f"{len(groups)} {'group' if len(groups) == 1 else 'groups'}"
                + (f", {shown.hidden} beyond the cap" if shown.hidden else "")
                + ". Click a group (a dashed ring) to open it, again to close it.")
        return text, _filters(v, labels)
    of = "at least " if not shown.complete else ""
    where = "the whole graph" if v.whole else (
        f"**{markdown_text(_name(kg, v.focus))}** and what is within {v.radius} "
        f"hop{'s' if v.radius > 1 else ''} of it")
    grown = ", ".join(f"**{markdown_text(_name(kg, e))}**" for e in v.expanded)
    text = (f"Showing {n} of {of}{shown.total} {'entity' if shown.total == 1 else 'entities'} "
            f"and {m} {'relation' if m == 1 else 'relations'}: {where}"
            + (f", with the neighbours of {grown}" if grown else "") + ".")
    return text, _filters(v, labels)


def _filters(v: View, labels: Mapping[str, str]) -> str:
    from app.ui import markdown_text

    filters = [f"classes: {markdown_text(', '.join(labels[c] for c in v.classes))}"] if v.classes else []
    filters += [f"relations: {markdown_text(', '.join(labels[r] for r in v.relations))}"] if v.relations else []
    return ("Filtered to " + "; ".join(filters) + ".") if filters else ""
