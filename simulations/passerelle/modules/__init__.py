"""The built-in modules of the model, the default order of a scenario's modules, and the
registry that finds a module class by name (built-in or a ``package.module:Class`` plugin).

``DEFAULT`` is the model itself (what the baseline runs). The interventions
(facilitators, centres, policies) and the per-person ``ledger`` are built in too, but a
scenario only runs them when its ``modules`` list names them or a section configures them.
"""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Iterable

from passerelle.engine.module import Module
from passerelle.modules.cascade import Cascade
from passerelle.modules.centres import Centres
from passerelle.modules.costs import Costs
from passerelle.modules.coverage import Coverage
from passerelle.modules.demography import Demography
from passerelle.modules.escalation import Escalation
from passerelle.modules.facilitators import Facilitators
from passerelle.modules.health import Health
from passerelle.modules.ledger import Ledger
from passerelle.modules.needs import Needs
from passerelle.modules.outcomes import Outcomes
from passerelle.modules.policies import Policies
from passerelle.modules.regular_gp import RegularGp

MODEL: tuple[type[Module], ...] = (
    Demography, Coverage, Needs, Cascade, RegularGp, Escalation, Health, Costs, Outcomes,
)
INTERVENTIONS: tuple[type[Module], ...] = (Facilitators, Centres, Policies)
BUILTIN: dict[str, type[Module]] = {
    cls.name: cls for cls in (*MODEL, *INTERVENTIONS, Ledger)
}
DEFAULT: tuple[str, ...] = tuple(cls.name for cls in MODEL)
_PLUGIN = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")
MAX_PATH = 200  # characters of a plugin path


class PluginError(ValueError):
    """A plugin that cannot be used; ``str()`` is a one-line message naming it.

    Examples
    --------
    >>> plugin("passerelle.modules.needs:Nope")
    Traceback (most recent call last):
    ...
    passerelle.modules.PluginError: passerelle.modules.needs:Nope: ... has no 'Nope'
    """


def plugin(path: str) -> type[Module]:
    """The module class a ``package.module:Class`` plugin path names.

    Parameters
    ----------
    path : str
        ``package.module:Class``, at most ``MAX_PATH`` characters.

    Returns
    -------
    type of Module
        The class; ``PluginError`` if it cannot be imported or is not a ``Module``.

    Examples
    --------
    >>> plugin("passerelle.modules.needs:Needs").name
    'needs'
    """
    if not isinstance(path, str) or len(path) > MAX_PATH or not _PLUGIN.match(path):
        shown = repr(path) if len(repr(path)) <= MAX_PATH else repr(path)[:MAX_PATH] + "..."
        raise PluginError(f"{shown} is not written package.module:Class (at most {MAX_PATH} "
                          "characters)")
    module_name, _, class_name = path.partition(":")
    try:
        found = getattr(importlib.import_module(module_name), class_name)
    except ImportError as error:
        raise PluginError(f"{path}: cannot import {module_name!r} ({error})") from None
    except AttributeError:
        raise PluginError(f"{path}: {module_name!r} has no {class_name!r}") from None
    if not (inspect.isclass(found) and issubclass(found, Module)):
        kind = ("a class" if inspect.isclass(found) else "a function" if callable(found)
                else f"a {type(found).__name__}")
        raise PluginError(f"{path} is {kind}, not a subclass of "
                          "passerelle.engine.module.Module")
    for attribute, kind in (("name", str), ("order", (int, float))):
        if not isinstance(getattr(found, attribute, None), kind):
            raise PluginError(f"{path}: the class sets no {attribute!r} "
                              f"({'a string' if kind is str else 'a number'})")
    return found


def registry(plugins: Iterable[str] = ()) -> dict[str, type[Module]]:
    """Module classes by name: the built-in ones and ``package.module:Class`` plugins.

    Parameters
    ----------
    plugins : iterable of str
        Plugin paths, ``package.module:Class``.

    Returns
    -------
    dict of str to type of Module

    Examples
    --------
    >>> sorted(registry())[:3]
    ['cascade', 'centres', 'costs']
    """
    found = dict(BUILTIN)
    for path in plugins:
        cls = plugin(path)
        found[cls.name] = cls
    return found


__all__ = ["BUILTIN", "DEFAULT", "INTERVENTIONS", "MODEL", "PluginError", "plugin", "registry"]
