"""The employer side's controlled vocabularies (the codes are stored; labels are translatable)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EmployerKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    INDIVIDUAL = "individual", _("个体工商户")
    COOPERATIVE = "cooperative", _("农民专业合作社")
    SOCIAL = "social", _("社会组织")
    INSTITUTION = "institution", _("机关事业单位")
    OTHER = "other", _("其他")


class WorkshopKind(models.TextChoices):
    FACTORY = "factory", _("厂房式")
    HOME = "home", _("居家式")
    FARMING = "farming", _("种养式")
    TRADE = "trade", _("贸易流通式")
    TOURISM = "tourism", _("文化旅游式")


class WorkshopSite(models.TextChoices):
    POOR_VILLAGE = "poor_village", _("脱贫村")
    RELOCATION = "relocation", _("易地扶贫搬迁安置点")
    PARK = "park", _("产业园区")
    COMMUNITY = "community", _("社区")
    OTHER = "other", _("其他")


class WorkshopStatus(models.TextChoices):
    """Where a workshop is in its lifecycle (the allowed moves are in employers.lifecycle)."""

    APPLIED = "applied", _("已申报")
    REVIEWING = "reviewing", _("审核中")
    RETURNED = "returned", _("退回修改")
    REJECTED = "rejected", _("不予认定")
    RUNNING = "running", _("正常运行")
    PENDING = "pending", _("监测待处置")
    CLEARING = "clearing", _("清理")
    REVOKED = "revoked", _("已摘牌")
    UPGRADED = "upgraded", _("乡村就业工厂")


class Level(models.TextChoices):
    """The level of government that certifies or names something."""

    COUNTY = "county", _("县级")
    CITY = "city", _("市级")
    PREFECTURE = "prefecture", _("州级")
    PROVINCE = "province", _("省级")


class Agreement(models.TextChoices):
    CONTRACT = "contract", _("劳动合同")
    LABOUR_AGREEMENT = "agreement", _("劳务协议")
    NONE = "none", _("未签订")


# --- groups: demonstration sites and labour cooperatives ---------------------------------------

class SiteKind(models.TextChoices):
    EMPLOYMENT_BASE = "employment_base", _("残疾人就业创业基地")
    TRAINING_BASE = "training_base", _("残疾人实训基地")
    POVERTY_BASE = "poverty_base", _("农村残疾人扶贫基地")
    DEMONSTRATION = "demonstration", _("残疾人创业就业示范点")
    MASSAGE_SHOP = "massage_shop", _("盲人按摩示范店")


class SiteRelation(models.TextChoices):
    EMPLOYED = "employed", _("安置就业")
    TRAINED = "trained", _("培训")
    MANAGER = "manager", _("参与管理")


class Destination(models.TextChoices):
    PARTNER_CITY = "partner_city", _("协作城市")
    EMPLOYER = "employer", _("用人单位")


class AppraisalSubject(models.TextChoices):
    COOPERATIVE = "cooperative", _("劳务合作社")
    LEADER = "leader", _("劳务队长")
