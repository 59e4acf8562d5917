import datetime

from offboarding.models import CaseStatus, Offboarding
from offboarding.selectors import offboardings_in_progress_count
from tests.factories import EmployeeFactory


def test_cases_in_progress_are_counted_in_one_query(db, django_assert_num_queries):
    successor = EmployeeFactory(role="rep")
    for status in (CaseStatus.PENDING, CaseStatus.RUNNING, CaseStatus.WAITING, CaseStatus.DONE):
        Offboarding.objects.create(
            employee=EmployeeFactory(role="rep"),
            successor=successor,
            departure_date=datetime.date(2026, 12, 31),
            status=status,
        )
    with django_assert_num_queries(1):
        assert offboardings_in_progress_count() == 3
