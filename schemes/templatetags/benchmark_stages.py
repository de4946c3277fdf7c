"""``{% benchmark_stages scheme %}``: the scheme's stages with their benchmarks and the
visits they start from (one query), for pages whose view does not read them."""

from django import template

from ..services.benchmark_stages import stage_in_force, stages_of

register = template.Library()


@register.inclusion_tag("benchmark_stages/_stages.html", takes_context=True)
def benchmark_stages(context, scheme):
    stages = [stage for stage in stages_of(scheme) if stage.pk is not None]
    return {
        "stages": stages,
        "in_force": stage_in_force(stages),
        "scheme": scheme,
        "programme": scheme.programme,
        "access": context.get("access"),
    }
