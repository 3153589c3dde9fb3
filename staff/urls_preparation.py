"""Staff pages: urls_preparation."""

urlpatterns: list = []
