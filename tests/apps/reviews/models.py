from django.db import models

from seedgen.demo.blog.models import Post


class ShoutField(models.CharField):
    """A third-party-style field that changes values on their way to the database."""

    def get_db_prep_value(self, value, connection, prepared=False):
        value = super().get_db_prep_value(value, connection, prepared)
        return value.upper() if isinstance(value, str) else value


class Review(models.Model):
    """Keeps its post alive: PROTECT, the rule --clear must not break."""

    post = models.ForeignKey(Post, on_delete=models.PROTECT)
    score = models.PositiveSmallIntegerField()
    note = ShoutField(max_length=50, default="")
