from django.urls import path

from . import views

app_name = "benchmarks"

urlpatterns = [
    path("", views.benchmark_list, name="list"),
    path("<slug:slug>/v<int:number>/", views.benchmark_detail, name="detail"),
    path("<slug:slug>/v<int:number>/booklet.pdf", views.benchmark_booklet, name="booklet"),
]
