"""No views: the report only needs the apps' models, but Django wants a URLconf."""

urlpatterns: list = []
