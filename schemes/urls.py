"""Programme and scheme pages: /programmes/<slug>/..., /programmes/<slug>/schemes/<n>/..."""

from django.urls import include, path

from benchmarks.urls import editor_urlpatterns

from .models import TemplateKind
from .views import (
    action_plans,
    assessments,
    attachments,
    benchmark_stages,
    calls,
    city_join,
    closing,
    closing_records,
    commitments,
    dashboard,
    matching,
    meetings,
    organisations,
    people,
    plan_revisions,
    practices,
    programmes,
    questionnaires,
    reminders,
    schemes,
    support_groups,
    template_translations,
    templates,
    training,
    visit_reports,
    visits,
    waiting,
)

app_name = "schemes"


def questionnaire_urls(kind, name):
    """The pages of one kind of questionnaire of one city of the scheme."""
    extra = {"kind": kind}
    return [
        path("", questionnaires.questionnaire_overview, extra, name=name),
        path("sections/<slug:section>/", questionnaires.questionnaire_section, extra, name=f"{name}_section"),
        path("sections/<slug:section>/comments/", questionnaires.questionnaire_comment, extra, name=f"{name}_comment"),
        path("comments/<int:comment>/reply/", questionnaires.questionnaire_comment_reply, extra, name=f"{name}_comment_reply"),
        path(
            "comments/<int:comment>/resolve/", questionnaires.questionnaire_comment_resolve, extra, name=f"{name}_comment_resolve"
        ),
        path("submit/", questionnaires.questionnaire_submit, extra, name=f"{name}_submit"),
        path("reopen/", questionnaires.questionnaire_reopen, extra, name=f"{name}_reopen"),
        path("submitted/<int:submission>/", questionnaires.questionnaire_submission, extra, name=f"{name}_submission"),
        path("history/", questionnaires.questionnaire_history, extra, name=f"{name}_history"),
        path("document.pdf", questionnaires.questionnaire_pdf, extra, name=f"{name}_pdf"),
    ]


visit_urls = [
    path("", visits.visit_list, name="visits"),
    path("new/", visits.visit_create, name="visit_create"),
    path("calendar.ics", visits.scheme_ics, name="visits_ics"),
    path("<int:visit>/", visits.visit_detail, name="visit"),
    path("<int:visit>/edit/", visits.visit_edit, name="visit_edit"),
    path("<int:visit>/confirm/", visits.visit_confirm_view, name="visit_confirm"),
    path("<int:visit>/record/", visits.visit_record, name="visit_record"),
    path("<int:visit>/move/", visits.visit_move_view, name="visit_move"),
    path("<int:visit>/delete/", visits.visit_delete, name="visit_delete"),
    path("<int:visit>/history/", visits.visit_history, name="visit_history"),
    path("<int:visit>/history/<int:history_id>/restore/", visits.visit_restore, name="visit_restore"),
    path("<int:visit>/agenda.pdf", visits.agenda_pdf, name="visit_agenda_pdf"),
    path("<int:visit>/visit.ics", visits.visit_ics, name="visit_ics"),
    path("<int:visit>/sessions/new/", visits.session_create, name="session_create"),
    path("<int:visit>/sessions/<int:session>/", visits.session_edit, name="session"),
    path("<int:visit>/sessions/<int:session>/move/", visits.session_move_view, name="session_move"),
    path("<int:visit>/sessions/<int:session>/delete/", visits.session_delete, name="session_delete"),
    # Visits that start from the method (issue 22): the seed's agenda elements as sessions.
    path("<int:visit>/agenda/from-method/", visits.agenda_from_method, name="visit_agenda_from_method"),
]

action_plan_urls = [
    path("", action_plans.plan_detail, name="action_plan"),
    path("needs/", action_plans.needs_edit, name="action_plan_needs"),
    path("actions/new/", action_plans.action_create, name="action_create"),
    path("actions/<int:pk>/", action_plans.action_edit, name="action"),
    path("actions/<int:pk>/move/", action_plans.action_move_view, name="action_move"),
    path("actions/<int:pk>/delete/", action_plans.action_delete_view, name="action_delete"),
    path("actions/<int:pk>/updates/new/", action_plans.update_create, name="action_update_create"),
    path("actions/<int:pk>/comments/new/", action_plans.action_comment, name="action_comment"),
    path("versions/", action_plans.versions_page, name="action_plan_versions"),
    path("versions/freeze/", action_plans.version_freeze_view, name="action_plan_freeze"),
    path("versions/<int:version>/", action_plans.version_detail, name="action_plan_version"),
    path("compare/", action_plans.version_compare, name="action_plan_compare"),
    path("submit/", action_plans.plan_submit_view, name="action_plan_submit"),
    path("reopen/", action_plans.plan_reopen_view, name="action_plan_reopen"),
    path("approve/", action_plans.plan_approve_view, name="action_plan_approve"),
    path("action-plan.pdf", action_plans.plan_pdf, name="action_plan_pdf"),
    path("actions.csv", action_plans.plan_csv, name="action_plan_csv"),
    path("actions.xlsx", action_plans.plan_xlsx, name="action_plan_xlsx"),
    # A plan written together (issue 23): needs taken from the needs analysis, and the
    # consultation of departments and partners on the draft.
    path("needs/take/", action_plans.need_take_view, name="plan_need_take"),
    path("needs/<int:pk>/update/", action_plans.need_refresh_view, name="plan_need_refresh"),
    path("consultations/", action_plans.consultations_page, name="plan_consultations"),
    path("consultations/new/", action_plans.consultation_create, name="plan_consultation_create"),
    path("consultations/<int:pk>/", action_plans.consultation_edit, name="plan_consultation_edit"),
    path("consultations/<int:pk>/delete/", action_plans.consultation_delete, name="plan_consultation_delete"),
    path("consultations/<int:pk>/history/", action_plans.consultation_history, name="plan_consultation_history"),
    path(
        "consultations/<int:pk>/history/<int:history_id>/restore/",
        action_plans.consultation_restore,
        name="plan_consultation_restore",
    ),
    # Revisions of an approved plan (issue 23): start one; each approved version printed.
    path("revision/start/", plan_revisions.revision_start_view, name="action_plan_revision_start"),
    path("versions/<int:version>/version.pdf", plan_revisions.version_pdf, name="action_plan_version_pdf"),
]

scheme_urls = [
    path("visits/", include(visit_urls)),
    path("action-plan/", include(action_plan_urls)),
    # A community of practice's plans (issue 23): each peer city's own plan, the same
    # pages under the city's id, named city_<name> (schemes.views.community_plans).
    path("action-plan/<int:city>/", include([path(str(p.pattern), p.callback, name=f"city_{p.name}") for p in action_plan_urls])),
    # ... and its peers comment on each city's self-assessment.
    path("self-assessment/<int:organisation>/comments/", assessments.self_assessment_comment, name="self_assessment_comment"),
    path("", schemes.scheme_detail, name="scheme"),
    path("edit/", schemes.scheme_edit, name="scheme_edit"),
    path("parties/", schemes.scheme_parties, name="scheme_parties"),
    path("archive/", schemes.scheme_archive, name="scheme_archive"),
    path("history/", schemes.scheme_history, name="scheme_history"),
    path("evidence-pack.zip", schemes.evidence_pack_download, name="evidence_pack"),
    path("history/<int:history_id>/restore/", schemes.scheme_restore, name="scheme_restore"),
    path("people/", people.scheme_people, name="scheme_people"),
    path("people/invite-several/", people.scheme_people_bulk, name="scheme_people_bulk"),
    path("remind/<slug:document>/<int:organisation>/", waiting.polite_reminder, name="polite_reminder"),
    path("people/<int:pk>/remove/", people.scheme_role_remove, name="scheme_role_remove"),
    path("invitations/<int:pk>/withdraw/", people.scheme_invitation_withdraw, name="scheme_invitation_withdraw"),
    path("needs-analysis/<int:organisation>/", include(questionnaire_urls(TemplateKind.NEEDS_ANALYSIS, "needs_analysis"))),
    path("strengths/<int:organisation>/", include(questionnaire_urls(TemplateKind.STRENGTHS, "strengths"))),
    path("strengths/<int:organisation>/good-practices/", questionnaires.strengths_practices, name="strengths_practices"),
    # Pages at a glance (issue 26): a good practice recorded and attached from the strengths page.
    path(
        "strengths/<int:organisation>/good-practices/new/",
        questionnaires.strengths_practice_create,
        name="strengths_practice_create",
    ),
    path("self-assessment/", assessments.self_assessments, name="self_assessments"),
    path("focus/", assessments.scheme_focus, name="scheme_focus"),
    path("self-assessment/report.pdf", assessments.self_assessment_report, name="self_assessment_report"),
    path("self-assessment/<int:organisation>/", assessments.self_assessment, name="self_assessment"),
    path("self-assessment/<int:organisation>/pages/<int:page>/", assessments.self_assessment, name="self_assessment_page"),
    path("self-assessment/<int:organisation>/submit/", assessments.self_assessment_submit, name="self_assessment_submit"),
    path(
        "self-assessment/<int:organisation>/new-round/", assessments.self_assessment_new_round, name="self_assessment_new_round"
    ),
    path("support-groups/<int:organisation>/", support_groups.support_group, name="support_group"),
    path("support-groups/<int:organisation>/roster.pdf", support_groups.support_group_roster, name="support_group_roster"),
    path(
        "support-groups/<int:organisation>/members/<int:pk>/edit/",
        support_groups.support_group_member_edit,
        name="support_group_member_edit",
    ),
    path(
        "support-groups/<int:organisation>/members/<int:pk>/delete/",
        support_groups.support_group_member_delete,
        name="support_group_member_delete",
    ),
    path(
        "support-groups/<int:organisation>/members/<int:pk>/link/",
        support_groups.support_group_member_link,
        name="support_group_member_link",
    ),
    path(
        "support-groups/<int:organisation>/members/<int:pk>/link/revoke/",
        support_groups.support_group_member_link_revoke,
        name="support_group_member_link_revoke",
    ),
    path("attachments/<slug:kind>/<int:target>/add/", attachments.attachment_add_view, name="attachment_add"),
    path("attachments/<int:pk>/", attachments.attachment_download, name="attachment"),
    path("attachments/<int:pk>/remove/", attachments.attachment_remove_view, name="attachment_remove"),
    path("commitments/new/", commitments.commitment_create, name="commitment_create"),
    path("commitments/<int:pk>/edit/", commitments.commitment_edit, name="commitment_edit"),
    path("commitments/<int:pk>/delete/", commitments.commitment_delete, name="commitment_delete"),
    path("commitments/<int:pk>/history/", commitments.commitment_history, name="commitment_history"),
    path("commitments/<int:pk>/history/<int:history_id>/restore/", commitments.commitment_restore, name="commitment_restore"),
    # Meetings between the visits (issue 22).
    path("meetings/", meetings.meeting_list, name="meetings"),
    path("meetings/new/", meetings.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/delete/", meetings.meeting_delete, name="meeting_delete"),
    path("meetings/<int:pk>/history/", meetings.meeting_history, name="meeting_history"),
    path("meetings/<int:pk>/history/<int:history_id>/restore/", meetings.meeting_restore, name="meeting_restore"),
    path("meetings/<int:pk>/meeting.ics", meetings.meeting_ics, name="meeting_ics"),
    # Visit reports: challenges, risks, recommendations, the mentee city's responses, the PDF,
    # and a recommendation made a draft action of the plan.
    path("visits/<int:visit>/report/", visit_reports.visit_report, name="visit_report"),
    path("visits/<int:visit>/report/report.pdf", visit_reports.visit_report_pdf, name="visit_report_pdf"),
    path("visits/<int:visit>/report/items/new/", visit_reports.item_create, name="visit_report_item_create"),
    path("visits/<int:visit>/report/items/<int:item>/edit/", visit_reports.item_edit, name="visit_report_item_edit"),
    path("visits/<int:visit>/report/items/<int:item>/delete/", visit_reports.item_delete, name="visit_report_item_delete"),
    path(
        "visits/<int:visit>/report/items/<int:item>/respond/", visit_reports.item_respond_view, name="visit_report_item_respond"
    ),
    path("visits/<int:visit>/report/items/<int:item>/history/", visit_reports.item_history, name="visit_report_item_history"),
    path(
        "visits/<int:visit>/report/items/<int:item>/history/<int:history_id>/restore/",
        visit_reports.item_restore,
        name="visit_report_item_restore",
    ),
    path("visits/<int:visit>/report/items/<int:item>/action/", visit_reports.item_to_action, name="visit_report_item_action"),
    # The closing review and the scheme's closing report (issue 22).
    path("closing/review/", closing.closing_review, name="closing_review"),
    path("closing/report.pdf", closing.closing_report_pdf, name="closing_report_pdf"),
    path("closing/report.xlsx", closing.closing_report_xlsx, name="closing_report_xlsx"),
    # The closing stage's records (issue 22): evaluations, dissemination outputs, support gaps.
    path("closing/", closing_records.closing_page, name="closing"),
    path("closing/evaluation/<slug:side>/", closing_records.evaluation_edit, name="evaluation_edit"),
    path("closing/evaluation/<slug:side>/submit/", closing_records.evaluation_submit, name="evaluation_submit"),
    path("closing/evaluation/<slug:side>/reopen/", closing_records.evaluation_reopen, name="evaluation_reopen"),
    path("closing/evaluation/<slug:side>/history/", closing_records.evaluation_history, name="evaluation_history"),
    path("closing/outputs/new/", closing_records.output_create, name="dissemination_create"),
    path("closing/outputs/<int:pk>/edit/", closing_records.output_edit, name="dissemination_edit"),
    path("closing/outputs/<int:pk>/delete/", closing_records.output_delete, name="dissemination_delete"),
    path("closing/outputs/<int:pk>/history/", closing_records.output_history, name="dissemination_history"),
    path(
        "closing/outputs/<int:pk>/history/<int:history_id>/restore/", closing_records.output_restore, name="dissemination_restore"
    ),
    path("closing/support-gaps/new/", closing_records.gap_create, name="support_gap_create"),
    path("closing/support-gaps/<int:pk>/edit/", closing_records.gap_edit, name="support_gap_edit"),
    path("closing/support-gaps/<int:pk>/delete/", closing_records.gap_delete, name="support_gap_delete"),
    path("closing/support-gaps/<int:pk>/history/", closing_records.gap_history, name="support_gap_history"),
    path(
        "closing/support-gaps/<int:pk>/history/<int:history_id>/restore/", closing_records.gap_restore, name="support_gap_restore"
    ),
    # A benchmark per stage (issue 22): the general benchmark first, a thematic one later.
    path("stages/", benchmark_stages.stage_list, name="benchmark_stages"),
    path("stages/new/", benchmark_stages.stage_create, name="benchmark_stage_create"),
    path("stages/<int:pk>/edit/", benchmark_stages.stage_edit, name="benchmark_stage_edit"),
    path("stages/<int:pk>/delete/", benchmark_stages.stage_delete, name="benchmark_stage_delete"),
    path("stages/<int:pk>/history/", benchmark_stages.stage_history, name="benchmark_stage_history"),
    path("stages/<int:pk>/history/<int:history_id>/restore/", benchmark_stages.stage_restore, name="benchmark_stage_restore"),
]

organisation_urls = [
    path("", organisations.organisation_list, name="organisations"),
    path("new/", organisations.organisation_create, name="organisation_create"),
    path("<int:pk>/", organisations.organisation_detail, name="organisation"),
    path("<int:pk>/edit/", organisations.organisation_edit, name="organisation_edit"),
    path("<int:pk>/history/", organisations.organisation_history, name="organisation_history"),
    path("<int:pk>/history/<int:history_id>/restore/", organisations.organisation_restore, name="organisation_restore"),
    # A city already known to the site joins this programme (issue 26)
    path("find/", city_join.organisation_find, name="organisation_find"),
    path("find/add/", city_join.organisation_add, name="organisation_add"),
]

practice_urls = [
    path("", practices.good_practice_list, name="good_practices"),
    path("new/", practices.good_practice_create, name="good_practice_create"),
    path("<int:pk>/", practices.good_practice_detail, name="good_practice"),
    path("<int:pk>/edit/", practices.good_practice_edit, name="good_practice_edit"),
    path("<int:pk>/history/", practices.good_practice_history, name="good_practice_history"),
    path("<int:pk>/history/<int:history_id>/restore/", practices.good_practice_restore, name="good_practice_restore"),
    path("<int:pk>/document.pdf", practices.good_practice_pdf, name="good_practice_pdf"),
    path("<int:pk>/attachments/add/", attachments.practice_attachment_add, name="practice_attachment_add"),
    path("attachments/<int:pk>/", attachments.practice_attachment_download, name="practice_attachment"),
    path("attachments/<int:pk>/remove/", attachments.practice_attachment_remove, name="practice_attachment_remove"),
]

template_urls = [
    path("", templates.template_list, name="templates"),
    path("<int:pk>/", templates.template_detail, name="template"),
    path("<int:pk>/adapt/", templates.template_adapt_view, name="template_adapt"),
    path("<int:pk>/blank.pdf", templates.template_blank_pdf, name="template_blank_pdf"),
    # Translations of a programme's own template (issue 24).
    path("<int:pk>/translations/", template_translations.template_translations, name="template_translations"),
    path(
        "<int:pk>/translations/<str:language>/",
        template_translations.template_translation_edit,
        name="template_translation_edit",
    ),
    path("<int:pk>/sections/<slug:section>/questions/new/", templates.question_create, name="template_question_create"),
    path("<int:pk>/questions/<int:question>/edit/", templates.question_edit, name="template_question_edit"),
    path("<int:pk>/questions/<int:question>/move/", templates.question_move_view, name="template_question_move"),
    path("<int:pk>/questions/<int:question>/hide/", templates.question_hide_view, name="template_question_hide"),
    # Rewording a template's guidance and sections (issue 23: the annexes adapted like the needs analysis)
    path("<int:pk>/edit/", templates.template_wording_edit, name="template_edit"),
    path("<int:pk>/sections/<slug:section>/edit/", templates.section_edit, name="template_section_edit"),
]

training_urls = [
    path("", training.training_list, name="training_sessions"),
    path("new/", training.training_create, name="training_create"),
    path("<int:pk>/", training.training_detail, name="training_session"),
    path("<int:pk>/edit/", training.training_edit, name="training_edit"),
    path("<int:pk>/survey/", training.training_survey, name="training_survey"),
    # The training carries the method: the key points of mentoring, shown and printed (issue 23).
    path("key-points/", training.training_key_points, name="training_key_points"),
    path("key-points.pdf", training.training_key_points_pdf, name="training_key_points_pdf"),
]

# Calls for mentors and mentees (issue 23): the coordinators' pages; the public page of
# a call is /calls/<token>/ (mentoring/urls.py).
call_urls = [
    path("", calls.call_list, name="calls"),
    path("new/", calls.call_create, name="call_create"),
    path("<int:pk>/", calls.call_detail, name="call"),
    path("<int:pk>/edit/", calls.call_edit, name="call_edit"),
    path("<int:pk>/close/", calls.call_close_view, name="call_close"),
    path("<int:pk>/history/", calls.call_history, name="call_history"),
    path("<int:pk>/history/<int:history_id>/restore/", calls.call_restore, name="call_restore"),
    path("<int:pk>/applications/<int:application>/", calls.application_detail, name="call_application"),
    path("<int:pk>/applications/<int:application>/accept/", calls.application_accept_view, name="call_application_accept"),
    path("<int:pk>/applications/<int:application>/decline/", calls.application_decline_view, name="call_application_decline"),
    path("<int:pk>/applications/<int:application>/history/", calls.application_history, name="call_application_history"),
]

programme_urls = [
    path("", programmes.programme_detail, name="programme"),
    path("edit/", programmes.programme_edit, name="programme_edit"),
    path("dashboard/", dashboard.programme_dashboard, name="dashboard"),
    path("dashboard.csv", dashboard.dashboard_csv, name="dashboard_csv"),
    path("dashboard.xlsx", dashboard.dashboard_xlsx, name="dashboard_xlsx"),
    path("reminders/", reminders.not_answered_view, name="not_answered"),
    path("archive/", programmes.programme_archive, name="programme_archive"),
    path("history/", programmes.programme_history, name="programme_history"),
    path("history/<int:history_id>/restore/", programmes.programme_restore, name="programme_restore"),
    path("people/", people.programme_people, name="programme_people"),
    path("people/invite-several/", people.programme_people_bulk, name="programme_people_bulk"),
    path("people/<int:pk>/remove/", people.programme_role_remove, name="programme_role_remove"),
    path("invitations/<int:pk>/withdraw/", people.programme_invitation_withdraw, name="programme_invitation_withdraw"),
    path("organisations/", include(organisation_urls)),
    path("good-practices/", include(practice_urls)),
    path("templates/", include(template_urls)),
    path("benchmarks/", include(editor_urlpatterns)),
    path("self-assessment/", assessments.programme_self_assessments, name="programme_self_assessments"),
    path("training/", include(training_urls)),
    path("matching/", matching.matching_list, name="matching"),
    path("matching/<int:organisation>/", matching.matching_detail, name="matching_detail"),
    path("matching/<int:organisation>/pair/", matching.matching_pair, name="matching_pair"),
    path("calls/", include(call_urls)),  # issue 23
    # The programme report for the people who fund and govern the programme (issue 22).
    path("report.pdf", closing.programme_report, name="programme_report"),
    path("report.xlsx", closing.programme_report_xlsx, name="programme_report_xlsx"),
    path("schemes/new/", schemes.scheme_create_view, name="scheme_create"),
    path("schemes/<int:number>/", include(scheme_urls)),
]

urlpatterns = [
    path("", programmes.programme_list, name="programme_list"),
    path("new/", programmes.programme_create_view, name="programme_create"),
    path("<slug:programme>/", include(programme_urls)),
]
