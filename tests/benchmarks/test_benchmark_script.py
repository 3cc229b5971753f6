"""The benchmark script (benchmarks/run.py) stays runnable: its cases point at real apps, its
ratios are computed as documented, and its quick start-up case runs. Benchmarks are not timed
tests: nothing here asserts a duration."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent


def load_run_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("benchmark_run", REPO / "benchmarks" / "run.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["benchmark_run"] = module
    spec.loader.exec_module(module)
    return module


bench = load_run_module()


def test_every_synth_case_runs_an_app_that_exists() -> None:
    names = [case.name for case in bench.SYNTH_CASES]
    assert len(names) == len(set(names))
    for case in [*bench.SYNTH_CASES]:
        assert Path(case.command[1]).is_file(), case
    assert Path(bench.FLOOR[1]) == REPO / "benchmarks" / "floor_app.py"
    # the cases: three profiles, all blueprints, 1/10/50 clusters
    contexts = [case.context for case in bench.SYNTH_CASES]
    for profile in ("dev", "batch", "prod"):
        assert {"profile": profile} in contexts
    assert {"profile": "dev", "blueprints": "all"} in contexts
    assert [c["clusters"] for c in contexts if "clusters" in c] == [1, 10, 50]


def test_ratio_is_the_median_of_the_per_pair_ratios() -> None:
    run = bench.Run
    # pairs (case/floor): 6/3 = 2.0, 5/5 = 1.0, 9/6 = 1.5 -> median 1.5 (medians of each side: 6/5 = 1.2)
    paired = bench.Paired("x", case=[run(6, 6, 1), run(5, 5, 1), run(9, 9, 1)], floor=[run(3, 3, 1), run(5, 5, 1), run(6, 6, 1)])
    assert paired.ratio("cpu") == 1.5
    assert paired.median(paired.case, "wall") == 6


def test_run_process_reports_children_cpu_and_memory() -> None:
    # a child that allocates ~64 MiB and spins: its rusage reaches the parent through wait4
    result = bench.run_process([sys.executable, "-c", "b = bytearray(64 * 2**20); sum(range(2 * 10**6))"])
    assert result.rss_mib >= 64
    assert result.cpu > 0 and result.wall > 0


def test_failing_process_is_reported_with_its_stderr() -> None:
    with pytest.raises(RuntimeError, match="boom"):
        bench.run_process([sys.executable, "-c", "import sys; sys.exit('boom')"])


def test_unknown_case_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        bench.parse(["--only", "synth,nope"])
    assert "nope" in capsys.readouterr().err


def test_cases_are_listed(capsys: pytest.CaptureFixture[str]) -> None:
    bench.main(["--list"])
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()] == list(bench.CASES)


def test_startup_case_prints_its_ratio(capsys: pytest.CaptureFixture[str]) -> None:
    bench.bench_startup(1)  # one run of each process: the cheapest real case of the script
    out = capsys.readouterr().out
    assert "start-up: cdk-emr --help" in out and "x |" in out


def test_the_local_aws_load_case_runs_its_calls() -> None:
    """The load worker (a small load here) creates clusters and steps through boto3 and reads
    until every step has ended: 2 RunJobFlow + 4 AddJobFlowSteps + at least one ListSteps each."""
    import json
    import subprocess

    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--local-aws-worker", "2,4"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["calls"] >= 2 + 4 + 2
    assert set(result["p95_ms"]) == {"RunJobFlow", "AddJobFlowSteps", "ListSteps", "all"}
