"""The domain of a mentoring programme, one module per sub-domain."""

from .action_plans import (
    Action,
    ActionComment,
    ActionPlan,
    ActionPlanStatus,
    ActionPlanVersion,
    ActionStatus,
    ImplementationUpdate,
    Need,
    PlanConsultation,
)
from .attachments import Attachment
from .benchmark_stages import SchemeBenchmark
from .calls import ApplicationSide, ApplicationStatus, Call, CallApplication, CallSide
from .closing import (
    DisseminationOutput,
    EvaluationSide,
    GovernanceLevel,
    MentoringEvaluation,
    OutputKind,
    SupportGap,
)
from .invitations import Invitation
from .meetings import Meeting, MeetingPurpose
from .member_links import MemberLink, VisitReply
from .organisations import (
    Association,
    City,
    CivilSocietyOrganisation,
    FacilitatorOrganisation,
    GovernmentStructure,
    Network,
    Organisation,
    OrganisationKind,
    ServiceProvider,
)
from .practice import (
    CommitmentScope,
    GoodPractice,
    MentoringStyle,
    MentoringStyleAnswer,
    MentoringStyleResponse,
    PoliticalCommitment,
    SurveySide,
    TrainingSession,
)
from .programmes import (
    Programme,
    ProgrammeRole,
    ProgrammeRoleName,
    Scheme,
    SchemeFocus,
    SchemeKind,
    SchemeParty,
    SchemePhase,
    SchemeRole,
    SchemeRoleName,
    Side,
)
from .questionnaires import (
    Answer,
    Comment,
    FilledBy,
    Question,
    QuestionKind,
    QuestionnaireTemplate,
    Response,
    ResponseStatus,
    ResponseSubmission,
    TemplateKind,
    TemplateSection,
)
from .reminders import Reminder
from .self_assessments import ContextFactorNote, KeyFactorAssessment, Level, SelfAssessment, SelfAssessmentComment
from .support_groups import MAX_MEMBERS, LocalSupportGroup, LocalSupportGroupMember, StakeholderType
from .visit_reports import MAX_REPORT_TEXT, ReportItemKind, VisitReportItem
from .visits import AgendaItem, MeetingMode, SessionType, Visit, VisitDay, VisitKind, VisitStatus

__all__ = [name for name in dir() if not name.startswith("_")]
