"""The built-in modules of the model, and the default order of a scenario's modules.

``DEFAULT`` is the model itself (what the baseline runs). The interventions
(facilitators, centres, policies) and the per-person ``ledger`` are built in too, but a
scenario only runs them when its ``modules`` list names them.
"""

from passerelle.engine.module import Module
from passerelle.modules.cascade import Cascade
from passerelle.modules.centres import Centres
from passerelle.modules.costs import Costs
from passerelle.modules.coverage import Coverage
from passerelle.modules.demography import Demography
from passerelle.modules.escalation import Escalation
from passerelle.modules.facilitators import Facilitators
from passerelle.modules.ledger import Ledger
from passerelle.modules.needs import Needs
from passerelle.modules.outcomes import Outcomes
from passerelle.modules.policies import Policies
from passerelle.modules.regular_gp import RegularGp

MODEL: tuple[type[Module], ...] = (
    Demography, Coverage, Needs, Cascade, RegularGp, Escalation, Costs, Outcomes,
)
INTERVENTIONS: tuple[type[Module], ...] = (Facilitators, Centres, Policies)
BUILTIN: dict[str, type[Module]] = {
    cls.name: cls for cls in (*MODEL, *INTERVENTIONS, Ledger)
}
DEFAULT: tuple[str, ...] = tuple(cls.name for cls in MODEL)

__all__ = ["BUILTIN", "DEFAULT", "INTERVENTIONS", "MODEL"]
