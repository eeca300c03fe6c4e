"""Derived text obeys the field's validators, and unique groups of keys and choices never repeat."""

from __future__ import annotations

import binascii

from django.core.exceptions import ValidationError
from django.db import models
from django.test.utils import isolate_apps

from tests.planning.test_checks import rows_of


def hex_key(value: str) -> None:
    """A validator seedgen cannot know: a hex string of even length, like django-otp's keys."""
    try:
        binascii.unhexlify(value)
    except (binascii.Error, TypeError):
        raise ValidationError("not hex") from None


@isolate_apps("tests.apps.catalog")
def test_a_validator_faker_text_never_passes_falls_back_to_plain_shapes():
    class Device(models.Model):
        key = models.CharField(max_length=80, validators=[hex_key])
        pin = models.CharField(max_length=6, unique=True, validators=[lambda v: int(v)])

        class Meta:
            app_label = "catalog"

    rows = rows_of(Device, 200)
    for row in rows:
        hex_key(row["key"])
        int(row["pin"])
    assert len({row["pin"] for row in rows}) == 200


@isolate_apps("tests.apps.catalog")
def test_a_unique_group_of_a_key_and_a_choice_walks_every_combination_once():
    class Color(models.Model):
        class Meta:
            app_label = "catalog"

    class Swatch(models.Model):
        color = models.ForeignKey(Color, on_delete=models.CASCADE)
        finish = models.CharField(max_length=5, choices=[("matte", "Matte"), ("gloss", "Gloss"), ("satin", "Satin")])

        class Meta:
            app_label = "catalog"
            constraints = [models.UniqueConstraint(fields=["color", "finish"], name="one_finish_per_color")]

    rows = rows_of(Swatch, 3, targets={Color: 1})
    assert sorted(row["finish"] for row in rows) == ["gloss", "matte", "satin"]
