"""The lab's heavy libraries, imported when an estimator first needs them.

``statsmodels.api`` takes about 1.3 s of CPU to import (it pulls scipy.stats, scipy.signal
and a formula parser) and ``scipy.spatial`` about 0.4 s: imported at the top of their
modules they made every ``import passerelle.evaluate`` pay for them, although the
cost-effectiveness and equity functions (and a course notebook that only uses those, such as
tp08) never fit a model. The estimators that do fit one call these functions where they fit.
"""

from __future__ import annotations

import importlib
from types import ModuleType


def statsmodels_api() -> ModuleType:
    """``statsmodels.api``, imported on the first call (from ``sys.modules`` afterwards).

    Examples
    --------
    >>> statsmodels_api().OLS.__name__
    'OLS'
    """
    return importlib.import_module("statsmodels.api")


def kd_tree() -> type:
    """scipy's ``cKDTree`` (nearest neighbours), imported on the first call.

    Examples
    --------
    >>> kd_tree().__name__
    'cKDTree'
    """
    return importlib.import_module("scipy.spatial").cKDTree
