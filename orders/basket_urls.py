app_name = "baskets"
urlpatterns: list = []
