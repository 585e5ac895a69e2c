from django.contrib.auth import views as auth_views
from django.utils.translation import gettext as _

from bangfu.accounts import throttle
from bangfu.audit import log
from bangfu.audit.models import Action


class LoginView(auth_views.LoginView):
    """Django's login, refusing further attempts after repeated failures."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        ip = log.client_ip(request)
        if throttle.is_locked(username, ip):
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, _("登录失败次数过多，请 15 分钟后再试"))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        username = self.request.POST.get("username", "")
        throttle.note_failure(username, log.client_ip(self.request))
        log.record(None, Action.LOGIN_FAILED, username=username[:150], request=self.request)
        return super().form_invalid(form)

    def form_valid(self, form):
        throttle.clear(form.get_user().get_username())
        return super().form_valid(form)
