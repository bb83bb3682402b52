from django.urls import path

from claimbridge.consultations import views

urlpatterns = [
    path("", views.ask, name="consult-ask"),
    path("faq/", views.faq, name="consult-faq"),
    path("inbox/", views.inbox, name="consult-inbox"),
    path("specialist/", views.specialist, name="consult-specialist"),
    path("specialists/", views.specialists, name="consult-specialists"),
    path("q/<str:number>/", views.detail, name="consult-detail"),
    path("q/<str:number>/rate/", views.rate, name="consult-rate"),
]
