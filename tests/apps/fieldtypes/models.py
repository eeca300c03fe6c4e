"""Every concrete field type of Django 5.2, required and nullable, every primary key kind and every shape of choices.

No ImageField: it needs Pillow, which the test environment does not install.
"""

from pathlib import Path
from uuid import uuid4

from django.db import models
from django.db.models import F
from django.db.models.functions import Lower, Now
from django.utils import timezone


def test_modules() -> str:
    """The directory FilePathField offers files from: the test suite's own modules."""
    return str(Path(__file__).resolve().parents[2])


def currencies() -> list[tuple[str, str]]:
    return [("EUR", "Euro"), ("USD", "US dollar"), ("JPY", "Yen")]


class Label(models.Model):
    id = models.SmallAutoField(primary_key=True)
    name = models.CharField(max_length=40, unique=True)

    def __str__(self):
        return self.name


class Document(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid4, editable=False)
    title = models.CharField(max_length=120)

    def __str__(self):
        return self.title


class Sample(models.Model):
    """Each type once required and once nullable (``_null``); the primary key is the settings' BigAutoField."""

    big_integer = models.BigIntegerField()
    big_integer_null = models.BigIntegerField(null=True, blank=True)
    small_integer = models.SmallIntegerField()
    small_integer_null = models.SmallIntegerField(null=True, blank=True)
    positive_big_integer = models.PositiveBigIntegerField()
    positive_big_integer_null = models.PositiveBigIntegerField(null=True, blank=True)
    positive_integer = models.PositiveIntegerField()
    positive_integer_null = models.PositiveIntegerField(null=True, blank=True)
    positive_small_integer = models.PositiveSmallIntegerField()
    positive_small_integer_null = models.PositiveSmallIntegerField(null=True, blank=True)
    integer = models.IntegerField()
    integer_null = models.IntegerField(null=True, blank=True)
    float = models.FloatField()
    float_null = models.FloatField(null=True, blank=True)
    decimal = models.DecimalField(max_digits=10, decimal_places=4)
    decimal_null = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    boolean = models.BooleanField()
    boolean_null = models.BooleanField(null=True, blank=True)
    char = models.CharField(max_length=100)
    char_null = models.CharField(max_length=100, null=True, blank=True)
    text = models.TextField()
    text_null = models.TextField(null=True, blank=True)
    slug = models.SlugField(unique=True)
    slug_null = models.SlugField(null=True, blank=True)
    email = models.EmailField()
    email_null = models.EmailField(null=True, blank=True)
    url = models.URLField()
    url_null = models.URLField(null=True, blank=True)
    uuid = models.UUIDField()
    uuid_null = models.UUIDField(null=True, blank=True)
    reference = models.UUIDField(default=uuid4, unique=True, editable=False)
    ip = models.GenericIPAddressField()
    ipv4 = models.GenericIPAddressField(protocol="IPv4")
    ipv6 = models.GenericIPAddressField(protocol="IPv6")
    ip_null = models.GenericIPAddressField(null=True, blank=True)
    date = models.DateField()
    date_null = models.DateField(null=True, blank=True)
    datetime = models.DateTimeField()
    datetime_null = models.DateTimeField(null=True, blank=True)
    time = models.TimeField()
    time_null = models.TimeField(null=True, blank=True)
    duration = models.DurationField()
    duration_null = models.DurationField(null=True, blank=True)
    binary = models.BinaryField()
    binary_null = models.BinaryField(null=True, blank=True)
    json = models.JSONField()
    json_null = models.JSONField(null=True, blank=True)
    file = models.FileField(upload_to="samples/")
    file_null = models.FileField(upload_to="samples/", null=True, blank=True)
    file_path = models.FilePathField(path=test_modules, match=r"^test_.*\.py$")
    file_path_null = models.FilePathField(path=test_modules, match=r"^test_.*\.py$", null=True, blank=True)
    char_lower = models.GeneratedField(expression=Lower("char"), output_field=models.CharField(max_length=100), db_persist=True)
    double_small = models.GeneratedField(expression=F("positive_small_integer") * 2, output_field=models.IntegerField(), db_persist=True)
    label = models.ForeignKey(Label, on_delete=models.CASCADE)
    document_null = models.ForeignKey(Document, null=True, blank=True, on_delete=models.SET_NULL)
    quantity = models.IntegerField(default=1)
    taken_at = models.DateTimeField(default=timezone.now)
    priority = models.SmallIntegerField(db_default=3)
    recorded_at = models.DateTimeField(db_default=Now())


class Ticket(models.Model):
    """Choices in every shape Django 5.2 accepts."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        WAITING = "waiting", "Waiting on customer"
        CLOSED = "closed", "Closed"

    class Priority(models.IntegerChoices):
        LOW = 1, "Low"
        NORMAL = 2, "Normal"
        URGENT = 3, "Urgent"

    SIZES = [("S", "Small"), ("M", "Medium"), ("L", "Large")]
    MEDIA = [
        ("Audio", [("vinyl", "Vinyl"), ("cd", "CD")]),
        ("Video", [("vhs", "VHS tape"), ("dvd", "DVD")]),
        ("unknown", "Unknown"),
    ]

    id = models.AutoField(primary_key=True)
    size = models.CharField(max_length=1, choices=SIZES)
    media = models.CharField(max_length=10, choices=MEDIA)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    priority = models.IntegerField(choices=Priority, db_default=Priority.NORMAL)
    currency = models.CharField(max_length=3, choices=currencies)
    colour = models.CharField(max_length=1, choices={"R": "Red", "G": "Green", "B": "Blue"})
    channel = models.CharField(max_length=5, choices={"Online": {"web": "Web", "app": "App"}, "Offline": {"phone": "Phone"}})
    resolution = models.CharField(max_length=10, choices=[("fixed", "Fixed"), ("wontfix", "Won't fix")], null=True, blank=True)
    label = models.ForeignKey(Label, on_delete=models.PROTECT, related_name="tickets")
