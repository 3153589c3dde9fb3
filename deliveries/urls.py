app_name = "deliveries"
urlpatterns: list = []
