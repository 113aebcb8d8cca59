from django.urls import path

from . import feeds, views

app_name = "blog"
urlpatterns = [
    path("", views.post_list, name="list"),
    path("tag/<slug:tag>/", views.post_list, name="by_tag"),
    path("<int:year>/<int:month>/<int:day>/<slug:slug>/", views.post_detail, name="detail"),
    path("search/", views.search, name="search"),
    path("stats/", views.stats, name="stats"),
    path("live/", views.live_counts, name="live"),
    path("feed/", feeds.LatestPostsFeed(), name="feed"),
]
