app_name = "processing"
urlpatterns: list = []
