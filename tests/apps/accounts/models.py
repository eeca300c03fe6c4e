"""Accounts around the user model: a one-to-one profile, API tokens, teams with memberships, friends."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import RegexValidator
from django.db import models


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    # Nullable in the database for old rows, but a form (and full_clean) requires them: null is not blank.
    nickname = models.CharField(max_length=30, null=True, blank=False)
    birth_date = models.DateField(null=True, blank=False)
    theme_colour = models.CharField(max_length=7, default="#336699", validators=[RegexValidator(r"^#[0-9a-f]{6}$")])
    preferences = models.JSONField()  # blank=False: {} and [] are not valid
    history = models.JSONField(encoder=DjangoJSONEncoder, default=list, blank=True)
    friends = models.ManyToManyField("self", blank=True)  # symmetrical

    def __str__(self):
        return self.nickname or str(self.user)


class Token(models.Model):
    """One API token per user, the DRF authtoken way: a unique foreign key rather than a one-to-one."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, unique=True, related_name="+")
    key = models.CharField(max_length=40, unique=True)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.key


class Team(models.Model):
    name = models.CharField(max_length=60)
    slug = models.SlugField(unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Membership", related_name="teams")

    def __str__(self):
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        MAINTAINER = "maintainer", "Maintainer"
        MEMBER = "member", "Member"

    team = models.ForeignKey(Team, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    role = models.CharField(max_length=10, choices=Role.choices)
    joined_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="accounts_membership_once_per_team")]
