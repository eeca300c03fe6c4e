"""Places: an abstract base, multi-table inheritance three levels deep, a proxy, and a model pointing at a child."""

from django.db import models


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Address(models.Model):
    street = models.CharField(max_length=120)
    city = models.CharField(max_length=80)
    postcode = models.CharField(max_length=10)

    class Meta:
        abstract = True


class Place(TimeStamped, Address):
    name = models.CharField(max_length=80)

    def __str__(self):
        return self.name


class Restaurant(Place):
    serves_pizza = models.BooleanField(default=False)
    seats = models.PositiveSmallIntegerField()
    opens_at = models.TimeField()


class ItalianRestaurant(Restaurant):
    has_wood_oven = models.BooleanField()
    chef = models.CharField(max_length=80)


class Landmark(Place):
    """The same rows as Place, ordered by name: a proxy adds behaviour, never a table."""

    class Meta:
        proxy = True
        ordering = ["name"]


class Dish(models.Model):
    restaurant = models.ForeignKey(Restaurant, on_delete=models.CASCADE, related_name="dishes")
    name = models.CharField(max_length=80)
    vegetarian = models.BooleanField(default=False)
