from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("api/", include("blog.api.urls")),
    path("newsletter/", include("newsletter.urls")),
    path("", include("blog.urls")),
]
