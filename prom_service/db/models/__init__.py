"""Every model, imported here so `Base.metadata` knows the whole schema."""

from prom_service.db.models.alert import Alert
from prom_service.db.models.api_client import ApiClient
from prom_service.db.models.audit import AuditEvent
from prom_service.db.models.community import Community, OutcomeSetVersion
from prom_service.db.models.cost import CostEvent
from prom_service.db.models.cost_summary import CostSummaryDay, EnrolmentCost, PatientLookbackCost
from prom_service.db.models.deprivation import DeprivationDecile
from prom_service.db.models.export_job import ExportJob
from prom_service.db.models.feed_event import FeedEvent
from prom_service.db.models.enrolment import Enrolment, GoalRating, PersonalGoal, PersonalWeights
from prom_service.db.models.enrolment_summary import EnrolmentSummary
from prom_service.db.models.inbound_sms import InboundSms
from prom_service.db.models.instrument_wording import InstrumentWording
from prom_service.db.models.invitation import Invitation, InvitationEvent
from prom_service.db.models.link_attempt import LinkAttempt
from prom_service.db.models.outbox import OutboxMessage
from prom_service.db.models.patient import Patient
from prom_service.db.models.response import Answer, Response
from prom_service.db.models.score import LifeImproverScore, Score
from prom_service.db.models.send_rate import SendRate
from prom_service.db.models.subscription import Subscription, WebhookDelivery
from prom_service.db.models.sms_simulator import SmsSimulatorMessage
from prom_service.db.models.team import Team, TeamMembership, User

__all__ = [
    "Alert", "Answer", "ApiClient", "AuditEvent", "Community", "CostEvent", "Enrolment", "GoalRating",
    "Invitation", "InvitationEvent", "LifeImproverScore", "OutboxMessage", "OutcomeSetVersion", "Patient",
    "PersonalGoal", "PersonalWeights", "Response", "Score", "Team", "TeamMembership", "User",
    "DeprivationDecile",
    "SmsSimulatorMessage",
    "InstrumentWording", "LinkAttempt",
    "InboundSms",
    "ExportJob", "FeedEvent", "Subscription", "WebhookDelivery",
    "CostSummaryDay", "EnrolmentCost", "PatientLookbackCost",
    "EnrolmentSummary",
    "SendRate",
]
