"""Check constraints: the ones seedgen reads narrow what it derives; any other asks for strategies."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest
from django.db import models
from django.db.models import F, Q
from django.test.utils import isolate_apps

from seedgen.errors import ProfileError
from seedgen.generate.chunks import ModelGenerator
from seedgen.planning.checks import check_rules
from seedgen.planning.closure import Needed
from seedgen.planning.layout import Layout
from seedgen.planning.planner import _Builder
from seedgen.profile import parse_profile
from seedgen.profile.schema import ModelSpec


def rows_of(model: type[models.Model], count: int = 300, targets: dict | None = None) -> list[dict]:
    """Plan and make ``count`` rows of a model that is not installed (so no profile can name it);
    ``targets`` gives the models it points at and their row counts."""
    from seedgen.planning.model import Plan

    profile = parse_profile("models:\n  blog.Tag: 1\n", "p.yaml")
    builder = _Builder(profile, use_tz=True)
    needed = {m._meta.label_lower: Needed(m, n) for m, n in [*(targets or {}).items(), (model, count)]}
    builder.layout = Layout(needed, {}, builder.error)
    plans = tuple(builder.model_plan(ModelSpec(label=m._meta.label, count=n), m)
                  for m, n in [*(targets or {}).items(), (model, count)])
    plan = Plan(profile=profile, seed=1, now=profile.now, use_tz=True, models=plans)
    chunk = ModelGenerator(plan, plans[-1]).chunk(0, count)
    return [{name: column[i] for name, column in chunk.columns.items()} for i in range(count)]


@isolate_apps("tests.apps.catalog")
def test_comparisons_with_constants_in_lists_and_null_or_are_honoured():
    class Offer(models.Model):
        price = models.DecimalField(max_digits=6, decimal_places=2)
        stock = models.IntegerField()
        grade = models.CharField(max_length=1)
        weight = models.FloatField(null=True, blank=False)
        opens = models.DateField()

        class Meta:
            app_label = "catalog"
            constraints = [
                models.CheckConstraint(condition=Q(price__gt=10) & Q(price__lte=20), name="price_range"),
                models.CheckConstraint(condition=Q(stock__gte=5, stock__lt=9), name="stock_range"),
                models.CheckConstraint(condition=Q(grade__in=["A", "B"]), name="grade_known"),
                models.CheckConstraint(condition=Q(weight__isnull=True) | Q(weight__gt=2.5), name="weight_positive"),
                models.CheckConstraint(condition=Q(opens__lt=dt.date(2020, 1, 1)), name="opens_before_2020"),
            ]

    rules = check_rules(Offer)
    assert rules.unknown == {}
    for row in rows_of(Offer):
        assert decimal.Decimal("10") < row["price"] <= decimal.Decimal("20")
        assert 5 <= row["stock"] < 9
        assert row["grade"] in ("A", "B")
        assert row["weight"] is None or row["weight"] > 2.5
        assert row["opens"] < dt.date(2020, 1, 1)


@isolate_apps("tests.apps.catalog")
def test_two_fields_compared_make_the_later_one_follow_the_earlier():
    class Booking(models.Model):
        starts_at = models.DateTimeField()
        ends_at = models.DateTimeField()
        guests = models.PositiveSmallIntegerField()
        beds = models.PositiveSmallIntegerField()

        class Meta:
            app_label = "catalog"
            constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="ends_later"),
                           models.CheckConstraint(condition=Q(beds__lte=F("guests")), name="no_spare_beds")]

    for row in rows_of(Booking):
        assert row["ends_at"] > row["starts_at"]
        assert 0 <= row["beds"] <= row["guests"]


@isolate_apps("tests.apps.catalog")
def test_a_check_seedgen_cannot_read_asks_for_strategies():
    class Odd(models.Model):
        a = models.IntegerField()
        b = models.IntegerField()

        class Meta:
            app_label = "catalog"
            constraints = [models.CheckConstraint(condition=~Q(a=F("b")), name="a_is_not_b")]

    with pytest.raises(ProfileError, match="cannot tell which values pass its check constraint 'a_is_not_b'; "
                                           "name a strategy for a, b in the profile"):
        rows_of(Odd)


@isolate_apps("tests.apps.catalog")
def test_a_primary_key_with_a_default_still_gets_distinct_values():
    class Singleton(models.Model):
        ident = models.SmallIntegerField(default=1, primary_key=True, unique=True)  # as django-celery-beat's PeriodicTasks

        class Meta:
            app_label = "catalog"

    rows = rows_of(Singleton, 50)
    assert len({row["ident"] for row in rows}) == 50
