"""The fixtures guide's ``create_sample_data`` loop, as the baseline to beat.

Object by object, as the guide writes it: ``get_or_create`` for every
category, tag and user, ``set_password`` and ``save`` for new users, and per
post a ``random.choice`` of title and tags, an ``exists()`` query for every
slug tried until one is free, ``create`` and ``tags.set``.
"""

from __future__ import annotations

import random

TOPICS = ["Django", "Python", "JavaScript", "React", "Vue.js", "Node.js", "PostgreSQL", "Docker", "AWS",
          "Machine Learning"]
TITLES = ["Introduction to {topic}", "Advanced {topic} Techniques", "Best Practices for {topic}",
          "Getting Started with {topic}", "Mastering {topic}", "Common {topic} Mistakes to Avoid",
          "The Future of {topic}", "Building Applications with {topic}", "Optimizing {topic} Performance",
          "Testing Strategies for {topic}"]
CATEGORIES = [("Technology", "technology", "Latest technology trends and news"),
              ("Programming", "programming", "Programming tutorials and tips"),
              ("Web Development", "web-development", "Frontend and backend development"),
              ("Data Science", "data-science", "Data analysis and machine learning"),
              ("Mobile Development", "mobile-development", "iOS and Android development")]
TAGS = [("Django", "django", "#092e20"), ("Python", "python", "#3776ab"), ("JavaScript", "javascript", "#f7df1e"),
        ("React", "react", "#61dafb"), ("Vue.js", "vuejs", "#4fc08d"), ("Node.js", "nodejs", "#339933"),
        ("PostgreSQL", "postgresql", "#336791"), ("Docker", "docker", "#2496ed"), ("AWS", "aws", "#ff9900"),
        ("Machine Learning", "machine-learning", "#ff6f00")]
CONTENT = """
{topic} is a powerful technology that has revolutionized the way we build applications.
In this comprehensive guide, we'll explore the key concepts and best practices.

## Getting Started

To begin working with {topic}, you'll need to understand the fundamental concepts.

## Conclusion

{topic} continues to evolve and remains an excellent choice for modern development.
"""


def create_sample_data(posts: int, users: int, seed: int = 0) -> None:
    from django.contrib.auth.models import User
    from django.utils import timezone

    from seedgen.demo.blog.models import Category, Post, Tag

    rng = random.Random(seed)
    categories = [Category.objects.get_or_create(slug=slug, defaults={"name": name, "description": text})[0]
                  for name, slug, text in CATEGORIES]
    tags = [Tag.objects.get_or_create(slug=slug, defaults={"name": name, "color": color})[0]
            for name, slug, color in TAGS]
    people = []
    for i in range(users):
        username = f"user_{i + 1}"
        user, created = User.objects.get_or_create(username=username, defaults={
            "first_name": "User", "last_name": f"{i + 1}", "email": f"{username}@example.com", "is_active": True})
        if created:
            user.set_password("password123")
            user.save()
        people.append(user)
    for _ in range(posts):
        topic = rng.choice(TOPICS)
        title = rng.choice(TITLES).format(topic=topic)
        slug = base = title.lower().replace(" ", "-").replace(",", "")
        counter = 1
        while Post.objects.filter(slug=slug).exists():
            slug = f"{base}-{counter}"
            counter += 1
        post = Post.objects.create(
            title=title, slug=slug, content=CONTENT.format(topic=topic), author=rng.choice(people),
            category=rng.choice(categories), status=rng.choice(["draft", "published", "published", "published"]),
            view_count=rng.randint(0, 1000), created_at=timezone.now() - timezone.timedelta(days=rng.randint(1, 365)),
        )
        post.tags.set(rng.sample(tags, rng.randint(1, 4)))
