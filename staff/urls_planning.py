"""Staff pages: urls_planning."""

urlpatterns: list = []
