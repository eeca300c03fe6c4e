"""The regex sampler makes strings that match, and refuses what it cannot make."""

from __future__ import annotations

import random
import re

import pytest
from django.core import validators

from seedgen.strategies.regex import Unsupported, sampler

PATTERNS = [r"^[A-Z]{3}-\d{4}$", validators.validate_slug.regex.pattern, r"^#(?:[0-9a-fA-F]{3}){1,2}$",
            validators.validate_comma_separated_integer_list.regex.pattern, r"^\+?1?\d{9,15}$", r"^(red|green|blue)\w*$"]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_every_sample_matches_its_pattern(pattern):
    sample, rand = sampler(pattern), random.Random(7)
    values = [sample(rand) for _ in range(200)]
    assert all(re.search(pattern, v) for v in values)
    assert len(set(values)) > 20


def test_the_same_seed_gives_the_same_strings():
    sample = sampler(r"[a-z]{5}\d")
    assert [sample(random.Random(3)) for _ in range(3)] == [sample(random.Random(3)) for _ in range(3)]


def test_lookarounds_are_refused():
    with pytest.raises(Unsupported):
        sampler(r"^(?!-)[a-z]+$")
