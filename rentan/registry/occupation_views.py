"""The job types and the other names people use for them (Program > Jenis pekerjaan): the
admin Dinas keeps the names a kelurahan writes, so the import and the form recognise them."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from rentan.accounts.access import Capability, requires
from rentan.registry import services
from rentan.registry.forms import OccupationAliasesForm
from rentan.registry.job_names import split_aliases
from rentan.registry.models import Occupation


@requires(Capability.MANAGE_PROGRAMME)
def occupation_list(request: HttpRequest) -> HttpResponse:
    occupations = Occupation.objects.prefetch_related("aliases").order_by("name")
    return render(request, "registry/occupation_list.html", {"occupations": occupations})


@requires(Capability.MANAGE_PROGRAMME)
def occupation_aliases(request: HttpRequest, code: str) -> HttpResponse:
    occupation = get_object_or_404(Occupation, code=code)
    current = [alias.name for alias in occupation.aliases.order_by("name")]
    form = OccupationAliasesForm(request.POST or None, initial={"aliases": "\n".join(current)})
    if request.method == "POST" and form.is_valid():
        try:
            kept = services.set_occupation_aliases(
                actor=request.user,
                occupation=occupation,
                aliases=split_aliases(form.cleaned_data["aliases"]),
            )
        except services.AliasesRejected as rejected:
            for issue in rejected.issues:
                form.add_error("aliases", issue.message)
            form.add_error(None, _("Tidak ada yang disimpan; perbaiki nama yang ditandai merah."))
        else:
            messages.success(
                request,
                _("Nama lain %(job)s disimpan: %(n)s nama.")
                % {"job": occupation.name, "n": len(kept)},
            )
            return redirect("registry:occupation_list")
    return render(
        request,
        "registry/occupation_aliases.html",
        {"occupation": occupation, "form": form},
    )
