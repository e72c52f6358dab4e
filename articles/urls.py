from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/", views.article_list, name="article_list"),
    path("articles/<slug:slug>/", views.article_detail, name="article_detail"),
    path(
        "articles/<slug:slug>/preview/", views.article_preview, name="article_preview"
    ),
    path("topics/<slug:slug>/", views.topic_detail, name="topic_detail"),
    path("reviewers/<slug:slug>/", views.reviewer_detail, name="reviewer_detail"),
    path("search/", views.search, name="search"),
]
