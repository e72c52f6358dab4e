from django.urls import path

from . import views

app_name = "enquiries"

urlpatterns = [
    path("", views.enquiry_create, name="enquiry_create"),
    path("thank-you/", views.enquiry_thanks, name="enquiry_thanks"),
    path(
        "withdraw/email-me/",
        views.withdrawal_link_emailed,
        name="withdrawal_link_emailed",
    ),
    path("withdraw/<str:token>/", views.enquiry_withdraw_view, name="enquiry_withdraw"),
]
