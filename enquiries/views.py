from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from .forms import EnquiryForm
from .services import enquiry_submit

_SESSION_REFERENCE = "enquiry_reference"


@never_cache
def enquiry_create(request: HttpRequest) -> HttpResponse:
    form = EnquiryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        enquiry, _created = enquiry_submit(
            name=data["name"],
            phone=data["phone"],
            message=data["message"],
            submission_token=data["submission_token"],
        )
        # The reference travels in the session, never in the URL.
        request.session[_SESSION_REFERENCE] = enquiry.reference
        return redirect("enquiries:enquiry_thanks")
    context = {"form": form, "target_hours": settings.CALLBACK_TARGET_HOURS}
    return render(request, "enquiries/enquiry_form.html", context)


@never_cache
def enquiry_thanks(request: HttpRequest) -> HttpResponse:
    reference = request.session.get(_SESSION_REFERENCE)
    if not reference:
        return redirect("enquiries:enquiry_create")
    context = {"reference": reference, "target_hours": settings.CALLBACK_TARGET_HOURS}
    return render(request, "enquiries/enquiry_thanks.html", context)
