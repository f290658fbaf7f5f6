"""Who pays for care: each payer by the key of its cost measure (``cost_<key>``, EUR) and
the name a reader sees in tables and plots; and the perspectives of an economic evaluation,
each the payers whose costs it counts.

- The **health-care payer** perspective, the reference case of the Belgian guideline (KCE
  Report 183C, Cleemput et al. 2012: costs to the government and patients' contributions):
  INAMI, patients, the federal state (AMU through the CPAS, Fedasil) and the programme
  funders (the interventions' own cost).
- The **societal** perspective adds the hospitals' unpaid bills: care given that no payer
  pays is still a resource used (it falls on the hospitals' accounts as bad debt).
  Productivity losses are left out: KCE's reference case excludes indirect costs, and no
  sourced Belgian wage or friction-period figure is in the model's sources.

Examples
--------
>>> cost_name("federal")
'cost to the federal state'
>>> PERSPECTIVES["societal"].payers[-1], PERSPECTIVES["societal"].measure
('unpaid', 'cost_societal')
"""

from __future__ import annotations

from dataclasses import dataclass

PAYER_NAMES = {
    "inami": "INAMI",
    "patient": "patients",
    "federal": "the federal state",
    "programme": "programme funders",
    "unpaid": "hospitals (unpaid bills, bad debt)",
}


def cost_name(payer: str) -> str:
    """The human text of the cost measure of ``payer`` (``cost to INAMI``)."""
    return f"cost to {PAYER_NAMES[payer]}"


@dataclass(frozen=True)
class Perspective:
    """A perspective of an economic evaluation: its ``key``, the ``name`` every result it
    gives is labelled with, and the ``payers`` whose costs it counts (``scope`` says
    which)."""

    key: str
    name: str
    payers: tuple[str, ...]

    @property
    def measure(self) -> str:
        """The column of its total cost in the outputs (EUR): ``cost_<key>``."""
        return f"cost_{self.key}"

    @property
    def scope(self) -> str:
        """The payers it counts, as text (``INAMI, patients, ...``)."""
        return ", ".join(PAYER_NAMES[payer] for payer in self.payers)


HEALTH_CARE_PAYER = Perspective("health_care_payer", "health-care payer",
                                ("inami", "patient", "federal", "programme"))
SOCIETAL = Perspective("societal", "societal", (*HEALTH_CARE_PAYER.payers, "unpaid"))
PERSPECTIVES = {perspective.key: perspective for perspective in (HEALTH_CARE_PAYER, SOCIETAL)}
