import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from bangfu.employers import uscc

VALID = "91110000600037341L"  # a real code's shape, printed in GB 32100's own examples and many registers


def test_it_accepts_a_valid_code_and_normalises_it():
    assert uscc.validate(VALID) == VALID
    assert uscc.validate(" 9111 0000-6000 3734 1l ") == VALID
    assert uscc.validate("９１１１００００６０００３７３４１Ｌ") == VALID


@pytest.mark.parametrize(("code", "kind"), [
    ("9111000060003734", "length"),
    ("91110000600037341LL", "length"),
    ("91110000600O37341L", "character"),
    ("B1110000600037341L", "authority"),
    ("911100A0600037341L", "region"),
    ("91110000600037342L", "organisation"),
    ("91110000600037341M", "check"),
])
def test_it_says_what_is_wrong(code, kind):
    with pytest.raises(ValidationError) as caught:
        uscc.validate(code)
    assert caught.value.code == kind


def test_it_names_the_expected_check_character():
    with pytest.raises(ValidationError, match="应为L，实为M"):
        uscc.validate("91110000600037341M")


def test_it_names_the_forbidden_characters_and_their_places():
    with pytest.raises(ValidationError, match="第12（O）"):
        uscc.validate("91110000600O37341L")


@given(organisation=st.text(alphabet=uscc.ALPHABET, min_size=8, max_size=8),
       region=st.from_regex(r"\A[0-9]{6}\Z"), kind=st.sampled_from("1239"),
       authority=st.sampled_from(uscc.AUTHORITIES))
def test_every_built_code_validates_and_any_changed_character_is_caught(organisation, region, kind, authority):
    code = uscc.build(authority, kind, region, organisation)
    assert uscc.validate(code) == code
    for place in range(16, 18):  # either check character changed
        wrong = code[:place] + next(ch for ch in uscc.ALPHABET if ch != code[place]) + code[place + 1:]
        with pytest.raises(ValidationError):
            uscc.validate(wrong)


def test_the_check_character_follows_the_standard_weights():
    # 3^i mod 31: the weights are the standard's, not any others.
    assert tuple(pow(3, i, 31) for i in range(17)) == uscc.WEIGHTS
    assert uscc.check_character("91110000600037341") == "L"
    assert uscc.organisation_check("60003734") == "1"


def test_it_reads_the_kind_from_the_first_two_characters():
    assert uscc.kind_of("92522633MA6H1D2X0Q") == "individual"
    assert uscc.kind_of("93522633MA6H1D2X0Q") == "cooperative"
    assert uscc.kind_of("Y1522633MA6H1D2X0Q") is None
