"""What a person holds in the portal, for handing it over when they move (人事異動).

Apps above the core say what can be held, in their own `holdings.py`, imported by their
AppConfig.ready (the core never imports them):

    @holding_kind("spaces.coordinator", _("Space coordinator"))
    class SpaceCoordinator:
        def held_by(person, organisation) -> Iterable[Holding]: ...
        def transfer(object_id, person, successor) -> None: ...

`held_by` answers in one query whatever the person holds; `transfer` passes one holding
from `person` to `successor` inside the caller's transaction (services.handover_complete
holds the locks) and raises nothing for a holding that is already gone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from django.utils.functional import Promise


@dataclass(frozen=True)
class Holding:
    """One thing `person` holds: `kind` (a registered name), `object_id`, the words
    that name it for the organisation's admin (`label`, in the reader's language when
    rendered, stored as shown at the move) and a path on this site (`url`)."""

    kind: str
    object_id: int
    label: str
    url: str = ""


class HoldingKind(Protocol):
    """The two questions a kind of holding answers (see the module's docstring)."""

    @staticmethod
    def held_by(person, organisation) -> Iterable[Holding]: ...

    @staticmethod
    def transfer(object_id: int, person, successor) -> None: ...


@dataclass(frozen=True)
class _Registered:
    name: str
    title: str | Promise
    kind: type


_KINDS: dict[str, _Registered] = {}


def holding_kind(name: str, title: str | Promise) -> Callable[[type], type]:
    """Register a kind of holding under `name` ("app.what"), shown as `title`."""

    def register(kind: type) -> type:
        _KINDS[name] = _Registered(name, title, kind)
        return kind

    return register


def kinds() -> list[_Registered]:
    """The registered kinds, in registration order."""
    return list(_KINDS.values())


def title_of(name: str) -> str | Promise:
    """The title of the kind `name`, or the name itself for a kind no longer registered."""
    registered = _KINDS.get(name)
    return registered.title if registered else name


def holdings_of(person, organisation) -> list[Holding]:
    """Everything `person` holds as a member of `organisation`: one query per registered
    kind, however much they hold."""
    found: list[Holding] = []
    for registered in _KINDS.values():
        found.extend(registered.kind.held_by(person, organisation))
    return found


def transfer(kind: str, object_id: int, person, successor) -> None:
    """Pass the holding (`kind`, `object_id`) from `person` to `successor`. Raises
    LookupError for a kind not registered."""
    _KINDS[kind].kind.transfer(object_id, person, successor)
