"""Every table, re-exported so that Alembic and services import from one place.

One module per area; add yours with a single import line below.
"""

from app.models.accounts import (
    CareLink,
    LoginAttempt,
    PatientProfile,
    Role,
    User,
    UserSession,
)
from app.models.caseload import CaseloadDigest
from app.models.clinic import (
    AuditAction,
    AuditEvent,
    CareCourse,
    OneTimeLink,
    PracticeNote,
    TokenPurpose,
)
from app.models.consent import ConsentRecord
from app.models.diary import CrampEvent, MorningCheckIn
from app.models.entries import DeletedEntry
from app.models.intake import Intake
from app.models.plan import Completion, HabitSnapshot, PlanItem
from app.models.pwa import AppSecret, AppSettings, CalendarFeed, NightMode
from app.models.red_flags import DoctorVisit, FlagReview
from app.models.reminders import PushSubscription, ReminderDelivery, ReminderSettings
from app.models.types import UTCDateTime
