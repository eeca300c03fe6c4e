"""A shop: brands, products, stock, sales and price lists, with the constraints real catalogs carry."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator, URLValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

HEX_COLOUR = RegexValidator(r"^#[0-9A-Fa-f]{6}$", "Enter a colour as #rrggbb.")
PART_NUMBER = RegexValidator(r"^[A-Z]{3}-\d{4}$", "Enter a part number like ABC-1234.")


class Brand(models.Model):
    # Unique whatever the case: "Acme" and "ACME" clash (not enforced by MariaDB, which has no expression indexes).
    name = models.CharField(max_length=80)
    website = models.CharField(max_length=200, validators=[URLValidator()])
    colour = models.CharField(max_length=7, validators=[HEX_COLOUR])

    class Meta:
        constraints = [models.UniqueConstraint(Lower("name"), name="catalog_brand_name_ci_unique")]

    def __str__(self):
        return self.name


class Product(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        RETIRED = "retired", "Retired"

    sku = models.CharField(max_length=13, unique=True)  # an EAN-13
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="products")
    name = models.CharField(max_length=120)
    part_number = models.CharField(max_length=8, validators=[PART_NUMBER])
    price = models.DecimalField(max_digits=8, decimal_places=2)
    discount = models.DecimalField(max_digits=3, decimal_places=3, default=Decimal("0.000"))  # a fraction below one
    tax_rate = models.DecimalField(max_digits=4, decimal_places=2,
                                   validators=[MinValueValidator(Decimal("0.00")), MaxValueValidator(Decimal("27.00"))])
    rating = models.FloatField(validators=[MinValueValidator(0.0), MaxValueValidator(5.0)])
    stock_alert = models.IntegerField(validators=[MinValueValidator(1), MaxValueValidator(500)])
    status = models.CharField(max_length=10, choices=Status.choices)
    weight_grams = models.PositiveIntegerField(null=True, blank=True)
    is_featured = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="catalog_product_price_not_negative"),
            models.CheckConstraint(condition=Q(status__in=["draft", "active", "retired"]), name="catalog_product_status_known"),
            models.CheckConstraint(condition=Q(weight_grams__isnull=True) | Q(weight_grams__gt=0),
                                   name="catalog_product_weight_positive_or_unknown"),
            # One featured product per brand (PostgreSQL and SQLite only: MariaDB has no partial indexes).
            models.UniqueConstraint(fields=["brand"], condition=Q(is_featured=True), name="catalog_product_one_featured_per_brand"),
        ]

    def __str__(self):
        return self.name


class Warehouse(models.Model):
    name = models.CharField(max_length=80)
    city = models.CharField(max_length=80)

    def __str__(self):
        return self.name


class Stock(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE)
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE)
    quantity = models.PositiveIntegerField(default=0)

    class Meta:
        unique_together = [("product", "warehouse")]


class Sale(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="sales")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    percent_off = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(90)])

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(ends_at__gte=F("starts_at")), name="catalog_sale_ends_after_start")]


class Price(models.Model):
    class Currency(models.TextChoices):
        EUR = "EUR", "Euro"
        USD = "USD", "US dollar"
        GBP = "GBP", "Pound sterling"

    class Region(models.TextChoices):
        NORTH = "N", "North"
        SOUTH = "S", "South"
        EAST = "E", "East"
        WEST = "W", "West"

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="prices")
    currency = models.CharField(max_length=3, choices=Currency.choices)
    region = models.CharField(max_length=1, choices=Region.choices)
    amount = models.DecimalField(max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product", "currency", "region"], name="catalog_price_one_per_market")]
