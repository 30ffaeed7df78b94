"""The psychologist's portal: gating, the patient list (flags, colours, sorting, constant queries),
the read-only detail, audit lines, and the access matrix over every portal URL."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from accounts.models import AuditEvent, CareLink, User
from emotions.models import PhotoAssessment
from emotions.selectors import portal_patient_row_list
from emotions.services import burnout_flag_evaluate
from tests.conftest import link_patient, two_factor_client_for
from tests.factories import PsychologistFactory, PsychologistProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def _photos(patient: User, *, negative: int, other: int, days_ago: float, status: str = "done") -> None:
    at = timezone.now() - timedelta(days=days_ago)
    rows = [
        PhotoAssessment(
            user=patient,
            captured_at=at,
            status=status,
            label="sad" if index < negative else "happy",
            valence="negative" if index < negative else "positive",
            negativity=0.9 if index < negative else 0.1,
            faces_found=1,
        )
        for index in range(negative + other)
    ]
    PhotoAssessment.objects.bulk_create(rows)


# --- gating ----------------------------------------------------------------------------------------------


def test_a_psychologist_without_licence_details_is_sent_to_the_form(psychologist_client: Client) -> None:
    response = psychologist_client.get(reverse("portal:patients"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:psychologist_profile")


def test_an_unverified_psychologist_sees_only_the_pending_page(client: Client) -> None:
    profile = PsychologistProfileFactory(verified_at=None)
    client.force_login(profile.user)

    response = client.get(reverse("portal:patients"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("accounts:psychologist_pending")
    assert "Pending verification" in response.content.decode()
    # Even with a patient's id: the pending page, nothing of the patient.
    patient = UserFactory(first_name="Hidden")
    CareLink.objects.create(patient=patient, psychologist=profile.user)
    detail = client.get(reverse("portal:patient_detail", args=[patient.pk]))
    assert detail.status_code == 302 and detail["Location"] == reverse("accounts:psychologist_pending")


def test_a_verified_psychologist_must_set_up_two_factor_first(client: Client, verified_psychologist: User) -> None:
    client.force_login(verified_psychologist)
    response = client.get(reverse("portal:patients"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:otp_setup"))


def test_with_a_device_but_no_code_this_session_the_code_is_asked(client: Client, verified_psychologist: User) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=verified_psychologist, name="phone", confirmed=True)
    client.force_login(verified_psychologist)
    response = client.get(reverse("portal:patients"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:otp_verify"))


# --- the list ------------------------------------------------------------------------------------------


def test_list_shows_only_active_patients_with_their_numbers(portal_client: Client, verified_psychologist: User) -> None:
    mine = UserFactory(first_name="Alma")
    link_patient(mine, verified_psychologist)
    _photos(mine, negative=4, other=1, days_ago=1)  # 80 % now
    _photos(mine, negative=1, other=3, days_ago=20)  # 25 % before: +55 points
    burnout_flag_evaluate(user=mine)  # "Needs attention" shows the open flags the rules raised
    revoked = UserFactory(first_name="Bruno")
    CareLink.objects.create(patient=revoked, psychologist=verified_psychologist, status="revoked")
    stranger = UserFactory(first_name="Cleo")
    link_patient(stranger, PsychologistProfileFactory().user)

    response = portal_client.get(reverse("portal:patients"))
    body = html.unescape(response.content.decode())

    assert response.status_code == 200
    assert "Alma" in body and "Bruno" not in body and "Cleo" not in body
    row = response.context["rows"][0]
    assert row.recent_percent == 80 and row.change_points == 55 and row.flagged and row.recency == "green"
    assert "Needs attention" in body and "+55" in body


@pytest.mark.parametrize(
    ("recent", "previous", "flagged"),
    [
        ((3, 2, 1), None, True),  # 60 % of 5: both thresholds reached exactly
        ((3, 3, 1), None, False),  # 50 % of 6
        ((3, 1, 1), None, False),  # 75 % but only 4 photos, no earlier period to rise from
        ((2, 3, 1), (0, 5, 20), True),  # 40 % vs 0 %: a rise of 40 points
        ((4, 6, 1), (2, 8, 20), True),  # 40 % vs 20 %: a rise of exactly 20 points
        ((3, 7, 1), (2, 8, 20), False),  # 30 % vs 20 %: +10 points
    ],
)
def test_flag_thresholds(
    verified_psychologist: User, recent: tuple[int, int, float], previous: tuple | None, flagged: bool
) -> None:
    patient = UserFactory()
    link_patient(patient, verified_psychologist)
    _photos(patient, negative=recent[0], other=recent[1], days_ago=recent[2])
    if previous:
        _photos(patient, negative=previous[0], other=previous[1], days_ago=previous[2])
    burnout_flag_evaluate(user=patient)

    [row] = portal_patient_row_list(psychologist=verified_psychologist)

    assert row.flagged is flagged


def test_flag_thresholds_follow_the_settings(verified_psychologist: User, settings: SettingsWrapper) -> None:
    patient = UserFactory()
    link_patient(patient, verified_psychologist)
    _photos(patient, negative=2, other=2, days_ago=1)
    burnout_flag_evaluate(user=patient)
    assert portal_patient_row_list(psychologist=verified_psychologist)[0].flagged is False

    settings.PORTAL_FLAG_NEGATIVE_PERCENT = 50
    settings.PORTAL_FLAG_MIN_ASSESSMENTS = 4
    burnout_flag_evaluate(user=patient)
    assert portal_patient_row_list(psychologist=verified_psychologist)[0].flagged is True


def test_only_analysed_photos_count(verified_psychologist: User) -> None:
    patient = UserFactory()
    link_patient(patient, verified_psychologist)
    _photos(patient, negative=5, other=0, days_ago=1, status="failed")
    burnout_flag_evaluate(user=patient)

    [row] = portal_patient_row_list(psychologist=verified_psychologist)

    assert row.recent_share is None and row.recent_total == 0 and not row.flagged
    assert row.last_assessment_at is not None  # the person did send photos


@pytest.mark.parametrize(
    ("days_ago", "colour"), [(0.5, "green"), (2, "green"), (5, "yellow"), (20, "red"), (45, "grey")]
)
def test_recency_colour(verified_psychologist: User, days_ago: float, colour: str) -> None:
    patient = UserFactory()
    link_patient(patient, verified_psychologist)
    _photos(patient, negative=0, other=1, days_ago=days_ago - 0.01 if days_ago == 2 else days_ago)

    assert portal_patient_row_list(psychologist=verified_psychologist)[0].recency == colour


def test_recency_without_photos_is_grey(verified_psychologist: User) -> None:
    link_patient(UserFactory(), verified_psychologist)
    assert portal_patient_row_list(psychologist=verified_psychologist)[0].recency == "grey"


def test_list_is_sortable(portal_client: Client, verified_psychologist: User) -> None:
    people = {}
    for name, negative, days_ago in (("Zoe", 1, 10), ("Adam", 5, 3), ("Mila", 3, 1)):
        people[name] = UserFactory(first_name=name)
        link_patient(people[name], verified_psychologist)
        _photos(people[name], negative=negative, other=5 - negative, days_ago=days_ago)

    def order(sort: str) -> list[str]:
        return [row.name for row in portal_client.get(reverse("portal:patients"), {"sort": sort}).context["rows"]]

    assert order("name") == ["Adam", "Mila", "Zoe"]
    assert order("last") == ["Mila", "Adam", "Zoe"]
    assert order("share") == ["Adam", "Mila", "Zoe"]
    assert order("flag")[0] == "Adam"
    assert order("bogus") == order("flag")  # an unknown sort falls back, never a 500


def test_alias_replaces_the_name(portal_client: Client, verified_psychologist: User) -> None:
    patient = UserFactory(first_name="Real")
    link_patient(patient, verified_psychologist)
    response = portal_client.post(reverse("portal:patient_alias", args=[patient.pk]), {"alias": "Client A"})
    assert response.status_code == 302
    body = portal_client.get(reverse("portal:patients")).content.decode()
    assert "Client A" in body and "Real" not in body
    too_long = portal_client.post(reverse("portal:patient_alias", args=[patient.pk]), {"alias": "x" * 200}, follow=True)
    assert "The alias is too long." in too_long.content.decode()


def _populate(psychologist: User, count: int) -> None:
    patients = [UserFactory() for _ in range(count)]
    CareLink.objects.bulk_create([CareLink(patient=p, psychologist=psychologist) for p in patients])
    for patient in patients:
        _photos(patient, negative=2, other=3, days_ago=3)
        _photos(patient, negative=1, other=4, days_ago=18)


def test_list_uses_a_constant_number_of_queries(
    verified_psychologist: User, django_assert_max_num_queries: Callable
) -> None:
    client = two_factor_client_for(verified_psychologist)
    url = reverse("portal:patients")
    client.get(url)  # warm up: session, content types

    counts = []
    for total in (1, 30):
        _populate(
            verified_psychologist, total - sum(1 for _ in CareLink.objects.filter(psychologist=verified_psychologist))
        )
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert len(response.context["rows"]) == total
        counts.append(len(queries))
        with django_assert_max_num_queries(counts[0]):
            client.get(url)

    assert counts[0] == counts[1], counts


def test_list_and_detail_reads_are_audited(portal_client: Client, verified_psychologist: User) -> None:
    patient = UserFactory()
    link_patient(patient, verified_psychologist)

    portal_client.get(reverse("portal:patients"))
    portal_client.get(reverse("portal:patient_detail", args=[patient.pk]), {"days": 90})

    events = AuditEvent.objects.filter(actor=verified_psychologist, subject_user=patient).order_by("at", "id")
    # The patient page opens with the brief, whose read records its own line (emotions.selectors.brief).
    assert [e.action for e in events] == ["portal_list_view", "portal_detail_view", "brief_view"]
    assert events.get(action="portal_detail_view").detail == {
        "days": 90,
        "categories": ["readings", "mood", "questionnaire", "flags"],
    }


# --- the detail ----------------------------------------------------------------------------------------


def test_detail_shows_the_dashboard_charts_read_only(portal_client: Client, verified_psychologist: User) -> None:
    patient = UserFactory(first_name="Dora")
    link_patient(patient, verified_psychologist)
    _photos(patient, negative=2, other=1, days_ago=1)
    own = PhotoAssessment.objects.filter(user=patient).first()

    response = portal_client.get(reverse("portal:patient_detail", args=[patient.pk]))
    body = response.content.decode()

    assert response.status_code == 200
    assert "Emotional dynamics of Dora" in body
    assert 'id="dashboard-data"' in body and 'id="negative-share-chart"' in body and "js/dashboard.js" in body
    assert "Share of negative emotions per day" in body
    # Read-only: no upload button, no links to the patient's own result pages.
    assert reverse("emotions:upload") not in body.split("<main>")[1]
    assert reverse("emotions:assessment_detail", args=[own.pk]) not in body


def test_detail_without_photos_says_so(portal_client: Client, verified_psychologist: User) -> None:
    patient = UserFactory()
    link_patient(patient, verified_psychologist)
    body = portal_client.get(reverse("portal:patient_detail", args=[patient.pk])).content.decode()
    assert "This person has not sent any photos yet." in body


# --- the access matrix over every portal URL ----------------------------------------------------------------

PORTAL_URLS = [
    ("portal:patients", "get", False),
    ("portal:patient_detail", "get", True),
    ("portal:patient_alias", "post", True),
    ("portal:end_link", "post", True),
]
WHO = ["linked", "unlinked", "revoked", "ended", "other_psychologist", "patient", "anonymous"]


@pytest.mark.parametrize(("url_name", "method", "takes_patient"), PORTAL_URLS, ids=[u[0] for u in PORTAL_URLS])
@pytest.mark.parametrize("who", WHO)
def test_portal_access_matrix(
    client: Client, verified_psychologist: User, url_name: str, method: str, takes_patient: bool, who: str
) -> None:
    patient = UserFactory(first_name="Secretname")
    if who in ("linked", "revoked", "ended"):
        link = link_patient(patient, verified_psychologist)
        if who != "linked":
            link.status = who if who == "revoked" else CareLink.Status.ENDED
            link.save()
    if who == "other_psychologist":
        link_patient(patient, PsychologistProfileFactory().user)

    if who == "patient":
        caller = Client()
        caller.force_login(patient)
    elif who == "anonymous":
        caller = client
    else:
        caller = two_factor_client_for(verified_psychologist)

    url = reverse(url_name, args=[patient.pk] if takes_patient else [])
    data = {"alias": "A"} if url_name == "portal:patient_alias" else {}
    response = getattr(caller, method)(url, data)

    if who == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    elif who == "patient":
        assert response.status_code == 404
    elif not takes_patient:
        assert response.status_code == 200
        assert ("Secretname" in response.content.decode()) is (who == "linked")
    elif who == "linked":
        assert response.status_code == (200 if method == "get" else 302)
    else:
        assert response.status_code == 404
        assert "Secretname" not in response.content.decode()
    if who != "linked":
        assert not AuditEvent.objects.filter(subject_user=patient, action__in=AuditEvent.CLINICIAN_READS).exists()


def test_an_old_patient_id_is_a_404(portal_client: Client, verified_psychologist: User) -> None:
    patient = UserFactory()
    link_patient(patient, verified_psychologist)
    missing = patient.pk + 1000
    assert portal_client.get(reverse("portal:patient_detail", args=[missing])).status_code == 404


def test_a_psychologist_id_is_not_a_patient(portal_client: Client) -> None:
    colleague = PsychologistFactory()
    assert portal_client.get(reverse("portal:patient_detail", args=[colleague.pk])).status_code == 404


def test_list_shows_the_latest_cbi_score(portal_client: Client, verified_psychologist: User) -> None:
    from emotions.models import QuestionnaireResponse

    patient, silent = UserFactory(), UserFactory()
    link_patient(patient, verified_psychologist)
    link_patient(silent, verified_psychologist)
    now = timezone.now()
    for days_ago, score in ((14, 80.0), (2, 41.6667)):
        QuestionnaireResponse.objects.create(user=patient, answers={}, score=score, at=now - timedelta(days=days_ago))
    response = portal_client.get(reverse("portal:patients"))
    scores = {row.patient_id: row.latest_cbi for row in response.context["rows"]}
    assert scores == {patient.pk: pytest.approx(41.6667), silent.pk: None}
    assert "a score is not a diagnosis" in response.content.decode()
