"""Factories for the demo blog, drawing on the same value sources as the profiles.

For per-test objects, beside seeded bulk data: ``PostFactory(author=user)`` saves
one post (with a user, category and 1-4 tags of its own unless given), ``.build()``
makes one unsaved. ``seed(n)`` makes them reproducible; seedgen reseeds them per
row when a profile names one (``factory: factories.blog.PostFactory``).
"""

from __future__ import annotations

import factory
import factory.random
from django.contrib.auth.models import User
from django.utils.text import slugify

from seedgen.demo.blog.models import Category, Post, Tag

TOPICS = ["Django", "Python", "JavaScript", "React", "Vue.js", "Node.js", "PostgreSQL", "Docker", "AWS",
          "Machine Learning"]
TITLES = ["Introduction to {topic}", "Advanced {topic} Techniques", "Best Practices for {topic}",
          "Getting Started with {topic}", "Mastering {topic}", "The Future of {topic}"]


def seed(value: int) -> None:
    """Seed every factory (and their Faker) at once."""
    factory.random.reseed_random(value)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user_{n + 1}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("password123")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n + 1}")
    slug = factory.LazyAttribute(lambda c: slugify(c.name))
    description = factory.Faker("sentence")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Tag {n + 1}")
    slug = factory.LazyAttribute(lambda t: slugify(t.name))
    color = factory.Faker("hex_color")


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    class Params:
        topic = factory.Faker("random_element", elements=TOPICS)

    title = factory.LazyAttribute(lambda p: factory.random.randgen.choice(TITLES).format(topic=p.topic))
    slug = factory.Sequence(lambda n: f"post-{n + 1}")
    content = factory.Faker("paragraph", nb_sentences=6)
    author = factory.SubFactory(UserFactory)
    category = factory.SubFactory(CategoryFactory)
    status = factory.Faker("random_element", elements=["draft", "published", "published", "published"])
    view_count = factory.Faker("random_int", min=0, max=1000)

    @factory.post_generation
    def tags(self, create: bool, extracted, **kwargs) -> None:
        """1-4 tags on a created post; ``tags=[...]`` picks them. A built post has none."""
        if not create:
            return
        if extracted is not None:
            self.tags.set(extracted)
            return
        count = factory.random.randgen.randint(1, 4)
        self.tags.set(TagFactory.create_batch(count))
