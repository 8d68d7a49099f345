"""The ``airguard`` command line.

Every command imports the simulator lazily, so ``airguard --help`` and
``airguard --version`` answer at once.  Input errors (scenario, catalogue)
print one message naming the file, line and field, and exit with status 2.
"""

from __future__ import annotations

import errno
import functools
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from airguard._suggest import did_you_mean
from airguard._version import __version__
from airguard.cli._common import (
    EXIT_INPUT,
    FILES_PANEL,
    JSON_HELP,
    RUN_PANEL,
    START_PANEL,
    STUDIES_PANEL,
    WORKERS_HELP,
    OrderedGroup,
    choice,
    compile_kernels,
    echo_json,
    fail,
    stdout_console,
)
from airguard.errors import InputError

if TYPE_CHECKING:
    from rich.console import Console

    from airguard.montecarlo.campaign import Run

app = typer.Typer(
    name="airguard",
    help="Engagement-level Monte Carlo simulation of ground-based air and missile defence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=OrderedGroup,
)
catalogue_app = typer.Typer(help="Browse the system catalogue.", no_args_is_help=True)
app.add_typer(catalogue_app, name="catalogue", rich_help_panel=FILES_PANEL)


def _add_calc() -> None:
    from airguard.cli.calc import calc_app

    app.add_typer(
        calc_app,
        name="calc",
        help="Calculators: radar, detection, horizon, flight, guidance.",
        rich_help_panel=FILES_PANEL,
    )


_add_calc()


def _add_front_ends() -> None:
    from airguard.cli.report import register

    register(app)


_add_front_ends()


def _add_track() -> None:
    from airguard.cli.track import track

    app.command("track", rich_help_panel=STUDIES_PANEL)(track)


_add_track()


def _add_coverage() -> None:
    from airguard.cli.coverage import coverage

    app.command(name="coverage", rich_help_panel=STUDIES_PANEL)(coverage)


_add_coverage()


def _add_exposure() -> None:
    from airguard.cli.exposure import exposure

    app.command(name="exposure", rich_help_panel=STUDIES_PANEL)(exposure)


_add_exposure()


def _add_optimize() -> None:
    from airguard.cli.optimize import optimize

    app.command(name="optimize", rich_help_panel=STUDIES_PANEL)(optimize)


_add_optimize()


def _add_example() -> None:
    from airguard.cli.example import example

    app.command(name="example", rich_help_panel=START_PANEL)(example)


_add_example()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"airguard {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """airguard: which defence protects what, at what cost, and how surely."""


FileArg = Annotated[Path, typer.Argument(help="Scenario file (YAML).", show_default=False)]


@app.command(rich_help_panel=FILES_PANEL)
def validate(file: FileArg) -> None:
    """Check a scenario file and its catalogue references without running it."""
    from airguard.scenario import load_scenario

    try:
        scenarios = load_scenario(file)
    except InputError as exc:
        fail(str(exc))
    names = ", ".join(s.label for s in scenarios)
    typer.echo(
        f"{file}: valid ({len(scenarios)} variant{'s' if len(scenarios) > 1 else ''}: {names})"
    )


@app.command(rich_help_panel=FILES_PANEL)
def schema() -> None:
    """Print the JSON Schema of scenario files (for editor autocompletion)."""
    from airguard.scenario import scenario_json_schema

    typer.echo(json.dumps(scenario_json_schema(), indent=2))


@app.command(rich_help_panel=START_PANEL)
def run(
    file: FileArg,
    reps: Annotated[
        int, typer.Option("--reps", "-n", min=1, help="Replications per variant.")
    ] = 1000,
    seed: Annotated[
        int | None, typer.Option(help="Campaign seed (default: the scenario's).")
    ] = None,
    workers: Annotated[int | None, typer.Option(min=1, help=WORKERS_HELP)] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Run directory (default: runs/<name>-<time>)."),
    ] = None,
    variant: Annotated[str | None, typer.Option(help="Run only this variant.")] = None,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print only the summaries, as JSON, on stdout (no table)."),
    ] = False,
    batch_size: Annotated[int | None, typer.Option(min=1, help="Replications per batch.")] = None,
    overwrite: Annotated[
        bool, typer.Option(help="Replace the tables of an existing run directory.")
    ] = False,
    resume: Annotated[
        Path | None,
        typer.Option(
            metavar="RUN",
            help="Continue the interrupted run in RUN (instead of --out), with the same scenario, "
            "--seed and --reps: only the replications it lacks are run.",
        ),
    ] = None,
    backend: Annotated[
        str, typer.Option(metavar="local|ray", help="Run batches on local processes or on Ray.")
    ] = "local",
    address: Annotated[
        str | None,
        typer.Option(help="Ray cluster address (default: start a local Ray instance)."),
    ] = None,
    uncertainty: Annotated[
        bool,
        typer.Option(
            "--uncertainty",
            help="Instead of one campaign, sample the contested catalogue figures (low, nominal, "
            "high with probabilities 1/4, 1/2, 1/4) and report which decide each outcome "
            "(Sobol indices).",
        ),
    ] = False,
    designs: Annotated[
        int,
        typer.Option(
            min=2,
            help="With --uncertainty: base samples N (a power of 2); N·(D + 2) designs run for "
            "D contested figures.",
        ),
    ] = 16,
    reps_per_design: Annotated[
        int, typer.Option(min=1, help="With --uncertainty: replications per design.")
    ] = 16,
) -> None:
    """Run a scenario's variants and print their summaries side by side."""
    from rich.console import Console

    from airguard.montecarlo import BACKENDS, BackendError
    from airguard.montecarlo.campaign import simulate
    from airguard.scenario import load_scenario

    if backend not in BACKENDS:
        hint = did_you_mean(backend, BACKENDS)
        fail(f"--backend: expected one of {', '.join(BACKENDS)}, got '{backend}'{hint}")
    if address is not None and backend != "ray":
        fail("--address names a Ray cluster: pass it with --backend ray")
    try:
        scenarios = load_scenario(file, variant=variant)
    except InputError as exc:
        fail(str(exc))
    if uncertainty:
        _run_uncertainty(scenarios, designs, reps_per_design, seed, workers, out, as_json)
        return
    if backend == "ray":  # start or reach Ray before anything is written or shown
        from airguard.montecarlo import default_workers
        from airguard.montecarlo.ray_backend import ensure_ray

        try:
            ensure_ray(min(workers or default_workers(), reps), address)
        except BackendError as exc:
            fail(str(exc))

    if resume is not None:
        targets = _resume_targets(scenarios, resume, out, overwrite, reps, seed)
    else:
        targets = _fresh_targets(scenarios, out, overwrite)
    err = Console(stderr=True)
    runs: list[Run] = []
    compile_kernels(err, scenarios[0], as_json)
    with _progress(err, as_json) as progress:
        for sc, target in zip(scenarios, targets, strict=True):
            task = progress.add_task(f"{sc.label:>12}", total=reps)
            try:
                result = simulate(
                    sc,
                    reps,
                    seed=seed,
                    workers=workers,
                    out=target,
                    batch_size=batch_size,
                    on_batch=functools.partial(_advance, progress, task),
                    resume=resume is not None,
                    backend=backend,
                    address=address,
                )
            except (InputError, BackendError) as exc:
                progress.stop()  # the bars first, the error last
                fail(str(exc))
            runs.append(result)
    _print_runs(runs, reps, resume is not None, as_json, err)


def _recorded(path: Path) -> dict[str, Any] | None:
    """What a run directory records of its run, if it holds one."""
    from airguard.results.store import read_manifest, read_progress

    if (path / "manifest.json").is_file():
        return read_manifest(path)
    return read_progress(path)


def _resume_targets(
    scenarios: list[Any],
    resume: Path,
    out: Path | None,
    overwrite: bool,
    reps: int,
    seed: int | None,
) -> list[Path]:
    """The run directory of each variant that ``--resume`` continues, each checked to be
    resumable with these options (exit 2 otherwise)."""
    from airguard.montecarlo.campaign import check_resumable

    if out is not None and out.resolve() != resume.resolve():
        fail("--resume RUN continues RUN: pass --out only to name the same directory")
    if overwrite:
        fail("--resume continues a run and --overwrite discards it: pass one of them")
    if resume.exists() and not resume.is_dir():
        fail(f"{resume}: not a run directory")
    root = resume
    single = _recorded(root) if root.is_dir() else None
    if len(scenarios) == 1:
        nested = root / scenarios[0].dir_name
        use_nested = single is None and root.is_dir() and _recorded(nested) is not None
        targets = [nested if use_nested else root]
    elif single is not None:
        fail(
            f"{root}: holds the run of one variant ({single.get('variant')}); "
            f"resume it with --variant {single.get('variant')}"
        )
    else:
        targets = [root / sc.dir_name for sc in scenarios]
    for sc, target in zip(scenarios, targets, strict=True):
        try:  # refuse before the progress bars start
            check_resumable(target, sc, reps, seed=seed)
        except InputError as exc:
            fail(str(exc))
    return targets


def _fresh_targets(scenarios: list[Any], out: Path | None, overwrite: bool) -> list[Path]:
    """The run directory of each variant of a new run (exit 2 if it holds anything and
    ``--overwrite`` was not given).

    Nothing is deleted here: each campaign replaces its own directory's run files once it
    holds that directory's lock (:func:`airguard.montecarlo.campaign.simulate`), so a
    second writer is refused before it deletes anything, and a run of one variant into
    the directory of a run of several replaces that variant's results only."""
    from airguard.montecarlo.campaign import RunDirError, default_run_dir
    from airguard.results.store import locked_run_dir, remove_run_files

    root = out if out is not None else default_run_dir(scenarios[0])
    if root.exists() and not root.is_dir():
        fail(f"{root}: not a directory; choose another --out")
    if root.exists() and any(root.iterdir()) and not overwrite:
        fail(
            f"{root}: the run directory exists and is not empty; choose another --out, "
            "pass --overwrite, or continue an interrupted run with --resume"
        )
    if len(scenarios) == 1:  # into a run of several variants: into its variant's directory
        several = root.is_dir() and any(
            _recorded(p) is not None for p in root.iterdir() if p.is_dir()
        )
        return [root / scenarios[0].dir_name if several else root]
    if root.is_dir() and _recorded(root) is not None:
        # the run of one variant held the root: its files go, under its lock
        try:
            with locked_run_dir(root):
                remove_run_files(root)
        except BlockingIOError:
            busy = "another airguard process is writing this run directory"
            fail(str(RunDirError(busy, file=root)))
    return [root / sc.dir_name for sc in scenarios]


def _print_runs(runs: list[Run], reps: int, resumed: bool, as_json: bool, err: Console) -> None:
    """The summaries of `runs` side by side (or as JSON on stdout), and a note on each:
    how many replications ran, where and how long (on `err` with JSON, when resumed)."""
    notes = []
    for r in runs:
        ran = r.summary.replications - r.resumed_from
        where = f"on {r.workers} worker{'s' if r.workers > 1 else ''}" + (
            f" ({r.backend})" if r.backend != "local" else ""
        )
        if resumed and ran == 0:
            note = f"{r.scenario.label}: already complete ({r.summary.replications} replications); nothing to run"
        elif r.resumed_from:
            note = (
                f"{r.scenario.label}: resumed: {r.resumed_from} replications were committed, "
                f"ran the other {ran} in {r.seconds:.1f} s {where}"
            )
        else:
            note = f"{r.scenario.label}: {r.summary.replications} replications in {r.seconds:.1f} s {where}"
        notes.append(f"{note} → {r.run_dir}")
    if as_json:
        if resumed:
            for note in notes:
                err.print(note, markup=False, highlight=False)
        if len(runs) == 1:
            payload: dict[str, Any] = runs[0].summary.to_json()
        else:
            payload = {
                "replications": reps,
                "seed": runs[0].summary.seed,
                "variants": [r.summary.to_json() for r in runs],
            }
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
        return
    from rich.console import Console
    from rich.markup import escape

    from airguard.report.table import funnel_tables, summary_table

    console = Console() if sys.stdout.isatty() else Console(width=120)
    console.print(summary_table(runs))
    for table in funnel_tables([r.summary.to_json() for r in runs]):
        console.print(table)
    for note in notes:
        console.print(f"[dim]{escape(note)}[/dim]")


def _run_uncertainty(
    scenarios: list[Any],
    designs: int,
    reps_per_design: int,
    seed: int | None,
    workers: int | None,
    out: Path | None,
    as_json: bool,
) -> None:
    """`airguard run --uncertainty`: Sobol indices of each variant's outcomes."""
    from rich.console import Console
    from rich.table import Table

    from airguard.studies.uncertainty import contested_figures, sensitivity

    err = Console(stderr=True)
    reports = []
    compile_kernels(err, scenarios[0], as_json)
    with _progress(err, as_json) as progress:
        for sc in scenarios:
            n_fig = len(contested_figures(sc))
            task = progress.add_task(f"{sc.label:>12} designs", total=designs * (n_fig + 2))
            try:
                report = sensitivity(
                    sc,
                    base_samples=designs,
                    replications_per_design=reps_per_design,
                    seed=seed,
                    workers=workers,
                    on_design=functools.partial(_advance, progress, task),
                )
            except InputError as exc:
                fail(str(exc))
            except ValueError as exc:
                fail(f"{sc.file}: {exc}")
            reports.append(report)
    payload = [r.to_json() for r in reports]
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "uncertainty.json").write_text(json.dumps(payload, indent=1), encoding="utf-8")
    if as_json:
        sys.stdout.write(json.dumps(payload if len(payload) > 1 else payload[0], indent=2) + "\n")
        return
    console = Console() if sys.stdout.isatty() else Console(width=140)
    for report in reports:
        table = Table(
            title=f"{report.scenario} [{report.variant or '-'}] — which contested figure decides "
            f"each outcome ({report.designs} designs × {report.replications_per_design} "
            "replications)",
            title_justify="left",
        )
        table.add_column("outcome")
        table.add_column(
            f"at the nominal figures [95 % MC interval, {report.nominal_replications} reps]",
            justify="right",
        )
        table.add_column("over the plausible inputs: mean (5–95 %)", justify="right")
        table.add_column("deciding figures: first-order S1, total ST (95 % CI half-width)")
        for i, name in enumerate(report.outcomes):
            y = report.values[:, i]
            order = [k for k in report.st[i].argsort()[::-1][:3] if report.st[i][k] >= 0.05]
            figs = (
                "; ".join(
                    f"{report.figures[k].label}: S1 {report.s1[i][k]:.2f}±{report.s1_conf[i][k]:.2f}, "
                    f"ST {report.st[i][k]:.2f}±{report.st_conf[i][k]:.2f}"
                    for k in order
                )
                or "none above ST = 0.05"
            )
            if report.noise_share[i] >= 0.2:
                figs += f" [{report.noise_share[i]:.0%} replication noise]"
            fmt = "{:.3f}" if i < len(report.outcomes) - 2 else "{:,.2f}"
            lo, hi = report.spread(i)
            nominal = "—"
            if report.nominal is not None and report.nominal_ci95 is not None:
                c = report.nominal_ci95[i]
                nominal = (
                    f"{fmt.format(report.nominal[i])} [{fmt.format(c[0])}, {fmt.format(c[1])}]"
                )
            table.add_row(
                name,
                nominal,
                f"{fmt.format(y.mean())} ({fmt.format(lo)} to {fmt.format(hi)})",
                figs,
            )
        console.print(table)
        for sentence in report.sentences:
            console.print(f"- {sentence}")


def _jsonable(value: Any) -> Any:
    """JSON for what DuckDB returns beyond the basic types (decimals, dates)."""
    import decimal

    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return str(value)


def _progress(err: Any, as_json: bool) -> Any:
    """Progress bars on stderr (hidden when only JSON is wanted and stderr is not a terminal)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=as_json,
        disable=not err.is_terminal and as_json,
    )


def _advance(progress: Any, task: Any, n: int) -> None:
    progress.advance(task, n)


def _clear_run_dir(root: Path) -> None:
    """Remove what airguard wrote in a run directory, and nothing else."""
    import shutil

    from airguard.results.store import TABLES

    for path in [root, *(p for p in root.iterdir() if p.is_dir())]:
        for name in TABLES:
            if (path / name).is_dir():
                shutil.rmtree(path / name)
        if (path / "manifest.json").is_file():
            (path / "manifest.json").unlink()


@app.command(rich_help_panel=RUN_PANEL)
def compare(
    a: Annotated[
        str,
        typer.Argument(
            metavar="A",
            help="Scenario FILE.yaml, FILE.yaml#VARIANT, or a run directory (read, not re-run).",
            show_default=False,
        ),
    ],
    b: Annotated[
        str,
        typer.Argument(metavar="B", help="The same, for B.", show_default=False),
    ],
    reps: Annotated[
        int, typer.Option("--reps", "-n", min=1, help="Replications of each scenario.")
    ] = 1000,
    seed: Annotated[
        int | None,
        typer.Option(
            help="Campaign seed of both scenarios (default: each scenario's). "
            "The same seed pairs the runs: common random numbers."
        ),
    ] = None,
    workers: Annotated[int | None, typer.Option(min=1, help=WORKERS_HELP)] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="DIR",
            help="Keep the runs in DIR/a and DIR/b (default: a temporary directory, deleted "
            "after).",
        ),
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print only the comparison, as JSON, on stdout (no table)."),
    ] = False,
    overwrite: Annotated[
        bool, typer.Option(help="Replace the tables of existing DIR/a and DIR/b.")
    ] = False,
    uncertainty: Annotated[
        bool,
        typer.Option(
            "--uncertainty",
            help="Run A and B in plausible worlds (every contested figure at a drawn level) and "
            "say which conclusions hold in at least 90 % of them, and which flip on what.",
        ),
    ] = False,
    worlds: Annotated[int, typer.Option(min=8, help="Plausible worlds with --uncertainty.")] = 64,
    reps_per_world: Annotated[
        int, typer.Option(min=1, help="Replications of A and of B in each world.")
    ] = 16,
) -> None:
    """Compare two scenarios: each figure in A and B, and B − A with its 95 % interval."""
    import dataclasses
    import tempfile
    from contextlib import ExitStack

    from rich.console import Console

    from airguard.montecarlo.campaign import simulate
    from airguard.results.compare import compare_runs
    from airguard.scenario import Scenario, load_scenario

    def source(arg: str) -> Path | Scenario:
        """A run directory, or the one scenario variant that `arg` names."""
        path = Path(arg)
        if path.is_dir():
            if (path / "manifest.json").is_file():
                return path
            runs = sorted(str(p.parent) for p in path.glob("*/manifest.json"))
            if runs:
                fail(f"{path}: holds several run directories; name one: {', '.join(runs)}")
            fail(f"{path}: not a run directory (no manifest.json) and not a scenario file")
        file, variant = arg, None
        if not path.exists() and "#" in arg:
            file, _, variant = arg.rpartition("#")
        try:
            scenarios = load_scenario(file, variant=variant or None)
        except InputError as exc:
            fail(str(exc))
        if len(scenarios) > 1:
            names = ", ".join(str(s.variant) for s in scenarios)
            fail(
                f"{file}: has {len(scenarios)} variants ({names}); "
                f"name one, e.g. {file}#{scenarios[0].variant}"
            )
        return scenarios[0]

    sources = {"a": source(a), "b": source(b)}
    if uncertainty:
        scenarios = {}
        for side, src in sources.items():
            if isinstance(src, Path):
                fail(
                    f"{src}: --uncertainty runs each scenario again in every plausible world; "
                    "give FILE.yaml#VARIANT, not a run directory"
                )
            scenarios[side] = src
        _compare_uncertain(
            scenarios["a"], scenarios["b"], worlds, reps_per_world, seed, workers, out, as_json
        )
        return
    given = {side: src for side, src in sources.items() if isinstance(src, Path)}
    to_run = {side: src for side, src in sources.items() if not isinstance(src, Path)}
    with ExitStack() as stack:
        root = out
        if root is None:
            root = Path(
                stack.enter_context(tempfile.TemporaryDirectory(prefix="airguard-compare-"))
            )
        dirs: dict[str, Path] = dict(given)
        for side in to_run:
            target = root / side
            if target.resolve() in {p.resolve() for p in given.values()}:
                fail(f"{target}: is also an input of this comparison; choose another --out")
            if target.exists() and any(target.iterdir()):
                if not overwrite:
                    fail(
                        f"{target}: the run directory exists and is not empty; "
                        "choose another --out or pass --overwrite"
                    )
                _clear_run_dir(target)
            dirs[side] = target
        err = Console(stderr=True)
        seconds: dict[str, float] = {}
        if to_run:  # (run directories only: nothing to compile)
            compile_kernels(err, next(iter(to_run.values())), as_json)
        with _progress(err, as_json) as progress:
            for side, sc in to_run.items():
                task = progress.add_task(f"{side.upper()} {sc.label:>12}", total=reps)
                try:
                    result = simulate(
                        sc,
                        reps,
                        seed=seed,
                        workers=workers,
                        out=dirs[side],
                        on_batch=functools.partial(_advance, progress, task),
                    )
                except InputError as exc:
                    fail(str(exc))
                seconds[side] = result.seconds
        try:
            comparison = compare_runs(dirs["a"], dirs["b"])
        except (OSError, ValueError) as exc:
            fail(str(exc))
        if out is None:  # the temporary run directories are gone once this returns
            hidden = {s: dataclasses.replace(getattr(comparison, s), run_dir=None) for s in to_run}
            comparison = dataclasses.replace(comparison, **hidden)
        explanation = _explain_or_none(dirs["a"], dirs["b"])
    if as_json:
        payload = comparison.to_json()
        if explanation is not None:
            payload["explanation"] = explanation.to_json()
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
        return
    from rich.markup import escape

    from airguard.report.compare import comparison_table

    console = Console() if sys.stdout.isatty() else Console(width=120)
    console.print(comparison_table(comparison))
    if explanation is not None:
        _print_explanation(console, explanation)
    for side in sources:
        if side in to_run:
            kept = f"→ {dirs[side]}" if out is not None else "(not kept: pass --out to keep it)"
            note = f"{side.upper()}: ran in {seconds[side]:.1f} s {kept}"
        else:
            note = f"{side.upper()}: read from {given[side]}"
        console.print(f"[dim]{escape(note)}[/dim]")


def _compare_uncertain(
    a: Any,
    b: Any,
    worlds: int,
    reps: int,
    seed: int | None,
    workers: int | None,
    out: Path | None,
    as_json: bool,
) -> None:
    """`compare --uncertainty`: B against A over plausible worlds (studies.robustness)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from airguard.studies.robustness import HOLDS, robust_comparison

    err = Console(stderr=True)
    compile_kernels(err, a, as_json)
    with _progress(err, as_json) as progress:
        task = progress.add_task(f"{worlds} worlds × (A, B)", total=2 * worlds)
        try:
            rc = robust_comparison(
                a,
                b,
                worlds=worlds,
                replications_per_world=reps,
                seed=seed,
                workers=workers,
                on_world=functools.partial(_advance, progress, task),
            )
        except InputError as exc:
            fail(str(exc))
        except ValueError as exc:
            fail(str(exc))
    payload = rc.to_json()
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "robustness.json").write_text(json.dumps(payload, indent=2) + "\n")
    if as_json:
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
        return
    console = Console() if sys.stdout.isatty() else Console(width=160)
    console.print(
        f"[bold]{escape(rc.b)} against {escape(rc.a)} over {rc.worlds} plausible worlds[/bold]"
    )
    for sentence in rc.sentences():
        console.print(f"• {escape(sentence)}")
    table = Table(title=f"P({rc.b} better) over the plausible worlds", title_justify="left")
    for col in ("outcome", f"{rc.a} (5–95 %)", f"{rc.b} (5–95 %)", f"P({rc.b} better)", "verdict"):
        table.add_column(col)

    for v in rc.verdicts:
        usd = "USD" in v.outcome

        def fmt(x: float, share: bool, usd: bool = usd) -> str:
            return f"{100 * x:.0f} %" if share else f"${x / 1e6:,.1f} M" if usd else f"{x:,.2f}"

        p = v.higher_is_better
        table.add_row(
            v.outcome,
            f"{fmt(v.a_mean, p)} ({fmt(v.a_range[0], p)}–{fmt(v.a_range[1], p)})",
            f"{fmt(v.b_mean, p)} ({fmt(v.b_range[0], p)}–{fmt(v.b_range[1], p)})",
            f"{100 * v.p_b_better:.0f} % [{100 * v.ci95[0]:.0f}, {100 * v.ci95[1]:.0f}]",
            {"a": f"{rc.a} holds", "b": f"{rc.b} holds"}.get(v.holds or "", "flips"),
        )
    console.print(table)
    console.print(
        f"[dim]{len(rc.figures)} contested figures, each at its low, nominal or high level "
        f"(1/4, 1/2, 1/4); {reps} replications of each side per world, common random numbers; "
        f"a conclusion holds when true in at least {100 * HOLDS:.0f} % of the worlds.[/dim]"
    )
    if out is not None:
        console.print(f"[dim]→ {escape(str(out / 'robustness.json'))}[/dim]")


def _explain_or_none(run_a: Path, run_b: Path) -> Any:
    """The explanation of B against A, or None when a run records no kill chains."""
    from airguard.results.explain import explain_runs

    try:
        return explain_runs(run_a, run_b)
    except ValueError:
        return None


def _print_explanation(console: Any, explanation: Any) -> None:
    """The sentences of an explanation, one per outcome."""
    from rich.markup import escape

    console.print(f"[bold]Why {escape(explanation.b)} differs from {escape(explanation.a)}[/bold]")
    for sentence in explanation.sentences():
        console.print(f"• {escape(sentence)}")
    console.print(
        "[dim]Each difference is split among the threats whose kill chains ended differently "
        "(an asset's damage by Shapley values); the shares add up to it.[/dim]"
    )


@app.command(rich_help_panel=RUN_PANEL)
def explain(
    run_a: Annotated[Path, typer.Argument(metavar="RUN_A", help="Run directory of A.")],
    run_b: Annotated[Path, typer.Argument(metavar="RUN_B", help="Run directory of B.")],
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Why B differs from A: each outcome's B − A split among the kill-chain stages.

    Each asset's survival and each type's leakers, B − A, split among the kill-chain stages
    that changed (paired replications, Shapley shares)."""
    from airguard.results.explain import explain_runs

    for path in (run_a, run_b):
        if not (path / "manifest.json").is_file():
            runs = (
                sorted(str(p.parent) for p in path.glob("*/manifest.json")) if path.is_dir() else []
            )
            hint = f"; name one: {', '.join(runs)}" if runs else ""
            fail(f"{path}: not a finished run directory (no manifest.json){hint}")
    try:
        explanation = explain_runs(run_a, run_b)
    except (OSError, ValueError) as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(explanation.to_json(), indent=2))
        return
    from rich.console import Console

    console = Console() if sys.stdout.isatty() else Console(width=120)
    _print_explanation(console, explanation)
    from rich.markup import escape

    console.print(f"[dim]{escape(explanation.pairing)}.[/dim]")


@app.command(rich_help_panel=RUN_PANEL)
def results(
    run_dir: Annotated[Path, typer.Argument(help="Run directory (or its parent, for variants).")],
    sql: Annotated[
        str | None,
        typer.Option(
            help="DuckDB SQL over the tables replications, assets, threats, engagements, impacts."
        ),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="table|csv|json",
            help="table: for reading (floats to 6 significant figures; never cut when piped); "
            "csv and json: every value exact. With several variants, csv has a first column "
            "`run` and json one object per variant.",
        ),
    ] = "table",
    as_json: Annotated[bool, typer.Option("--json", help="The same as --format json.")] = False,
) -> None:
    """Print a run's summary, or query its tables with SQL, as a table, CSV or JSON."""
    from airguard.results.store import QueryError, query, read_manifest, run_dirs

    fmt = choice(fmt, RESULT_FORMATS, "--format")
    if as_json and fmt not in ("table", "json"):
        fail(f"--json prints JSON: pass it or --format {fmt}, not both")
    if as_json:
        fmt = "json"
    try:
        dirs = run_dirs(run_dir)
    except FileNotFoundError as exc:
        fail(str(exc))
    if sql is not None:
        import duckdb

        tables = []
        for d in dirs:  # every query first, so that an error leaves nothing half-printed
            try:
                tables.append(query(d, sql))
            except (duckdb.Error, QueryError, InputError) as exc:
                fail(f"{d}: {str(exc).splitlines()[0]}")
        _print_rows(dirs, [t.column_names for t in tables], [t.to_pylist() for t in tables], fmt)
        return
    from airguard.report.chain import run_funnel

    summaries = [read_manifest(d)["summary"] for d in dirs]
    for d, sm in zip(dirs, summaries, strict=True):
        if "funnel" not in sm:  # a run whose summary predates the funnel
            fn = run_funnel(d)
            if fn is not None:
                sm["funnel"] = fn
    if fmt == "json":
        payload = summaries[0] if len(summaries) == 1 else {"variants": summaries}
        typer.echo(json.dumps(payload, indent=2))
        return
    if fmt == "csv":
        rows = [[{"field": k, "value": v} for k, v in _flat(sm)] for sm in summaries]
        _print_rows(dirs, [["field", "value"]] * len(dirs), rows, "csv")
        return
    from airguard.report.table import funnel_tables, summary_table_from_json

    console = stdout_console()
    console.print(summary_table_from_json(summaries))
    for table in funnel_tables(summaries):
        console.print(table)


RESULT_FORMATS = ("table", "csv", "json")


def _flat(value: Any, path: str = "") -> list[tuple[str, Any]]:
    """(field path, value) of every leaf of a summary: ``assets[0].p_undamaged``."""
    if isinstance(value, dict):
        return [
            pair for k, v in value.items() for pair in _flat(v, f"{path}.{k}" if path else str(k))
        ]
    if isinstance(value, list):
        return [pair for i, v in enumerate(value) for pair in _flat(v, f"{path}[{i}]")]
    return [(path, value)]


def _print_rows(
    dirs: list[Path], columns: list[list[str]], rows: list[list[dict[str, Any]]], fmt: str
) -> None:
    """Rows of each run directory in `dirs` as tables, CSV (a first column ``run`` when
    there are several) or JSON (one line ``{"run", "rows"}`` per directory)."""
    if fmt == "json":
        for d, rs in zip(dirs, rows, strict=True):
            typer.echo(json.dumps({"run": str(d), "rows": rs}, default=_jsonable))
        return
    if fmt == "csv":
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        several = len(dirs) > 1
        writer.writerow((["run"] if several else []) + columns[0])
        for d, rs in zip(dirs, rows, strict=True):
            for row in rs:
                cells = [_csv_cell(v) for v in row.values()]
                writer.writerow(([str(d)] if several else []) + cells)
        sys.stdout.flush()
        return
    from rich.table import Table

    console = stdout_console()
    for d, names, rs in zip(dirs, columns, rows, strict=True):
        out = Table(title=str(d), title_justify="left")
        for name in names:
            out.add_column(name, overflow="fold")
        for row in rs:
            out.add_row(*(f"{v:.6g}" if isinstance(v, float) else str(v) for v in row.values()))
        console.print(out)


def _csv_cell(value: Any) -> str:
    """A value in a CSV cell, exact: floats as ``repr`` (every digit), None empty."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list | dict):  # DuckDB lists and structs
        return json.dumps(value, default=_jsonable)
    return str(value)  # decimals as written, dates in ISO 8601


@app.command(rich_help_panel=RUN_PANEL)
def replay(
    run_dir: Annotated[
        Path, typer.Argument(help="A variant's run directory (holding manifest.json).")
    ],
    rep: Annotated[int, typer.Option("--rep", "-k", min=0, help="Replication to re-run.")],
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Re-run one replication with its full event log (written to RUN/replays/rep-K/)."""
    from rich.console import Console

    from airguard.studies.replay import replay as run_replay

    try:
        result = run_replay(run_dir, rep)
    except InputError as exc:
        fail(str(exc))
    if as_json:
        echo_json(
            {
                "replication": result.replication,
                "outcome": result.outcome,
                "n_events": result.n_events,
                "counts": result.counts,
                "events_path": str(result.events_path),
            }
        )
        return
    console = Console()
    counts = ", ".join(f"{n} {name}" for name, n in result.counts.items() if n)
    console.print(
        f"replication {rep}: {result.outcome['leakers']} leakers, {result.outcome['killed']} "
        f"killed, {result.outcome['interceptors_fired']} interceptors fired "
        f"(the same as stored); {result.n_events} events ({counts}) → {result.events_path}"
    )


@app.command(rich_help_panel=STUDIES_PANEL)
def envelope(
    interceptor: Annotated[
        str,
        typer.Argument(help="Interceptor id (e.g. pac-3-mse) or system id (first interceptor)."),
    ],
    threat: Annotated[str, typer.Argument(help="Threat id, e.g. scud-b.")],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Directory for the tables and the plot.")
    ] = Path("envelope"),
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON on stdout instead.")
    ] = False,
) -> None:
    """Engagement envelope of an interceptor against a threat type, from real fly-outs."""
    from airguard.catalogue import DefenceSystem, ThreatSystem, default_catalogue
    from airguard.report.envelope import envelope_summary, write_envelope
    from airguard.studies.envelope import engagement_envelope

    try:
        cat = default_catalogue()
    except InputError as exc:
        fail(str(exc))
    entry = cat.entries.get(interceptor)
    if isinstance(entry, DefenceSystem):
        interceptor = next(iter(entry.interceptors))
    try:
        cat.interceptor(interceptor)
    except KeyError:
        ids = sorted(i for e in cat if isinstance(e, DefenceSystem) for i in e.interceptors)
        hint = did_you_mean(interceptor, [*ids, *cat.ids("defence")])
        fail(f"no interceptor '{interceptor}' (have: {', '.join(ids)}){hint}")
    if not isinstance(cat.entries.get(threat), ThreatSystem):
        threats = cat.ids("threat")
        fail(f"no threat '{threat}' (have: {', '.join(threats)}){did_you_mean(threat, threats)}")
    env = engagement_envelope(interceptor, threat, catalogue=cat)
    paths = write_envelope(env, out)
    summary = envelope_summary(env)
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
        return
    lo, hi = env.max_range_band_m
    typer.echo(
        f"{interceptor} vs {threat}: kinematic reach {env.kinematic_max_range_m / 1e3:.0f} km "
        f"(catalogue {lo / 1e3:.0f}–{hi / 1e3:.0f} km: "
        f"{'within' if env.reach_within_band else 'outside'} the band); "
        f"engageable up to {env.footprint_half_width_m / 1e3:.0f} km off the unit"
    )
    for name, p in paths.items():
        typer.echo(f"  {name}: {p}")


@catalogue_app.command("list")
def catalogue_list(
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """List the systems in the catalogue."""
    from rich.table import Table

    from airguard.catalogue import default_catalogue

    try:
        cat = default_catalogue()
    except InputError as exc:
        fail(str(exc))
    rows: list[dict[str, Any]] = []
    for entry in cat:
        parts: list[str] = []
        for group in ("radars", "interceptors", "launchers"):
            parts.extend(getattr(entry, group, {}) or {})
        rows.append({"id": entry.id, "kind": entry.kind, "name": entry.name, "components": parts})
    if as_json:
        echo_json(rows)
        return
    table = Table(title="airguard catalogue")
    for col in ("id", "kind", "name", "components"):
        table.add_column(col)
    for row in rows:
        table.add_row(row["id"], row["kind"], row["name"], ", ".join(row["components"]))
    stdout_console().print(table)


@catalogue_app.command("show")
def catalogue_show(
    entry_id: Annotated[str, typer.Argument(metavar="ID", help="System or component id.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print as JSON on stdout instead (values in SI).")
    ] = False,
) -> None:
    """Show one system's figures with their sources, as its file writes them (420 km, 360 deg)."""
    from airguard.catalogue import default_catalogue
    from airguard.report.catalogue import describe_entry

    try:
        cat = default_catalogue()
    except InputError as exc:
        fail(str(exc))
    if entry_id not in cat:
        owner = next(
            (
                e
                for e in cat
                for g in ("radars", "interceptors", "launchers")
                if entry_id in (getattr(e, g, {}) or {})
            ),
            None,
        )
        if owner is None:
            components = [
                c for e in cat for g in ("radars", "interceptors", "launchers")
                for c in (getattr(e, g, {}) or {})
            ]  # fmt: skip
            hint = did_you_mean(entry_id, [*cat.ids(), *components])
            fail(f"no catalogue entry '{entry_id}' (have: {', '.join(cat.ids())}){hint}")
        entry_id = owner.id
    entry = cat[entry_id]
    if as_json:
        typer.echo(json.dumps(entry.model_dump(mode="json"), indent=2))
        return
    stdout_console().print(describe_entry(entry))


def main() -> None:
    """Console-script entry point.  Bad input that a command did not turn into its own
    message (an :class:`~airguard.errors.InputError` from deeper down) still ends in one
    line and exit status 2, never a traceback; so does a file system that refuses a write
    (a full disk, a quota, a read-only or failing file system, no permission)."""
    try:
        app()
    except InputError as exc:
        typer.echo(f"airguard: error: {exc}", err=True)
        raise SystemExit(EXIT_INPUT) from None
    except OSError as exc:
        if exc.errno not in _FILE_SYSTEM_FAULTS:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        typer.echo(f"airguard: error: {where}{exc.strerror or exc}", err=True)
        raise SystemExit(EXIT_INPUT) from None


_FILE_SYSTEM_FAULTS = frozenset(
    [errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO, errno.EFBIG, errno.EACCES, errno.EPERM]
)
