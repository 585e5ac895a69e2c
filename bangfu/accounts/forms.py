from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from bangfu.accounts.models import Role
from bangfu.accounts.names import normalise_username


class FullWidthColon:
    """Chinese labels end in the full-width colon (Django's own forms end in ":")."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "：")
        super().__init__(*args, **kwargs)


class LoginForm(FullWidthColon, AuthenticationForm):
    """Django's login form, the name spelt as accounts are stored (and as the throttle counts it)."""

    def clean_username(self):
        return normalise_username(self.cleaned_data.get("username", ""))


class PasswordForm(FullWidthColon, PasswordChangeForm):
    """Django's password change: the old password, then a new one its validators accept."""


class AccountForm(FullWidthColon, forms.Form):
    """An account's details as the administrator edits them; the region is typed as its code."""

    username = forms.CharField(label=_("登录名"), max_length=150,
                               help_text=_("字母、数字或 @ . + - _，不区分大小写"))
    first_name = forms.CharField(label=_("姓名"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    region = forms.CharField(
        label=_("所属区划代码"), max_length=12, required=False,
        help_text=_("12 位统计用区划代码，或其有效位数（如 522633 为从江县）；系统管理员可不填，即全国"))
    organisation = forms.CharField(label=_("所属单位"), max_length=200, required=False)


class TokenForm(FullWidthColon, forms.Form):
    name = forms.CharField(label=_("用途"), max_length=100, help_text=_("哪个系统使用它，如：省统计分析系统"))
    days = forms.IntegerField(label=_("有效期（天）"), min_value=1, initial=settings.API_TOKEN_DEFAULT_DAYS)
    # For an administrator issuing a token for another account; others issue their own.
    user = forms.CharField(label=_("账号（登录名）"), max_length=150, required=False)

    def __init__(self, *args, for_others: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # The upper bound is the action's rule (do_issue_token); the form only says it.
        self.fields["days"].widget.attrs["max"] = settings.API_TOKEN_MAX_DAYS
        self.fields["days"].help_text = _("最长 %(max)s 天") % {"max": settings.API_TOKEN_MAX_DAYS}
        if not for_others:
            del self.fields["user"]
