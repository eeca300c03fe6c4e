from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "seedgen.demo.blog"
    label = "blog"
    default_auto_field = "django.db.models.BigAutoField"
