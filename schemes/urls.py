from django.urls import path

from . import views

app_name = "schemes"

urlpatterns = [
    path("<slug:programme>/", views.programme_detail, name="programme"),
    path("<slug:programme>/schemes/<int:number>/", views.scheme_detail, name="scheme"),
]
