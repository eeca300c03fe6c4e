"""Write a first profile (``seedgen init``): the installed models as bare counts, in
dependency order, each with the strategies seedgen derives for its fields as comments.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from django.apps import apps

from seedgen.errors import PlanError, ProfileError, SeedgenError, suggest
from seedgen.generate.chunks import ModelGenerator
from seedgen.planning import ModelPlan, Plan, build_plan
from seedgen.profile import Profile, parse_profile
from seedgen.profile.schema import DEFAULT_SEED

DEFAULT_COUNT = 10
# Rows Django makes itself (migrate, logins, the admin): left out unless their app is named.
DJANGO_MADE_APPS = ("contenttypes", "sessions")
DJANGO_MADE_MODELS = ("auth.permission", "admin.logentry")
FILE = "<seedgen init>"
_LINE_BREAKS = re.compile("[\r\n\x85\u2028\u2029]")

HEADER = """\
# A seedgen profile of {apps}, written by `seedgen init`.
# Every model is a bare count, in dependency order: the models a foreign key points at
# come first. The comments under a model show the strategy seedgen derives for each
# field; to choose one yourself, turn the count into a mapping, e.g.
#   app.Model:
#     count: 10
#     fields:
#       name: {{faker: name}}
# Models seedgen makes no rows of are commented out, with the reason.
# `seedgen plan` shows what a profile makes; `seedgen check` validates a sample of it.
"""


def write_profile(app_labels: Sequence[str] = (), count: int = DEFAULT_COUNT) -> str:
    """The profile text for the models of ``app_labels`` (every app when empty), ``count`` rows each.

    The models these need (targets of required foreign keys, MTI parents,
    through models) are written too, with the rows seedgen gives them. Django
    must be set up.
    """
    chosen = _chosen_models(app_labels)
    problems: dict[str, str] = {}
    try:
        first = _fillable({label: count for label in chosen})
    except SeedgenError:
        # Find the models at fault, one by one, with the models each needs.
        for label in chosen:
            try:
                _fillable({label: count})
            except SeedgenError as exc:
                problems[label] = _message(exc)
        first = _fillable({label: count for label in chosen if label not in problems})
    # Written out, the models seedgen added are listed like the others; plan that text.
    plan = build_plan(_bare(_own_counts(first)))
    written = {m.model._meta.label for m in plan.models}
    lines = [HEADER.format(apps=", ".join(app_labels) or "every installed app")]
    if first.notices:
        lines += ["# What seedgen said while planning it:\n"] + [f"#   {_one_line(n)}\n" for n in first.notices]
    lines.append(f"seed: {DEFAULT_SEED}\nmodels:{'' if plan.models else ' {}'}\n")
    counts = _own_counts(plan)
    for model in plan.models:
        lines.append(f"  {model.model._meta.label}: {counts[model.model._meta.label]}\n")
        lines.extend(_field_comments(model))
    for label in chosen:
        if label not in written:
            reason = f"seedgen cannot fill this yet: {problems[label]}" if label in problems else _notice(first, label)
            lines.append(f"  # {label}: {count}\n    # {_one_line(reason)}\n")
    return "".join(lines)


def _chosen_models(app_labels: Sequence[str]) -> list[str]:
    configs = list(apps.get_app_configs())
    known = [c.label for c in configs]
    for label in app_labels:
        if label not in known:
            raise PlanError(f"unknown app label {label!r}{suggest(label, known)}; the installed apps are {', '.join(known)}")
    named = list(dict.fromkeys(app_labels))
    chosen = []
    for config in [apps.get_app_config(label) for label in named] if named else configs:
        for model in config.get_models():
            meta = model._meta
            if meta.proxy:
                continue  # its rows are the concrete model's
            if not named and (meta.app_label in DJANGO_MADE_APPS or meta.label_lower in DJANGO_MADE_MODELS):
                continue
            chosen.append(meta.label)
    return chosen


def _bare(counts: Mapping[str, int]) -> Profile:
    """The profile of bare ``counts``, parsed as a profile file would be."""
    text = "models:\n" + "".join(f"  {label}: {n}\n" for label, n in counts.items()) if counts else "models: {}\n"
    return parse_profile(text, FILE)


def _fillable(counts: Mapping[str, int]) -> Plan:
    """The plan of bare ``counts``, with each model's strategies set up as a run sets them up:
    that is where a field none of whose derived values passes its validators fails."""
    plan = build_plan(_bare(counts))
    for model in plan.models:
        ModelGenerator(plan, model)
    return plan


def _own_counts(plan: Plan) -> dict[str, int]:
    """Each model's own rows: an MTI parent's count includes its children's."""
    children: dict[str, int] = {}
    for m in plan.models:
        if m.parent:
            children[m.parent] = children.get(m.parent, 0) + m.count
    return {m.model._meta.label: m.count - children.get(m.label, 0) for m in plan.models}


def _message(exc: SeedgenError) -> str:
    """The error without the file name of a profile that exists only in memory."""
    text = str(exc)
    if isinstance(exc, ProfileError):
        where = exc.file if exc.line is None else f"{exc.file}:{exc.line}"
        text = text.removeprefix(f"{where}: ")
    return text


def _notice(plan: Plan, label: str) -> str:
    """Why the plan makes no rows of ``label``, in the planner's words."""
    return next((n.removeprefix(f"{label}: ") for n in plan.notices if n.startswith(f"{label}: ")), "seedgen makes no rows of it")


def _field_comments(model: ModelPlan) -> list[str]:
    fields = model.fields + model.m2m
    width = max((len(f.name) for f in fields), default=0)
    return [f"    # {f.name.ljust(width)}  {_one_line(f.describe())}\n" for f in fields]


def _one_line(text: str) -> str:
    """A YAML comment ends at a line break, so a default or message holding one keeps it escaped."""
    return _LINE_BREAKS.sub(lambda m: repr(m.group())[1:-1], text)
