"""The built-in modules of the model, and the default order of a scenario's modules."""

from passerelle.module import Module
from passerelle.modules.cascade import Cascade
from passerelle.modules.costs import Costs
from passerelle.modules.coverage import Coverage
from passerelle.modules.demography import Demography
from passerelle.modules.escalation import Escalation
from passerelle.modules.needs import Needs
from passerelle.modules.outcomes import Outcomes
from passerelle.modules.regular_gp import RegularGp

BUILTIN: dict[str, type[Module]] = {
    cls.name: cls
    for cls in (Demography, Coverage, Needs, Cascade, RegularGp, Escalation, Costs, Outcomes)
}
DEFAULT: tuple[str, ...] = tuple(BUILTIN)

__all__ = ["BUILTIN", "DEFAULT"]
