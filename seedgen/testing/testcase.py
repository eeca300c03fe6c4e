"""``SeededTestCase``: a Django ``TestCase`` whose class data is a seeded profile."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from django.test import TestCase

from seedgen.errors import PlanError
from seedgen.testing.data import SeedData
from seedgen.testing.seeding import load_profile


class SeededTestCase(TestCase):
    """Seeds ``seed_profile`` once per class in ``setUpTestData``; each test sees ``self.seed_data``.

    ::

        class PostTests(SeededTestCase):
            seed_profile = "profiles/blog.yaml"
            seed_value = 1                       # the seed; None keeps the profile's own
            seed_counts = {"blog.Post": 5}       # like --count
            seed_scale = 1.0                     # like --scale
            seed_database = "default"            # one of the class's databases

    The rows are rolled back with the class's transaction, and each test gets its own copy of the
    handle's objects, as Django gives every attribute set in ``setUpTestData``.
    """

    seed_profile: ClassVar[str | Path | None] = None
    seed_value: ClassVar[int | None] = None
    seed_counts: ClassVar[Mapping[str, int] | None] = None
    seed_scale: ClassVar[float] = 1.0
    seed_database: ClassVar[str] = "default"
    seed_data: SeedData

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        if cls.seed_profile is None:
            raise PlanError(f"{cls.__qualname__}: set seed_profile, e.g. seed_profile = 'profiles/blog.yaml'")
        cls.seed_data = load_profile(cls.seed_profile, seed=cls.seed_value, using=cls.seed_database,
                                     counts=cls.seed_counts, scale=cls.seed_scale)
