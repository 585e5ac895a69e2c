"""The REST API (django-ninja): /api/, its OpenAPI spec at /api/openapi.json, docs at /api/docs."""

from ninja import NinjaAPI

api = NinjaAPI(title="bangfu API", version="1", urls_namespace="api")
