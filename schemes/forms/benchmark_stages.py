"""The benchmark stages of a scheme, and the focus key factors of one stage."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from benchmarks.models import BenchmarkStatus, BenchmarkVersion, KeyFactor
from mentoring.forms import ConcurrentEditMixin, PlainTextMixin
from mentoring.submissions import SubmitOnceMixin

from ..models import Scheme, SchemeBenchmark


def usable_benchmarks(programme, current=None):
    """The benchmark versions a scheme of ``programme`` may use: every published version
    and the programme's own drafts (another programme's draft is not offered, nor
    accepted), and ``current`` (the one a stage already uses)."""
    return (
        BenchmarkVersion.objects.filter(Q(status=BenchmarkStatus.PUBLISHED) | Q(programme=programme) | Q(pk=current or 0))
        .select_related("benchmark")
        .order_by("benchmark__slug", "-number")
    )


class BenchmarkStageForm(PlainTextMixin, ConcurrentEditMixin, SubmitOnceMixin, forms.ModelForm):
    """A stage: its name, the benchmark version it assesses against, its place in the
    order and the visit of the scheme it starts from."""

    class Meta:
        model = SchemeBenchmark
        fields = ["name", "benchmark", "order", "starts_from"]

    def __init__(self, *args, scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.scheme = scheme
        self.fields["benchmark"].queryset = usable_benchmarks(scheme.programme, self.instance.benchmark_id)
        self.fields["benchmark"].help_text = _(
            "A published benchmark or a draft of this programme: e.g. the general benchmark for the first part, "
            "a thematic one for the second."
        )
        self.fields["starts_from"].queryset = scheme.visits.order_by("order")
        self.fields["starts_from"].empty_label = _("From the start of the scheme")
        self.fields["order"].widget.attrs.update(min=1, max=20)
        if self.instance.pk is None and not self.is_bound:
            last = scheme.benchmark_stages.order_by("-order").values_list("order", flat=True).first()
            self.initial.setdefault("order", (last or (1 if scheme.benchmark_id else 0)) + 1)

    def clean_order(self):
        order = self.cleaned_data["order"]
        if not 1 <= order <= 20:
            raise ValidationError(_("Give a number from 1 to 20."))
        return order

    def clean_benchmark(self):
        benchmark = self.cleaned_data["benchmark"]
        others = self.scheme.benchmark_stages.exclude(pk=self.instance.pk)
        taken = others.filter(benchmark=benchmark).exists()
        if not taken and not others.exists() and self.instance.pk is None:
            # The scheme's single benchmark is its first stage, even before its row exists.
            taken = benchmark.pk == self.scheme.benchmark_id
        if taken:
            raise ValidationError(
                _("Another stage of this scheme already uses this benchmark: each stage assesses against its own.")
            )
        return benchmark


class StageFocusForm(ConcurrentEditMixin, forms.ModelForm):
    """The scope of one stage: the key factors of the stage's benchmark the mentoring
    focuses on. The focus of the other stages (key factors of other benchmarks) is kept
    as it is."""

    class Meta:
        model = Scheme
        fields = ["focus_key_factors"]
        widgets = {"focus_key_factors": forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})}

    def __init__(self, *args, benchmark, **kwargs):
        super().__init__(*args, **kwargs)
        self.benchmark = benchmark
        field = self.fields["focus_key_factors"]
        field.queryset = KeyFactor.objects.filter(version_id=benchmark.pk).order_by("order")
        field.label = _("Focus key factors")
        field.help_text = _("Usually two to four: what the action plan will address.")
        field.label_from_instance = lambda key_factor: f"{key_factor.number}. {key_factor.title}"

    def show(self, focus):
        """Tick this stage's key factors among ``focus`` (the scheme's focus key factors,
        read after the form's version, like every value an edit form shows)."""
        self.initial["focus_key_factors"] = [kf.pk for kf in focus if kf.version_id == self.benchmark.pk]

    def clean_focus_key_factors(self):
        chosen = self.cleaned_data["focus_key_factors"]
        if not chosen:
            raise ValidationError(_("Choose at least one key factor."), code="empty")
        # The other stages' focus, kept beside this stage's choice.
        kept = list(self.instance.focus_key_factors.exclude(version_id=self.benchmark.pk))
        return [*kept, *chosen]
