"""The smoke test's headless steps: the bundled sample imports, its running KPIs match a full recompute, and
OR-Tools' native solvers load. They run before Qt is imported (none of them imports it), so a broken Qt
still lets an install report that its data files and native libraries are there.
"""

from __future__ import annotations

from territory_desktop.ui.shell.smoke.harness import Context, SmokeFailure


def check_sample(ctx: Context) -> str:
    """The bundled sample imports through the real importer, with accounts placed on the map."""
    from territory_desktop.io.importing.importer import import_plan
    from territory_desktop.io.sample.generate import bundled_sample_paths

    accounts, reps = bundled_sample_paths()
    result = import_plan(accounts, reps)
    plan = result.plan
    if plan.n_accounts == 0 or plan.n_territories == 0:
        raise SmokeFailure(f"{accounts.name}: imported {plan.n_accounts} accounts into "
                           f"{plan.n_territories} territories")
    located = int(((plan.lat == plan.lat) & (plan.lon == plan.lon)).sum())  # NaN != NaN
    if located == 0:
        raise SmokeFailure(f"{accounts.name}: no account was placed on the map (geocoding data missing?)")
    ctx.plan = plan
    return (f"{plan.n_accounts:,} accounts, {plan.n_territories} territories, {located:,} located, "
            f"{result.rows_rejected} rejected, from {accounts.parent}")


def check_kpis(ctx: Context) -> str:
    """The imported plan's running KPI totals equal `KpiState.full(plan)`."""
    from territory_desktop.core.kpi_state import KpiState

    if not ctx.plan.kpis.equals(KpiState.full(ctx.plan)):
        raise SmokeFailure("the plan's running KPI totals differ from a full recomputation")
    return f"{int(ctx.plan.kpis.counts[:-1].sum()):,} assigned accounts"


def check_ortools(ctx: Context) -> str:
    """Both native solvers the engine uses load and solve (the co-pilot's first plan may come from the numpy
    heuristic alone, so it would not notice a missing OR-Tools library)."""
    from ortools.linear_solver import pywraplp
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    x, y = model.new_int_var(0, 10, "x"), model.new_int_var(0, 10, "y")
    model.add(x + 2 * y <= 14)
    model.maximize(3 * x + 4 * y)
    cp = cp_model.CpSolver()
    status = cp.solve(model)
    if status != cp_model.OPTIMAL or cp.objective_value != 38:
        raise SmokeFailure(f"CP-SAT: expected the optimum 38 of a two-variable model, got {status} "
                           f"{cp.objective_value}")
    mip = pywraplp.Solver.CreateSolver("SCIP")
    if mip is None:
        raise SmokeFailure("SCIP is not available in this OR-Tools build")
    a, b = mip.IntVar(0, 10, "a"), mip.IntVar(0, 10, "b")
    mip.Add(a + 2 * b <= 14)
    mip.Maximize(3 * a + 4 * b)
    if mip.Solve() != pywraplp.Solver.OPTIMAL or round(mip.Objective().Value()) != 38:
        raise SmokeFailure("SCIP: did not find the optimum 38 of a two-variable MIP")
    return "CP-SAT and SCIP solve a small model"
