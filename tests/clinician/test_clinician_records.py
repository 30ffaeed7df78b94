"""A psychologist's session dates, notes and thresholds are in their own data export and go with either account;
the patient's export says a signal was seen, never the note."""

from __future__ import annotations

from datetime import date

import pytest

from accounts.models import CareLink, User
from accounts.personal_data import personal_data_sections
from accounts.services import user_erase_confirmed
from emotions.models import BurnoutFlag, CareSession, FlagAcknowledgement, FlagThreshold
from emotions.services.clinician_records import clinician_record_export_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(link: CareLink, verified_psychologist: User) -> BurnoutFlag:
    flag = BurnoutFlag.objects.create(user=link.patient, rule=BurnoutFlag.Rule.CBI, value=70)
    CareSession.objects.create(link=link, on=date(2026, 3, 11))
    FlagAcknowledgement.objects.create(flag=flag, psychologist=verified_psychologist, note="Private note")
    FlagThreshold.objects.create(link=link, cbi_score=40)
    return flag


def test_each_side_exports_its_own_part(records: BurnoutFlag, link: CareLink, verified_psychologist: User) -> None:
    assert "clinician_records" in [section.name for section in personal_data_sections()]

    mine = clinician_record_export_rows(user=verified_psychologist)
    assert [row["kind"] for row in mine] == ["session", "flag_acknowledged", "own_thresholds"]
    assert mine[1]["note"] == "Private note"

    theirs = clinician_record_export_rows(user=link.patient)
    assert [row["kind"] for row in theirs] == ["your_flag_seen"]
    assert "Private note" not in str(theirs)


@pytest.mark.parametrize("who", ["patient", "psychologist"])
def test_erasing_either_account_removes_the_records(records: BurnoutFlag, link: CareLink, who: str) -> None:
    user_erase_confirmed(user=getattr(link, who), channel="web")

    assert not CareSession.objects.exists()
    assert not FlagAcknowledgement.objects.exists()
    assert not FlagThreshold.objects.exists()
