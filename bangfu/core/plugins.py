"""The registration points through which an app plugs into the platform.

An app describes what it contributes in one `App` (its URLs, API routers, navigation entries,
home-page sections, region figures, kept figures and exports) and registers it from its AppConfig.ready().
The web shell, the API root, the home page, the region tree and the export views read these
registrations; adding an app touches no other app's files.

An app also says, per scoped model, where users read its records (`Surfaces`): the generated
scope-matrix test (bangfu/tests/test_scope_matrix.py) visits every one of them as every role, so a
new model gets its "outside the region is invisible" tests from its registration alone.
"""

import dataclasses
from collections.abc import Callable
from typing import Any


@dataclasses.dataclass(frozen=True)
class NavItem:
    label: Any  # a lazy translation
    url_name: str
    perm: str | None = None
    order: int = 100
    # URL names under which this entry shows as the current page (its own by default)
    active: tuple[str, ...] = ()

    def is_active(self, url_name: str | None) -> bool:
        return url_name == self.url_name or url_name in self.active


@dataclasses.dataclass(frozen=True)
class HomeSection:
    """A part of the home page: a template and the context it needs, for users holding `perm`."""

    template: str
    context: Callable[[Any], dict]  # (user) -> context
    perm: str | None = None
    order: int = 100


@dataclasses.dataclass(frozen=True)
class RegionFigure:
    """A count shown beside every node of the region tree (pages and API)."""

    key: str
    label: Any
    perm: str
    # (user, prefix of the node, level of the children) -> {child code: count}
    by_child: Callable[[Any, str, int], dict[str, int]]
    # (user, prefix) -> count under the node
    total: Callable[[Any, str], int]
    list_url: str | None = None  # URL name of the list that ?region=<prefix> narrows
    # (user, prefix) -> core.figures.Reading: pages show since when kept figures stand ("as of")
    reading: Callable[[Any, str], Any] | None = None


@dataclasses.dataclass(frozen=True)
class Surfaces:
    """Where users read the records of a scoped model (core.permissions.register_scope).

    URL names take the record's primary key as their one argument. A list may be a page of its
    own (a URL name) or part of another record's page: `list_page` is then a callable giving the
    URL of the page that lists this record (a survey is listed on its person's page).
    """

    model: type
    perm: str                                   # the permission that reads the records
    page: str | None = None                     # URL name of the record's own page
    api: str | None = None                      # URL name of the record in the API
    list_page: str | Callable[[Any], str] | None = None
    api_list: str | None = None                 # URL name of the API list (items carry "id")
    export: str | None = None                   # name of a registered core.exports.Export
    # Further pages and API endpoints of one record (its history, its edit form), each with the
    # permission it needs: (URL name, permission); API URL names start with "api:".
    more: tuple[tuple[str, str], ...] = ()
    shown_as: Callable[[Any], str] = str        # the text by which a page or an export shows the record


@dataclasses.dataclass(frozen=True)
class App:
    name: str
    urls: str | None = None                      # module with `urlpatterns`, included at /
    api: tuple[tuple[str, str], ...] = ()        # (prefix, "module:router")
    nav: tuple[NavItem, ...] = ()
    home: tuple[HomeSection, ...] = ()
    region_figures: tuple[RegionFigure, ...] = ()
    exports: tuple[Any, ...] = ()                # core.exports.Export
    surfaces: tuple[Surfaces, ...] = ()          # where each of its scoped models is read
    kept_figures: tuple[Any, ...] = ()           # core.figures.Keeper: `bangfu refresh` recounts them


_APPS: dict[str, App] = {}


def register(app: App) -> None:
    _APPS[app.name] = app


def apps() -> list[App]:
    return list(_APPS.values())


def nav_items() -> list[NavItem]:
    return sorted((item for app in _APPS.values() for item in app.nav), key=lambda item: item.order)


def home_sections() -> list[HomeSection]:
    return sorted((s for app in _APPS.values() for s in app.home), key=lambda s: s.order)


def region_figures() -> list[RegionFigure]:
    return [figure for app in _APPS.values() for figure in app.region_figures]


def kept_figures() -> list[Any]:
    return [keeper for app in _APPS.values() for keeper in app.kept_figures]


def exports() -> dict[str, Any]:
    return {export.name: export for app in _APPS.values() for export in app.exports}


def surfaces() -> dict[type, Surfaces]:
    return {declared.model: declared for app in _APPS.values() for declared in app.surfaces}
