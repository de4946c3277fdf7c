"""Which steps of the process a scheme takes in: its **focus** and whether **the mentoring
ends with the final action plan** (issue 23: "the adaptations are labels").

The guide (seed 000 §6, "Possible adaptations of the mentoring process"): "A different
focus for mentoring: mentoring visits do not have to be focused specifically on action
planning. They can also be used to do needs analysis, review aspects of integration work
or as part of the evaluation of initiatives". And (seed 000 §5): "the mentoring process
can end with a finalised action plan, or can go beyond this and cover the implementation
phase. In the latter case, the mentor's role would be to support and help monitoring the
implementation of actions."

``FOCUS_STEPS`` is the one table: for each focus, the steps of the process
(schemes/services/progress.py, ``STEP_LABELS``) that apply. A step that does not apply is
neither shown on the scheme's timeline nor counted on the dashboard, and nobody is asked
to do it (my work, reminders, deadlines); its pages stay reachable, say at the top that
the step is outside the scheme's focus, and keep everything written there (changing the
focus back brings the step back as it was). Why each focus takes what it takes:
docs/method.md §3.4.

Nothing here reads the database.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import SchemeFocus

# Every step of the process, in its order (the keys of progress.STEP_LABELS).
ALL_STEPS = (
    "needs_analysis",
    "strengths",
    "pairing",
    "training",
    "scope",
    "support_group",
    "commitment",
    "visits",
    "action_plan",
    "approval",
    "implementation",
    "final_meeting",
    "evaluation",
    "dissemination",
    "support_gaps",
)
# Making the plan and carrying it out: only action planning has them. Political
# commitment goes with them: "This support should be both for developing and for the
# implementation of the action plan once approved" (seed 000 §4).
PLANNING_STEPS = ("commitment", "action_plan", "approval", "implementation")
# Carrying the approved plan out: what "ends with the final action plan" leaves out.
# (The closing review's final self-assessment round stays: "whether its action plan is
# completed or not, the implementing city can review progress in achieving its
# objectives or moving closer to the benchmark standard", seed 002.)
IMPLEMENTATION_STEPS = ("implementation",)


def _without(*keys):
    return tuple(step for step in ALL_STEPS if step not in keys)


FOCUS_STEPS = {
    # The whole process of the guide: preparation, visits, the plan, its approval and
    # implementation, the closing steps.
    SchemeFocus.ACTION_PLANNING: ALL_STEPS,
    # The visits "used to do needs analysis": the needs analysis is the outcome, with the
    # strengths of the mentor, the pairing, training, the scope ("a checklist for the
    # mentor and mentee city to identify their strong and weak points, and help to choose
    # a focus"), the local support group (it "will provide additional depth to the
    # analysis"), the visits and their reports; no action plan, so no approval,
    # implementation or political commitment to them.
    SchemeFocus.NEEDS_ANALYSIS: _without(*PLANNING_STEPS),
    # "Review aspects of integration work" and "the evaluation of initiatives": existing
    # work is assessed against the benchmark (the self-assessment of the scope step:
    # ImpleMentoring's toolkits serve "self-assessment within a single city, so that
    # departments can share viewpoints, review progress…" and "collecting baseline
    # evidence for monitoring and evaluation", seed 002), the visits end in the mentor's
    # recommendations ("identify key challenges and risks, and make recommendations to the
    # partner authority about the way forward"); there is no problem to analyse for a new
    # plan (no needs analysis) and no plan.
    SchemeFocus.REVIEW: _without("needs_analysis", *PLANNING_STEPS),
    SchemeFocus.EVALUATION: _without("needs_analysis", *PLANNING_STEPS),
}

ENDS_WITH_PLAN = _("The mentoring ends with the final action plan")


def steps_of(focus, ends_with_final_plan=False):
    """The steps a scheme with ``focus`` takes in, in the order of the process."""
    steps = FOCUS_STEPS.get(focus, ALL_STEPS)
    if ends_with_final_plan:
        steps = tuple(step for step in steps if step not in IMPLEMENTATION_STEPS)
    return steps


def steps_in_scope(scheme):
    return steps_of(scheme.focus, scheme.ends_with_final_plan)


def in_scope(scheme, step):
    return step in steps_in_scope(scheme)


def why_out(scheme, step):
    """Why ``step`` is outside ``scheme``, in a few words ("Focus: Needs analysis", "The
    mentoring ends with the final action plan"), or "" when it is in."""
    if in_scope(scheme, step):
        return ""
    if step in FOCUS_STEPS.get(scheme.focus, ALL_STEPS):
        return str(ENDS_WITH_PLAN)
    return _("Focus: %(focus)s") % {"focus": scheme.get_focus_display()}


def out_of_scope_notice(scheme, *steps):
    """What a page that belongs to ``steps`` says at its top when the first of them that
    is outside ``scheme`` is: "The action plan is outside this scheme's focus (Needs
    analysis)…", or "" when all are in."""
    for step in steps:
        if step not in ALL_STEPS or in_scope(scheme, step):
            continue
        if step in FOCUS_STEPS.get(scheme.focus, ALL_STEPS):  # out because the mentoring ends with the plan
            return _(
                "The mentoring of this scheme ends with the final action plan: implementation is outside it and is "
                "not counted in its progress. What is recorded here is kept and can still be followed."
            )
        return _(
            "This step is outside this scheme's focus (%(focus)s): it is not shown on the scheme's timeline, not "
            "counted in its progress and nobody is asked to do it. Everything written here is kept, and comes back "
            "if the focus changes."
        ) % {"focus": scheme.get_focus_display()}
    return ""


def scope_q(step, prefix="scheme__"):
    """A filter on rows whose scheme (reached through ``prefix``) takes ``step`` in: for
    queries that ask someone to do the step (deadlines)."""
    foci = [focus for focus, steps in FOCUS_STEPS.items() if step in steps]
    condition = Q(**{f"{prefix}focus__in": foci})
    if step in IMPLEMENTATION_STEPS:
        condition &= Q(**{f"{prefix}ends_with_final_plan": False})
    return condition
