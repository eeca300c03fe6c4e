from django.db import models

from seedgen.demo.blog.models import Post


class Review(models.Model):
    """Keeps its post alive: PROTECT, the rule --clear must not break."""

    post = models.ForeignKey(Post, on_delete=models.PROTECT)
    score = models.PositiveSmallIntegerField()
