"""The demo blog's one page: its posts in pk order, what the end-to-end browser test reads."""

from django.urls import path
from django.views.generic import ListView

from seedgen.demo.blog.models import Post

urlpatterns = [
    path("posts/", ListView.as_view(model=Post, ordering="pk"), name="post-list"),
]
