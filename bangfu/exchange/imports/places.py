"""Where a row is: a village found by its code, or by its name with the township (and county) names
that narrow it down, inside the importing user's region. Read-only: one query loads the region's
counties, townships and villages (a county has a few hundred villages, a province some tens of
thousands); every row is then resolved in memory.

The work area of a job (务工所在县) is placed relative to the home county by name or code with the
GB/T 2260 table (regions.divisions), so no query is made for it.
"""

import re
from collections import defaultdict

from django.utils.translation import gettext as _

from bangfu.exchange.imports import monitoring as m
from bangfu.exchange.imports.values import ValueProblem, half_width
from bangfu.regions import codes, divisions
from bangfu.regions.models import Region

# Suffixes a village or township name is written with or without (大歹村 / 大歹 / 大歹村委会).
_VILLAGE_SUFFIXES = re.compile(r"(村民委员会|居民委员会|村委会|居委会|社区居委会|村|社区|居)$")
_TOWNSHIP_SUFFIXES = re.compile(r"(人民政府|街道办事处|办事处|街道|镇|乡|民族乡)$")


def _village_key(name: str) -> str:
    return _VILLAGE_SUFFIXES.sub("", re.sub(r"\s+", "", half_width(name))) or half_width(name)


def _township_key(name: str) -> str:
    return _TOWNSHIP_SUFFIXES.sub("", re.sub(r"\s+", "", half_width(name))) or half_width(name)


class Places:
    """The villages under a region prefix ('' is the whole country), found by code or by name."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.names: dict[str, str] = {}
        self.villages: dict[str, list[str]] = defaultdict(list)  # village key → codes
        self._answers: dict[tuple, str | ValueProblem] = {}
        rows = (Region.objects.filter(codes.within(prefix, "code"), level__gte=codes.COUNTY)
                .values_list("code", "name", "level"))
        for code, name, level in rows:
            self.names[code] = name
            if level == codes.VILLAGE:
                self.villages[_village_key(name)].append(code)

    def full_name(self, code: str) -> str:
        """丙妹镇大歹村 (township + village), the way a candidate is shown."""
        return "".join(self.names.get(codes.full_code(code[:digits]), "")
                       for digits in (9, 12))

    def village(self, *, code: str = "", county: str = "", township: str = "", village: str = "") -> str:
        """The village's 12-digit code, or ValueProblem saying why not (not found, outside the
        region, several candidates — named with their codes). Answers are remembered: a file
        names the same few hundred villages over and over."""
        key = (code, county, township, village)
        answer = self._answers.get(key)
        if answer is None:
            try:
                answer = self._village(code=code, county=county, township=township, village=village)
            except ValueProblem as exc:
                answer = exc
            self._answers[key] = answer
        if isinstance(answer, ValueProblem):
            raise answer
        return answer

    def _village(self, *, code: str, county: str, township: str, village: str) -> str:
        code = re.sub(r"\s+", "", half_width(code))
        if code:
            return self._by_code(code)
        if not village:
            raise ValueProblem(_("请填写所在村（村名或 12 位村级区划代码）"))
        found = list(self.villages.get(_village_key(village), ()))
        if township:
            found = [c for c in found if _township_key(self.names.get(codes.full_code(c[:9]), "")) == _township_key(
                township)]
        if county:
            county_text = re.sub(r"\s+", "", half_width(county))
            found = [c for c in found if self._county_matches(c, county_text)]
        if len(found) == 1:
            return found[0]
        place = "".join(half_width(p) for p in (county, township, village) if p)
        if not found:
            raise ValueProblem(_("在您的管辖范围内找不到“%(place)s”：请核对乡镇、村名，或填写 12 位村级区划代码")
                               % {"place": place})
        candidates = "、".join(f"{self.full_name(c)}（{c}）" for c in sorted(found)[:10])
        raise ValueProblem(_("“%(place)s”有 %(n)d 个同名村：%(candidates)s；请同时填写乡镇，或填写村级区划代码")
                           % {"place": place, "n": len(found), "candidates": candidates})

    def _county_matches(self, code: str, county_text: str) -> bool:
        name = self.names.get(codes.full_code(code[:6]))
        return name is None or county_text in (name, code[:6]) or county_text.endswith(name)

    def _by_code(self, code: str) -> str:
        if not codes.is_valid_code(code) or codes.level_of(code) != codes.VILLAGE:
            raise ValueProblem(_("区划代码“%(code)s”应为 12 位村级区划代码") % {"code": code})
        if not code.startswith(self.prefix):
            raise ValueProblem(_("区划代码 %(code)s 不在您的管辖范围内") % {"code": code})
        if code not in self.names:
            raise ValueProblem(_("区划代码 %(code)s 不存在") % {"code": code})
        return code


def work_area(county6: str, *, area_word=None, place=None) -> str:
    """In the county, elsewhere in the province or outside it (the EmploymentStatus codes), from
    务工所在地 when it says so, else from where 务工所在县 is: a code, or a name such as
    广东省东莞市 / 黔东南州从江县 (a province or county name it contains)."""
    if area_word not in (None, ""):
        return m.WORK_AREA(area_word)
    text = re.sub(r"\s+", "", half_width(place or ""))
    if not text:
        raise ValueProblem(_("请填写务工所在地（县内、省内县外、省外）或务工所在县"))
    table = divisions.county_level_divisions()
    digits = re.match(r"\d{6}", text)
    other = digits.group(0) if digits else _code_named(text, county6, table)
    if other is None:
        raise ValueProblem(_("无法判断务工所在县“%(v)s”在县内、省内还是省外：请写明省、市、县名，或填写务工所在地")
                           % {"v": text})
    if other == county6:
        return m.AREA_IN_COUNTY
    return m.AREA_IN_PROVINCE if other[:2] == county6[:2] else m.AREA_OUT_PROVINCE


def _code_named(text: str, county6: str, table: dict[str, tuple[str, int]]) -> str | None:
    """A code for a place name: the home county if its name is in the text, else any province
    named at its start (its code stands for the province)."""
    home = table.get(county6, ("", 0))[0]
    if home and home in text:
        return county6
    for code, (name, level) in table.items():
        if level == codes.PROVINCE and text.startswith(_short(name)):
            return code
    home_province = county6[:2]
    for code, (name, level) in table.items():
        if code[:2] == home_province and level in (codes.CITY, codes.COUNTY) and name and text.startswith(name):
            return code
    return None


def _short(province: str) -> str:
    """贵州省 → 贵州, 广西壮族自治区 → 广西, 北京市 → 北京: how provinces are written at the start of a place."""
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市"):
        if province.endswith(suffix):
            return province[: -len(suffix)]
    return province
