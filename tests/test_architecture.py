"""The package's shape: layers that import one way, no import cycle, small files.

Layers, lowest first: the engine, the model's modules, configuration, and the
applications on top (``apps``, ``datasets``, ``bench``, the evaluation designs and the
package itself). A module may import its own layer and the layers below. The evaluation
lab's estimators (``evaluate/`` outside ``evaluate/designs/``) are pure functions of data
frames: they import nothing of the simulator.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

import passerelle

PACKAGE = Path(passerelle.__file__).parent
LAYERS = {"engine": 0, "modules": 1, "config": 2}
APPLICATIONS = 3
PURE = "passerelle.evaluate"
DESIGNS = "passerelle.evaluate.designs"
MAX_LINES = 400
# Entry points may import a command's code when the command runs, so that `--help` stays
# fast; only the command line imports them, so they cannot hide a cycle. The course's
# commands import nbgrader (seconds) and numpy only when they run. bench/harness imports
# the comparisons with Starsim and Mesa (optional extras) only when asked for. The course's
# kernel server, a process of its own, sets numba's and matplotlib's cache folders before it
# imports the simulator.
LAZY_ALLOWED = {"passerelle.course.kernel_server", "passerelle.apps.cli",
                "passerelle.apps.cli.calibration",
                "passerelle.apps.cli.failures",
                "passerelle.apps.cli.goals", "passerelle.apps.cli.listings",
                "passerelle.apps.cli.runs", "passerelle.apps.cli.studies",
                "passerelle.apps.cli.hta",
                "passerelle.course.cli", "passerelle.course.instructor_cli",
                "passerelle.datasets.cli", "passerelle.datasets", "passerelle.bench.harness"}
# Files over the limit, at their size then: they may shrink, not grow (none left).
SIZE_DEBT: dict[str, int] = {}


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


FILES = {_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _layer(module: str) -> int:
    parts = module.split(".")
    return LAYERS.get(parts[1], APPLICATIONS) if len(parts) > 1 else APPLICATIONS


def _is_type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def _imports(tree: ast.AST, module: str) -> list[tuple[str, ast.AST, bool]]:
    """(imported passerelle module, node, at module level) for each executed import."""
    found: list[tuple[str, ast.AST, bool]] = []

    def visit(node: ast.AST, top: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                continue
            if isinstance(child, ast.ImportFrom) and child.module:
                base = child.module
                if child.level:
                    parts = module.split(".")
                    package = parts if module in PACKAGES else parts[:-1]
                    base = ".".join([*package[: len(package) - child.level + 1], child.module])
                for alias in child.names:
                    target = f"{base}.{alias.name}"
                    found.append((target if target in FILES else base, child, top))
            elif isinstance(child, ast.Import):
                found.extend((alias.name, child, top) for alias in child.names)
            inner = isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            visit(child, top and not inner)

    visit(tree, True)
    return [(name, node, top) for name, node, top in found
            if name == "passerelle" or name.startswith("passerelle.")]


PACKAGES = {name for name, path in FILES.items() if path.name == "__init__.py"}
TREES = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in FILES.items()}
IMPORTS = {name: _imports(tree, name) for name, tree in TREES.items()}


def test_imports_go_down_the_layers() -> None:
    wrong = []
    for module, imports in IMPORTS.items():
        for target, node, _ in imports:
            pure = module.startswith(PURE) and not module.startswith(DESIGNS)
            if pure and not (target.startswith(PURE) and not target.startswith(DESIGNS)):
                wrong.append(f"{module}:{node.lineno} (a pure estimator) imports {target}")
            elif _layer(target) > _layer(module):
                wrong.append(f"{module}:{node.lineno} imports {target}, a layer above it")
    assert wrong == []


def test_no_function_level_import_of_the_package() -> None:
    """A deferred import can hide a cycle; only the entry points defer theirs."""
    deferred = [f"{module}:{node.lineno} imports {target} inside a function"
                for module, imports in IMPORTS.items()
                if module not in LAZY_ALLOWED
                for target, node, top in imports
                if not top]
    assert deferred == []


def test_the_import_graph_has_no_cycle() -> None:
    graph = {module: {target for target, _, _ in imports if target in FILES}
             for module, imports in IMPORTS.items()}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target):], target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


# Each module's code is compiled once and kept, as a .pyc would keep it (without one, e.g.
# under PYTHONDONTWRITEBYTECODE, every import compiled its whole chain again: an eighth of
# the time); the modules still execute afresh for each name.
IMPORT_EACH_FIRST = """
import importlib, importlib.machinery, sys, traceback
compiled = {}
compile_source = importlib.machinery.SourceFileLoader.source_to_code
def compile_once(loader, data, path, *args, **kwargs):
    key = (path, bytes(data))
    if key not in compiled:
        compiled[key] = compile_source(loader, data, path, *args, **kwargs)
    return compiled[key]
importlib.machinery.SourceFileLoader.source_to_code = compile_once
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "passerelle" or m.startswith("passerelle.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception:
        failed.append(name + ": " + traceback.format_exc(limit=-3))
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""
HALVES = 2


@pytest.mark.parametrize("half", range(HALVES))
def test_every_module_imports_first_in_a_fresh_interpreter(half: int) -> None:
    """Each module, imported before any other of the package, imports cleanly: no order
    of imports depends on another module having been imported first."""
    names = sorted(FILES)[half::HALVES]
    done = subprocess.run([sys.executable, "-c", IMPORT_EACH_FIRST, *names],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_no_file_of_the_package_is_over_the_limit() -> None:
    long = {name: n for name, path in FILES.items()
            if (n := len(path.read_text(encoding="utf-8").splitlines()))
            > SIZE_DEBT.get(name, MAX_LINES)}
    assert long == {}


# The model's shared names, each defined in one module that every other imports it from.
SHARED = {"passerelle.engine.steps": ("STEPS",),
          "passerelle.engine.timeline": ("NEVER", "END_OF_TIME"),
          "passerelle.engine.sources": ("BRUSSELS", "FLANDERS", "WALLONIA"),
          "passerelle.engine.groups": ("QUINTILES", "AGE_BANDS"),
          "passerelle.modules": ("BUILTIN", "DEFAULT", "registry")}
HOME = {name: home for home, names in SHARED.items() for name in names}


def _docstrings(tree: ast.AST) -> set[int]:
    return {id(node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}


def _literal(node: ast.AST) -> str | tuple | None:
    try:
        value = ast.literal_eval(node)
        hash(value)
    except (ValueError, TypeError):
        return None
    return value if isinstance(value, str | tuple) and len(value) > 1 else None


def _misplaced(module: str, node: ast.AST, literals: dict, docstrings: set[int]) -> list[str]:
    if isinstance(node, ast.Assign | ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        named = {n.id for target in targets for n in ast.walk(target) if isinstance(n, ast.Name)}
        return [f"{module}:{node.lineno} defines {name}, whose home is {HOME[name]}"
                for name in sorted(named & HOME.keys()) if module != HOME[name]]
    if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("passerelle"):
        return [f"{module}:{node.lineno} imports {alias.name} from {node.module}, not from "
                f"{HOME[alias.name]}" for alias in node.names
                if alias.name in HOME and node.module != HOME[alias.name]
                and f"{node.module}.{alias.name}" not in FILES]  # a module of that name
    if isinstance(node, ast.Constant | ast.Tuple) and id(node) not in docstrings:
        name = literals.get(_literal(node))
        if name is not None and module != HOME[name]:
            return [f"{module}:{node.lineno} writes the value of {HOME[name]}.{name}"]
    return []


def test_each_shared_constant_has_one_home() -> None:
    """Defined once, imported from its home (not through a module that imports it), and
    its value written nowhere else: a region name or the cascade's steps in one place."""
    literals = {_hashable(getattr(importlib.import_module(home), name)): name
                for name, home in HOME.items()}
    wrong = []
    for module, tree in TREES.items():
        docstrings = _docstrings(tree)
        top = {id(node) for node in tree.body}
        wrong += [problem for node in ast.walk(tree)
                  if id(node) in top or not isinstance(node, ast.Assign | ast.AnnAssign)
                  for problem in _misplaced(module, node, literals, docstrings)]
    assert wrong == []


def _hashable(value: object) -> object:
    return value if isinstance(value, str | tuple) else id(value)


def test_a_module_s_parameters_are_set_only_by_the_module() -> None:
    """No code assigns another module's ``pars``: an intervention changes a value through a
    declared modifier (``passerelle.engine.values``), so a cached derivative of a parameter
    cannot silently keep the old value."""
    assigned = [f"{module}:{node.lineno}" for module, tree in TREES.items()
                for node in ast.walk(tree) if isinstance(node, ast.Assign | ast.AugAssign)
                for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
                if isinstance(target, ast.Attribute) and target.attr == "pars"
                and not (isinstance(target.value, ast.Name) and target.value.id == "self")]
    assert assigned == []


def test_an_intervention_changes_other_modules_state_through_them() -> None:
    """An intervention writes its own columns and the person's shared attributes (rights,
    a regular GP); another module's state it changes by that module's method
    (``needs.open``, ``coverage.file_amu``) or a modifier of a value it exposes."""
    modules = importlib.import_module("passerelle.modules")
    owner = {column.name: cls.name for cls in modules.BUILTIN.values()
             for column in cls.columns}
    wrong = []
    for cls in modules.INTERVENTIONS:
        for node in ast.walk(TREES[cls.__module__]):
            targets = (node.targets if isinstance(node, ast.Assign)
                       else [node.target] if isinstance(node, ast.AugAssign) else [])
            for target in targets:
                written = target.value if isinstance(target, ast.Subscript) else target
                if (isinstance(written, ast.Attribute) and isinstance(written.value, ast.Name)
                        and written.value.id == "people"
                        and owner.get(written.attr, cls.name) != cls.name):
                    wrong.append(f"{cls.__module__}:{node.lineno} writes "
                                 f"{owner[written.attr]}'s {written.attr}")
    assert wrong == []


def test_month_columns_are_named_one_way() -> None:
    """A column holding a month (``NEVER`` until its event) ends in ``_month``, and only
    such a column does: ``need_since_month``, not ``ti_need`` or ``month_need_since``."""
    never = importlib.import_module("passerelle.engine.timeline").NEVER
    modules = importlib.import_module("passerelle.modules").BUILTIN
    wrong = [f"{name}.{column.name}" for name, cls in modules.items() for column in cls.columns
             if (column.default == never) != column.name.endswith("_month")]
    assert wrong == []


def test_a_month_column_holds_every_supported_month_and_its_distance_to_never() -> None:
    """Month columns are two bytes (``MONTH``): every month a run can reach, the birth month
    of a 100-year-old at the earliest burn-in, and a month minus ``NEVER`` (how long since
    an event that never happened) all fit, so no comparison or difference can wrap."""
    timeline = importlib.import_module("passerelle.engine.timeline")
    units = importlib.import_module("passerelle.engine.units")
    run = importlib.import_module("passerelle.config.scenario_tables").RunSpec
    modules = importlib.import_module("passerelle.modules").BUILTIN
    oldest = importlib.import_module("passerelle.config.attributes").OLDEST_DRAWN

    def most(field: str) -> int:
        return next(rule.le for rule in run.model_fields[field].metadata if hasattr(rule, "le"))

    limits = importlib.import_module("numpy").iinfo(timeline.MONTH)
    latest = timeline.parse_month(units.LAST_MONTH) + most("months")
    earliest_birth = timeline.parse_month(units.FIRST_MONTH) - most("burn_in") - oldest * 12
    assert limits.min <= timeline.NEVER < earliest_birth
    assert latest - timeline.NEVER <= limits.max and latest - earliest_birth <= limits.max
    wrong = [f"{name}.{column.name}" for name, cls in modules.items() for column in cls.columns
             if column.name.endswith("_month") and column.dtype != timeline.MONTH]
    assert wrong == []


def test_an_intervention_s_shifts_of_the_cascade_are_named_one_way() -> None:
    """Log-odds an intervention adds to a step are ``<step>_effect``
    (``perceive_effect``, ``tiers_payant_pay_effect``), never a boost or an uplift."""
    modules = importlib.import_module("passerelle.modules")
    steps = importlib.import_module("passerelle.engine.steps").STEPS
    provenance = importlib.import_module("passerelle.engine.parameters").provenance
    wrong = [f"{cls.name}.{row['name']}" for cls in modules.INTERVENTIONS
             for row in provenance(cls.Params) if row["unit"] == "log-odds"
             and not any(row["name"].endswith(f"{step}_effect") for step in steps)]
    assert wrong == []


SINGLE_BACKTICKS = re.compile(r"(?<![`\w:])`[^`\n]+`(?![`\w])")


def test_docstrings_write_code_in_double_backticks() -> None:
    """One style: ``code`` (Sphinx roles such as :mod:`x` apart)."""
    single = [f"{module}:{node.lineno}" for module, tree in TREES.items()
              for node in ast.walk(tree)
              if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
              and isinstance(node.value.value, str) and SINGLE_BACKTICKS.search(node.value.value)]
    assert single == []


# The public API a researcher calls: every name these namespaces export, the names of
# other modules that a module, a notebook or the guides (README, CONTRIBUTING, docs) use,
# and the interventions; a class's public methods with it. A method that overrides one of
# a base class of the package (``Module.step``) is documented there.
PUBLIC_NAMESPACES = ("passerelle", "passerelle.evaluate", "passerelle.evaluate.designs",
                     "passerelle.evaluate.designs.replicate", "passerelle.datasets",
                     "passerelle.modules", "passerelle.modules.facilitators",
                     "passerelle.modules.policies", "passerelle.config.scenario",
                     "passerelle.config.targets", "passerelle.course.coverage_tracker",
                     "passerelle.apps.compare", "passerelle.apps.compare_equity",
                     "passerelle.apps.psa")
CALLED_BY_NAME = {"passerelle.engine.sim": ("Sim",),
                  "passerelle.engine.module": ("Module", "Measure"),
                  "passerelle.engine.people": ("People", "Column"),
                  "passerelle.engine.results": ("Results",),
                  "passerelle.engine.values": ("Values",),
                  "passerelle.engine.plan": ("ScenarioError",),
                  "passerelle.engine.parameters": ("Params", "sourced", "calibrated",
                                                   "assumption", "design", "provenance"),
                  "passerelle.engine.store": ("connect",),
                  "passerelle.apps.budget": ("budget",),
                  "passerelle.course.survey_estimates": ("design_variance",)}


def _public_callables() -> dict[str, object]:
    found: dict[str, object] = {}
    for namespace in PUBLIC_NAMESPACES:
        module = importlib.import_module(namespace)
        for name in module.__all__:
            value = getattr(module, name)
            if callable(value):
                found[f"{namespace}.{name}"] = value
    for home, names in CALLED_BY_NAME.items():
        module = importlib.import_module(home)
        found.update({f"{home}.{name}": getattr(module, name) for name in names})
    for cls in importlib.import_module("passerelle.modules").INTERVENTIONS:
        found[f"{cls.__module__}.{cls.__name__}"] = cls
    for label, value in list(found.items()):
        if isinstance(value, type):
            inherited = {name for base in value.__mro__[1:]
                         if base.__module__.startswith("passerelle") for name in vars(base)}
            found.update({f"{label}.{name}": method for name, method in vars(value).items()
                          if inspect.isfunction(method) and not name.startswith("_")
                          and name not in inherited})
    return found


def _takes_arguments(value: object) -> bool:
    try:
        signature = inspect.signature(value)
    except (TypeError, ValueError):
        return False
    return any(name not in ("self", "cls") for name in signature.parameters)


def _returns(value: object) -> bool:
    if isinstance(value, type):
        return False
    annotation = inspect.signature(value).return_annotation
    return annotation not in (None, "None", inspect.Signature.empty)


def test_the_public_api_has_numpydoc_docstrings_with_an_example() -> None:
    """Parameters when it takes arguments, Returns when it returns, and a doctest that
    runs (none skipped)."""
    lacking = []
    for label, value in _public_callables().items():
        doc = inspect.getdoc(value) or ""
        missing = [section for section, needed in (
            ("Parameters", _takes_arguments(value)), ("Returns", _returns(value)),
            (">>> ", True)) if needed and section not in doc]
        if missing:
            lacking.append(f"{label}: no {', '.join(missing)}")
        if "+SKIP" in doc:
            lacking.append(f"{label}: a skipped doctest")
    assert lacking == []
