"""get_<field>_display from the kept label tables: the language asked for, the value itself for
one outside the choices, "" for none."""

from django.utils import translation

from bangfu.registry import choices as c
from bangfu.registry.models import Person


def test_labels_follow_the_active_language():
    person = Person(employment_status=c.EmploymentStatus.SEEKING)
    with translation.override("zh-hans"):
        assert person.get_employment_status_display() == "未就业有就业意愿"
    with translation.override("en"):
        english = person.get_employment_status_display()
    assert english and english != "未就业有就业意愿"
    with translation.override("zh-hans"):
        assert person.get_employment_status_display() == "未就业有就业意愿"


def test_a_value_outside_the_choices_reads_as_itself_and_none_as_none():
    assert Person(employment_status="retired").get_employment_status_display() == "retired"
    assert Person(disability_category=None).get_disability_category_display() is None
