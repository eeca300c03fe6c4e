"""Faker as the planner sees it: which locales and providers exist."""

from __future__ import annotations

from functools import cache

from faker import Faker


@cache
def faker_for(locale: str) -> Faker:
    """A shared, unseeded Faker for look-ups only; values come from seeded copies."""
    return Faker(locale)
