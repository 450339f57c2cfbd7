from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rentan.reporting import selectors
from rentan.regions.models import Area


@login_required
def home(request: HttpRequest) -> HttpResponse:
    region = Area.objects.filter(code=settings.RENTAN_REGION_CODE).first()
    return render(
        request,
        "reporting/home.html",
        {
            "region": region,
            "figures": selectors.home_figures(),
        },
    )
