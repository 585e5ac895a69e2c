"""The REST API (django-ninja): /api/, its OpenAPI spec at /api/openapi.json, docs at /api/docs.

Callers authenticate with `Authorization: Bearer <token>` (`bangfu issuetoken`) or, from the
browser, with their logged-in session (plus the CSRF token on writes). Errors are JSON:
`{"detail": "…"}`, or for invalid input `{"detail": [{"field": …, "message": …}]}` (422), in
Chinese, or in English with the cookie `django_language=en`. Lists are paged with `?page=`
and `?page_size=` (at most 200) and answer `{"items", "count", "page", "page_size"}`.
Every error under /api/ is JSON, also those Django answers before the API is reached (an unknown
address 404, a wrong method 405, a body over the size limit 413, a server error 500).
"""

from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as RuleError
from django.http import Http404, JsonResponse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError
from ninja.renderers import JSONRenderer

from bangfu.accounts.api_auth import SessionAuth, TokenAuth
from bangfu.accounts.permissions import Perm
from bangfu.core import plugins
from bangfu.core.errors import Duplicate, TooMany, announce_duplicate
from bangfu.core.filters import FilterError
from bangfu.core.permissions import Forbidden, has_perm, permissions_of
from bangfu.core.schemas import PreconditionFailed, responses
from bangfu.core.writes import StaleEdit


class Utf8Renderer(JSONRenderer):
    # Chinese as UTF-8 rather than \uXXXX escapes: half the bytes, and readable in logs and curl.
    json_dumps_params = {"ensure_ascii": False}


def api_access_only(view):
    """The docs page and the spec, for callers with API access (a session or a bearer token):
    404 to anyone unknown, 403 to a user whose role has no API access."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user if request.user.is_authenticated else TokenAuth()(request)
        if not user:
            raise Http404
        if not has_perm(user, Perm.USE_API):
            raise Forbidden(_("您的角色无权使用 API"))
        return view(request, *args, **kwargs)

    return wrapped


api = NinjaAPI(
    title="bangfu API",
    version="1",
    description=__doc__,
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    renderer=Utf8Renderer(),
    docs_decorator=api_access_only,
)
for app in plugins.apps():
    for prefix, router in app.api:
        api.add_router(prefix, import_string(router.replace(":", ".")))


class MeOut(Schema):
    username: str
    name: str
    role: str
    role_label: str
    region_code: str | None
    region_name: str | None
    permissions: list[str]


@api.get("/me", response=responses({200: MeOut}, 401), tags=["me"])
def me(request):
    """The caller: role, region and what they may do."""
    user = request.auth
    return {
        "username": user.get_username(),
        "name": user.get_full_name(),
        "role": user.role,
        "role_label": user.get_role_display(),
        "region_code": user.region_id,
        "region_name": user.region.name if user.region_id else None,
        "permissions": sorted(permissions_of(user)),
    }


# --- errors ------------------------------------------------------------------------------------

def _detail(request, message, status: int):
    return api.create_response(request, {"detail": str(message)}, status=status)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    response = _detail(request, _("需要有效的 API 令牌（Authorization: Bearer …）或登录"), 401)
    response["WWW-Authenticate"] = 'Bearer realm="bangfu"'
    return response


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    # ninja raises 400 itself for a body that is not JSON; its message is English.
    message = _("请求内容不是有效的 JSON") if exc.status_code == 400 else str(exc)
    return _detail(request, message, exc.status_code)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    # core.permissions.Forbidden carries its own message; a bare PermissionDenied is the role.
    return _detail(request, str(exc) or _("您的角色无权进行此操作"), 403)


@api.exception_handler(StaleEdit)
def stale(request, exc: StaleEdit):
    body = {"detail": str(exc), "version": exc.record.version,
            "changes": [{"field": c.field, "label": c.label, "old": c.old, "new": c.new} for c in exc.changes]}
    response = api.create_response(request, body, status=412)
    response["ETag"] = f'"{exc.record.version}"'
    return response


@api.exception_handler(PreconditionFailed)
def bad_precondition(request, exc):
    return _detail(request, _("If-Match 应为本接口给出的 ETag（例如 \"3\"）"), 412)


@api.exception_handler(FilterError)
def bad_filter(request, exc: FilterError):
    return _detail(request, exc.message, 400)


@api.exception_handler(Http404)
def not_found(request, exc):
    return _detail(request, _("未找到，或不在您的管辖范围内"), 404)


@api.exception_handler(Duplicate)
def duplicate(request, exc: Duplicate):
    # The rule names the existing record only to a caller who may see it (and the audit log notes it).
    announce_duplicate(exc, request.auth, request)
    body = {"detail": exc.messages[0], "id": exc.existing.pk if exc.visible else None, "url": exc.api_url}
    return api.create_response(request, body, status=409)


@api.exception_handler(TooMany)
def too_many(request, exc: TooMany):
    return _detail(request, exc.messages[0], 429)


# Field names of the ledger rules that the API spells differently.
API_FIELD = {"household": "household_id", "__all__": None}


@api.exception_handler(RuleError)
def invalid(request, exc: RuleError):
    """A rule of the ledger refused the input (validation.clean_person, the forms, the actions)."""
    if hasattr(exc, "error_dict"):
        errors = [{"field": API_FIELD.get(field, field), "message": message}
                  for field, messages in exc.message_dict.items() for message in messages]
    else:
        errors = [{"field": None, "message": message} for message in exc.messages]
    return api.create_response(request, {"detail": errors}, status=422)


@api.exception_handler(SchemaError)
def malformed(request, exc: SchemaError):
    """The request does not fit the spec (types, lengths, codes): the same shape as the rules' 422."""
    errors = [{"field": _field_of(error.get("loc", ())), "message": schema_message(error)} for error in exc.errors]
    if all(tuple(error.get("loc", ()))[:1] == ("query",) for error in exc.errors):
        # A list asked with a filter or page it does not accept: 400, as the pages answer.
        return api.create_response(request, {"detail": "；".join(f"{e['field']}: {e['message']}" for e in errors)},
                                   status=400)
    return api.create_response(request, {"detail": errors}, status=422)


def _field_of(loc) -> str | None:
    # ("body", "payload", "skills", 0) -> "skills.0"; ("query", "page") -> "page"
    parts = [str(part) for part in loc[2 if loc[:1] == ("body",) else 1:]]
    return ".".join(parts) or None


def schema_message(error: dict) -> str:
    """pydantic's English messages for the common mistakes, in the user's language."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    messages = {
        "missing": lambda: _("此项必填"),
        "string_too_long": lambda: _("不能超过 %(n)s 个字") % {"n": ctx.get("max_length")},
        "string_too_short": lambda: _("不能为空"),
        "string_pattern_mismatch": lambda: _("格式不正确"),
        "string_type": lambda: _("应为文本"),
        "literal_error": lambda: _("不是可选的值，可选：%(options)s") % {"options": ctx.get("expected", "")},
        "int_parsing": lambda: _("应为整数"),
        "int_type": lambda: _("应为整数"),
        "int_from_float": lambda: _("应为整数"),
        "greater_than_equal": lambda: _("不能小于 %(n)s") % {"n": ctx.get("ge")},
        "less_than_equal": lambda: _("不能大于 %(n)s") % {"n": ctx.get("le")},
        "bool_parsing": lambda: _("应为 true 或 false"),
        "bool_type": lambda: _("应为 true 或 false"),
        "date_from_datetime_parsing": lambda: _("应为日期（YYYY-MM-DD）"),
        "date_parsing": lambda: _("应为日期（YYYY-MM-DD）"),
        "date_type": lambda: _("应为日期（YYYY-MM-DD）"),
        "list_type": lambda: _("应为列表"),
        "too_long": lambda: _("最多 %(n)s 项") % {"n": ctx.get("max_length")},
        "extra_forbidden": lambda: _("不是可接受的字段"),
        "json_invalid": lambda: _("请求内容不是有效的 JSON"),
        "model_attributes_type": lambda: _("请求内容应为 JSON 对象"),
        "dict_type": lambda: _("请求内容应为 JSON 对象"),
    }
    make = messages.get(kind)
    return make() if make else error.get("msg", kind)


# --- errors Django answers outside the API's handlers ----------------------------------------------

PREFIX = "/api/"


def _status_message(status: int, request) -> str:
    messages = {
        400: lambda: _("请求无效"),
        403: lambda: _("您的角色无权进行此操作"),
        404: lambda: _("未找到，或不在您的管辖范围内"),
        405: lambda: _("此地址不接受 %(method)s 请求") % {"method": request.method},
        413: lambda: _("请求内容过大，上限为 %(mb).1f MB") % {"mb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 2**20},
        500: lambda: _("服务器内部错误，已记入日志，请稍后再试"),
    }
    make = messages.get(status)
    return str(make()) if make else str(status)


class ErrorsMiddleware:
    """Under /api/, the answers Django gives in HTML (its 404 and 500 pages, a bare 405, the 400 of
    a body over DATA_UPLOAD_MAX_MEMORY_SIZE) become the API's JSON `{"detail": "…"}`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (request.path.startswith(PREFIX) and response.status_code >= 400
                and not response.get("Content-Type", "").startswith("application/json")):
            json = JsonResponse({"detail": _status_message(response.status_code, request)},
                                status=response.status_code, json_dumps_params={"ensure_ascii": False})
            for header in ("Allow", "WWW-Authenticate"):
                if header in response:
                    json[header] = response[header]
            return json
        return response

    def process_exception(self, request, exception):
        # Django answers 400 (and logs an error with its traceback); it is the client's mistake.
        if request.path.startswith(PREFIX) and isinstance(exception, RequestDataTooBig):
            return JsonResponse({"detail": _status_message(413, request)}, status=413,
                                json_dumps_params={"ensure_ascii": False})
        return None
