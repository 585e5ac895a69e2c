"""The controlled vocabularies of the ledger (the codes are stored; labels are translatable)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Relationship(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    GRANDCHILD = "grandchild", _("孙子女")
    SIBLING = "sibling", _("兄弟姐妹")
    CHILD_IN_LAW = "child_in_law", _("儿媳/女婿")
    OTHER = "other", _("其他")


class Education(models.TextChoices):
    NONE = "none", _("文盲或半文盲")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    VOCATIONAL = "vocational", _("中专/技校")
    COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("本科及以上")


class LabourAbility(models.TextChoices):
    FULL = "full", _("有劳动能力")
    PARTIAL = "partial", _("弱劳动能力")
    NONE = "none", _("无劳动能力")


class PovertyStatus(models.TextChoices):
    NONE = "none", _("一般人口")
    FORMERLY_POOR = "tuopin", _("脱贫人口")
    MONITORED = "monitored", _("监测对象")
    LOW_INCOME = "low_income", _("低收入人口")


class HouseholdType(models.TextChoices):
    """户类型: a household's kind, stored with the codes of its people's kind (PovertyStatus)."""

    NONE = "none", _("一般户")
    FORMERLY_POOR = "tuopin", _("脱贫户")
    MONITORED = "monitored", _("监测户")
    LOW_INCOME = "low_income", _("低收入户")


class MonitoringCategory(models.TextChoices):
    UNSTABLE = "unstable", _("脱贫不稳定户")
    MARGINAL = "marginal", _("边缘易致贫户")
    SUDDEN_HARDSHIP = "sudden", _("突发严重困难户")


class DisabilityCategory(models.IntegerChoices):
    VISUAL = 1, _("视力残疾")
    HEARING = 2, _("听力残疾")
    SPEECH = 3, _("言语残疾")
    PHYSICAL = 4, _("肢体残疾")
    INTELLECTUAL = 5, _("智力残疾")
    MENTAL = 6, _("精神残疾")
    MULTIPLE = 7, _("多重残疾")


class DisabilityGrade(models.IntegerChoices):
    FIRST = 1, _("一级")
    SECOND = 2, _("二级")
    THIRD = 3, _("三级")
    FOURTH = 4, _("四级")


class EmploymentStatus(models.TextChoices):
    IN_COUNTY = "in_county", _("县内务工")
    OUT_COUNTY = "out_county", _("县外省内务工")
    OUT_PROVINCE = "out_province", _("省外务工")
    SELF_EMPLOYED = "self_employed", _("自主创业")
    PUBLIC_WELFARE = "public_welfare", _("公益性岗位")
    FLEXIBLE = "flexible", _("灵活就业")
    SEEKING = "seeking", _("未就业有就业意愿")
    NOT_SEEKING = "not_seeking", _("暂无就业意愿")


# Every status that counts a person as employed (一户一人以上就业 counts all of them).
EMPLOYED_STATUSES = frozenset({
    EmploymentStatus.IN_COUNTY, EmploymentStatus.OUT_COUNTY, EmploymentStatus.OUT_PROVINCE,
    EmploymentStatus.SELF_EMPLOYED, EmploymentStatus.PUBLIC_WELFARE, EmploymentStatus.FLEXIBLE,
})


class SpellPlace(models.TextChoices):
    """Where a job spell's work is (务工所在地), with the codes of the employment status it gives."""

    IN_COUNTY = "in_county", _("县内")
    OUT_COUNTY = "out_county", _("县外省内")
    OUT_PROVINCE = "out_province", _("省外")


class Channel(models.TextChoices):
    """How the job was found (就业渠道), as the monitoring system and the programmes name them."""

    ORGANISED = "organised", _("有组织劳务输出")
    SELF_FOUND = "self_found", _("自主务工")
    WORKSHOP = "workshop", _("就业帮扶车间")
    PUBLIC_WELFARE = "public_welfare", _("公益性岗位")
    SELF_EMPLOYED = "self_employed", _("自主创业")
    FLEXIBLE = "flexible", _("灵活就业")
    OTHER = "other", _("其他")


class SpellSource(models.TextChoices):
    MANUAL = "manual", _("手工登记")
    SURVEY = "survey", _("走访")
    IMPORT = "import", _("导入")
    MIGRATED = "migrated", _("由原就业状态转入")


# A spell's status: its channel's where the channel is itself a kind of employment the ledger
# counts apart (公益性岗位, 自主创业, 灵活就业), else its place's (县内 / 县外省内 / 省外).
CHANNEL_STATUS = {
    Channel.PUBLIC_WELFARE: EmploymentStatus.PUBLIC_WELFARE,
    Channel.SELF_EMPLOYED: EmploymentStatus.SELF_EMPLOYED,
    Channel.FLEXIBLE: EmploymentStatus.FLEXIBLE,
}
PLACE_STATUS = {
    SpellPlace.IN_COUNTY: EmploymentStatus.IN_COUNTY,
    SpellPlace.OUT_COUNTY: EmploymentStatus.OUT_COUNTY,
    SpellPlace.OUT_PROVINCE: EmploymentStatus.OUT_PROVINCE,
}


def spell_status(place: str, channel: str) -> str:
    """The employment status a person holding an open spell of this place and channel has."""
    return CHANNEL_STATUS.get(channel) or PLACE_STATUS[place]


# A status typed without a spell (an API client, a survey) becomes a spell of this place and
# channel: public-welfare posts, self-employment and flexible work are taken as in the county.
STATUS_SPELL = {
    EmploymentStatus.IN_COUNTY: (SpellPlace.IN_COUNTY, ""),
    EmploymentStatus.OUT_COUNTY: (SpellPlace.OUT_COUNTY, ""),
    EmploymentStatus.OUT_PROVINCE: (SpellPlace.OUT_PROVINCE, ""),
    EmploymentStatus.PUBLIC_WELFARE: (SpellPlace.IN_COUNTY, Channel.PUBLIC_WELFARE),
    EmploymentStatus.SELF_EMPLOYED: (SpellPlace.IN_COUNTY, Channel.SELF_EMPLOYED),
    EmploymentStatus.FLEXIBLE: (SpellPlace.IN_COUNTY, Channel.FLEXIBLE),
}
# The statuses a user types by hand: the others follow the person's open spell.
UNEMPLOYED_STATUSES = (EmploymentStatus.SEEKING, EmploymentStatus.NOT_SEEKING)


class NotSeekingReason(models.TextChoices):
    STUDYING = "studying", _("在校学习")
    CARING = "caring", _("照顾家庭")
    ILLNESS = "illness", _("疾病")
    DISABILITY = "disability", _("残疾")
    AGE = "age", _("年龄原因")
    MILITARY = "military", _("服兵役")
    OTHER = "other", _("其他")


class TravelRange(models.TextChoices):
    VILLAGE = "village", _("本村")
    TOWNSHIP = "township", _("本乡镇")
    COUNTY = "county", _("本县")
    PROVINCE = "province", _("省内")
    ANYWHERE = "anywhere", _("不限（可去省外）")


class Hours(models.TextChoices):
    FULL_TIME = "full_time", _("全职")
    PART_TIME = "part_time", _("兼职")
    SEASONAL = "seasonal", _("季节性")


class FollowUpAction(models.TextChoices):
    CONTACT = "contact", _("联系走访")
    JOB_OFFERED = "job_offered", _("推荐岗位")
    TRAINING_OFFERED = "training_offered", _("推荐培训")
    RESOLVED = "resolved", _("已解决")


# The standard skills vocabulary; users may add their own (stored with standard=False).
STANDARD_SKILLS = [
    "种植", "养殖", "刺绣", "蜡染", "缝纫", "家政服务", "育婴", "养老护理", "保洁", "厨师", "面点",
    "电工", "焊工", "砌筑", "木工", "钢筋工", "挖掘机操作", "驾驶", "汽车维修", "电子商务", "直播带货",
    "计算机操作", "保安", "盲人按摩", "推拿", "美容美发", "茶艺", "导游", "物流配送", "电子装配",
]
