from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("profile/<str:username>/", views.profile, name="profile"),
    path("settings/", views.SettingsView.as_view(), name="settings"),
]
