"""django-polymorphic models, and a custom user model's profile: what third-party inheritance brings."""

from django.db import models
from polymorphic.models import PolymorphicModel


class Shape(PolymorphicModel):
    """A polymorphic base: every row carries the content type of its own class."""

    name = models.CharField(max_length=50)


class Circle(Shape):
    radius = models.PositiveSmallIntegerField()


class Square(Shape):
    side = models.PositiveSmallIntegerField()


class Drawing(models.Model):
    """Points at shapes of any class through the base."""

    title = models.CharField(max_length=80)
    shape = models.ForeignKey(Shape, on_delete=models.CASCADE, related_name="drawings")
