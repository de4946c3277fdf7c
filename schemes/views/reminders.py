"""Who has not answered (the programme's coordinators): each scheme's open tasks per
person with the last reminder sent, and the visits coming up (schemes/services/not_answered.py)."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from mentoring.access import programme_view
from mentoring.pages import paginate

from ..models import Scheme
from ..services.not_answered import not_answered

SCHEMES_PER_PAGE = 20


@require_safe
@programme_view("reminders")
def not_answered_view(request, programme, access):
    page_obj = paginate(
        request,
        Scheme.objects.filter(programme=programme).active().order_by("number").values_list("pk", flat=True),
        SCHEMES_PER_PAGE,
    )
    return render(
        request,
        "schemes/not_answered.html",
        {
            "programme": programme,
            "access": access,
            "page_obj": page_obj,
            "rows": not_answered(programme, schemes=list(page_obj.object_list)),
        },
    )
