"""REST API of the emotions app: send a photo, read assessments and dynamics; a psychologist's patients.

Views only route: Input serializers check the shape, services write, selectors read (and decide what a
person may see: another person's id is a 404); a service's Refusal is mapped by the API's exception handler.
Routes are in burnout_site/api_urls.py. One module per concern; this package re-exports the views the routes name.
"""

from __future__ import annotations

from .assessments import AssessmentDetailApi, AssessmentListApi, PhotoUploadApi
from .dynamics import DynamicsApi
from .feedback import AssessmentFeedbackApi
from .flags import FlagListApi
from .journal import JournalApi, SelfReportDetailApi
from .patients import PatientDynamicsApi, PatientListApi
from .reports import OwnReportApi, PatientReportApi
from .self_reports import CbiApi, SelfReportApi
from .sessions import BriefApi, SessionListApi

__all__ = [
    "AssessmentDetailApi",
    "AssessmentFeedbackApi",
    "AssessmentListApi",
    "BriefApi",
    "CbiApi",
    "DynamicsApi",
    "FlagListApi",
    "JournalApi",
    "OwnReportApi",
    "PatientDynamicsApi",
    "PatientListApi",
    "PatientReportApi",
    "PhotoUploadApi",
    "SelfReportApi",
    "SelfReportDetailApi",
    "SessionListApi",
]
