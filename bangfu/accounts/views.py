from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from bangfu.accounts import actions, throttle
from bangfu.accounts.actors import SYSTEM_USERNAME
from bangfu.accounts.forms import AccountForm, LoginForm, PasswordForm, TokenForm
from bangfu.accounts.models import Role, User
from bangfu.accounts.names import normalise_username
from bangfu.accounts.permissions import Perm
from bangfu.audit import log
from bangfu.audit.models import Action
from bangfu.core.pages import paginate, requires
from bangfu.core.permissions import has_perm
from bangfu.regions import codes


def lockout_message() -> str:
    minutes = throttle.window_minutes()
    return ngettext("登录失败次数过多，请 %(minutes)d 分钟后再试", "登录失败次数过多，请 %(minutes)d 分钟后再试",
                    minutes) % {"minutes": minutes}


class LoginView(auth_views.LoginView):
    """Django's login, refusing further attempts after repeated failures (accounts.throttle)."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "window_minutes": throttle.window_minutes()}

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        if throttle.is_locked(request, username, log.client_ip(request)):
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, lockout_message())
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        username = self.request.POST.get("username", "")
        throttle.note_failure(self.request, username, log.client_ip(self.request))
        log.record(None, Action.LOGIN_FAILED, username=username[:150], request=self.request)
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)
        throttle.note_success(self.request, response, form.get_user().get_username())
        return response

    def get_success_url(self):
        if self.request.user.must_change_password:
            return reverse("password_change")
        return super().get_success_url()


@login_required
def password_change(request):
    """Every user's own password: the old one, then a new one that Django's validators accept."""
    form = PasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.do_change_password(request.user, form.cleaned_data["new_password1"], request=request)
        update_session_auth_hash(request, request.user)
        messages.success(request, _("密码已修改"))
        return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form, "forced": request.user.must_change_password})


# --- the administrator's account pages ------------------------------------------------------------

ACTIVE_FILTER = {"1": True, "0": False}


@requires(Perm.MANAGE_ACCOUNTS)
def account_list(request):
    accounts = User.objects.select_related("region").exclude(username=SYSTEM_USERNAME).order_by("username")
    params = {key: request.GET.get(key, "").strip() for key in ("q", "role", "region", "active")}
    if params["q"]:
        accounts = accounts.filter(Q(username__icontains=params["q"]) | Q(first_name__icontains=params["q"])
                                   | Q(last_name__icontains=params["q"]))
    if params["role"] in Role.values:
        accounts = accounts.filter(role=params["role"])
    if params["region"].isdigit():
        accounts = accounts.filter(codes.within(params["region"], "region__code"))
    if params["active"] in ACTIVE_FILTER:
        accounts = accounts.filter(is_active=ACTIVE_FILTER[params["active"]])
    page = paginate(request, accounts)
    locked = set(throttle.locked_names([account.username for account in page]))
    return render(request, "accounts/account_list.html", {
        "page": page, "params": params, "roles": Role.choices, "locked": locked})


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _region_of(form):
    try:
        return actions.find_region(form.cleaned_data["region"])
    except ValidationError as exc:
        _form_errors(form, exc)
        return False


@requires(Perm.MANAGE_ACCOUNTS)
def account_create(request):
    form = AccountForm(request.POST or None, initial={"role": Role.SURVEYOR})
    if request.method == "POST" and form.is_valid() and (region := _region_of(form)) is not False:
        data = form.cleaned_data
        try:
            user, password = actions.do_create_account(
                request.user, username=data["username"], role=data["role"], region=region,
                first_name=data["first_name"], organisation=data["organisation"], request=request)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return _show_password(request, user, password, created=True)
    return render(request, "accounts/account_form.html", {"form": form})


def _show_password(request, user, password, *, created=False):
    # Shown in this one answer and never again (only its hash is stored).
    return render(request, "accounts/temporary_password.html",
                  {"account": user, "password": password, "created": created})


@requires(Perm.MANAGE_ACCOUNTS)
def account_detail(request, pk):
    account = get_object_or_404(User.objects.select_related("region").exclude(username=SYSTEM_USERNAME), pk=pk)
    initial = {"username": account.username, "first_name": account.first_name, "role": account.role,
               "region": account.region_id or "", "organisation": account.organisation}
    form = AccountForm(request.POST or None, initial=initial)
    form.fields["username"].disabled = True
    if request.method == "POST" and form.is_valid() and (region := _region_of(form)) is not False:
        data = form.cleaned_data
        try:
            changed = actions.do_update_account(request.user, account, first_name=data["first_name"],
                                                role=data["role"], region=region,
                                                organisation=data["organisation"], request=request)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("已保存") if changed else _("没有修改"))
            return redirect("account_detail", account.pk)
    return render(request, "accounts/account_detail.html", {
        "account": account, "form": form, "failures": throttle.failures_of(account.username),
        "tokens": actions.tokens_for_user(request.user).filter(user=account)})


@require_POST
@requires(Perm.MANAGE_ACCOUNTS)
def account_action(request, pk, action):
    account = get_object_or_404(User.objects.exclude(username=SYSTEM_USERNAME), pk=pk)
    try:
        if action == "deactivate":
            actions.do_set_active(request.user, account, False, request=request)
            messages.success(request, _("账号已停用"))
        elif action == "activate":
            actions.do_set_active(request.user, account, True, request=request)
            messages.success(request, _("账号已启用"))
        elif action == "unlock":
            actions.do_unlock(request.user, account, request=request)
            messages.success(request, _("已解除登录锁定"))
        elif action == "reset":
            return _show_password(request, account, actions.do_reset_password(request.user, account, request=request))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("account_detail", account.pk)


# --- API tokens -------------------------------------------------------------------------------------

@requires(Perm.USE_API)
def token_list(request):
    """An administrator sees and issues everyone's tokens; anyone else with API access their own."""
    for_others = has_perm(request.user, Perm.MANAGE_ACCOUNTS)
    form = TokenForm(request.POST or None, for_others=for_others)
    issued = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        owner = request.user
        if for_others and data.get("user"):
            owner = User.objects.filter(username=normalise_username(data["user"])).first()
        if owner is None:
            form.add_error("user", _("没有登录名为 %(name)s 的账号") % {"name": data["user"]})
        else:
            try:
                issued = actions.do_issue_token(request.user, owner, data["name"], days=data["days"], request=request)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                form = TokenForm(for_others=for_others)
    page = paginate(request, actions.tokens_for_user(request.user))
    return render(request, "accounts/token_list.html", {
        "form": form, "page": page, "issued": issued, "for_others": for_others,
        "max_days": settings.API_TOKEN_MAX_DAYS})


@require_POST
@requires(Perm.USE_API)
def token_revoke(request, pk):
    api_token = get_object_or_404(actions.tokens_for_user(request.user), pk=pk)
    actions.do_revoke_token(request.user, api_token, request=request)
    messages.success(request, _("令牌 %(prefix)s… 已吊销，不能再使用") % {"prefix": api_token.prefix})
    back = request.POST.get("next", "")
    return redirect(back if url_has_allowed_host_and_scheme(back, allowed_hosts=None) else "token_list")

