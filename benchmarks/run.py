#!/usr/bin/env python3
"""Benchmarks of what a user waits for (not timed tests). ``.venv/bin/python benchmarks/run.py``.

Every synthesis is a whole process, run the way the CDK CLI runs an app (``python app.py`` with
``CDK_OUTDIR`` and ``CDK_CONTEXT_JSON``, the pinned Node first on ``PATH``), paired A B A B with
the floor (:mod:`benchmarks.floor_app`, one bare ``CfnCluster``). For each case it prints the
medians of wall time and CPU time (user+sys of the process and its children: Python, the jsii
runtime, Node) and the median of the per-pair ratios, plus the peak resident memory (largest
single process). On a shared machine the CPU ratio is the steadier figure.

Cases: the dev, batch and prod profiles, ``-c blueprints=all``, 1/10/50 clusters on a shared
foundation (with the per-cluster increment, to check linearity), ``cdk synth`` through the CLI,
``make demo``'s stages, ``cdk-emr`` start-up, and the local AWS under load (100 clusters and
1,000 steps through boto3: calls per second and p95 latency).

``--quick`` (smoke use): one pair per case, the cheap cases only, a small local-AWS load.
``--only a,b`` picks cases by name (see ``--list``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cdk_emr.local import LocalAws

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "benchmarks"
PYTHON = sys.executable
NODE_BIN = REPO / "node_modules" / ".bin"
FLOOR = [PYTHON, str(BENCH / "floor_app.py")]
APP = [PYTHON, str(REPO / "app.py")]
CLUSTERS_APP = [PYTHON, str(BENCH / "clusters_app.py")]


@dataclass(frozen=True)
class Run:
    """One finished process: wall and CPU seconds, peak RSS in MiB."""

    wall: float
    cpu: float
    rss_mib: float


@dataclass(frozen=True)
class SynthCase:
    """A CDK app run as the CLI runs it, compared with the floor."""

    name: str
    command: list[str]
    context: dict[str, object] = field(default_factory=dict)
    quick: bool = False


def base_context() -> dict[str, object]:
    """cdk.json's context, as the CLI passes it to the app."""
    return json.loads((REPO / "cdk.json").read_text())["context"]


def tool_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment the Makefile gives the CDK CLI: pinned Node first, no AWS account."""
    # PYTHONDONTWRITEBYTECODE would compile every module on every run, which a user's second
    # `cdk synth` does not pay: measure with the bytecode cache as users have it.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CDK_")) and k != "PYTHONDONTWRITEBYTECODE"}
    env["PATH"] = f"{NODE_BIN}{os.pathsep}{REPO / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["CDK_DISABLE_CLI_TELEMETRY"] = "true"
    env["CDK_HOME"] = str(REPO / ".cdk-home")
    return env | (extra or {})


def run_process(command: Sequence[str], env: dict[str, str] | None = None, cwd: Path = REPO) -> Run:
    """Run ``command`` to completion; its rusage (from wait4) includes the children it waited for."""
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(list(command), cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            stderr.seek(0)
            raise RuntimeError(f"{' '.join(command)} exited {process.returncode}: {stderr.read().decode()[-2000:]}")
    return Run(wall=wall, cpu=usage.ru_utime + usage.ru_stime, rss_mib=usage.ru_maxrss / 1024)


def synth_run(command: Sequence[str], context: dict[str, object], outdir: Path) -> Run:
    """One synthesis into a fresh ``outdir``, like ``cdk synth`` runs the app."""
    shutil.rmtree(outdir, ignore_errors=True)
    env = tool_env({"CDK_OUTDIR": str(outdir), "CDK_CONTEXT_JSON": json.dumps(base_context() | context)})
    return run_process(command, env)


@dataclass
class Paired:
    """A case and the floor, measured in alternation."""

    name: str
    case: list[Run]
    floor: list[Run]

    def median(self, runs: list[Run], attr: str) -> float:
        return statistics.median(getattr(r, attr) for r in runs)

    def ratio(self, attr: str) -> float:
        """Median of the per-pair ratios (each pair ran under the same machine load)."""
        return statistics.median(getattr(c, attr) / getattr(f, attr) for c, f in zip(self.case, self.floor, strict=True))

    def line(self) -> str:
        m = self.median
        return (
            f"{self.name:<28} wall {m(self.case, 'wall'):6.2f} s / floor {m(self.floor, 'wall'):5.2f} s = {self.ratio('wall'):4.2f}x"
            f" | cpu {m(self.case, 'cpu'):6.2f} s / {m(self.floor, 'cpu'):5.2f} s = {self.ratio('cpu'):4.2f}x"
            f" | peak {m(self.case, 'rss_mib'):4.0f} MiB (floor {m(self.floor, 'rss_mib'):4.0f})"
        )


def paired(name: str, case: Callable[[], Run], floor: Callable[[], Run], pairs: int) -> Paired:
    """A B A B ...: the floor and the case alternate, so both see the same load."""
    result = Paired(name, [], [])
    for _ in range(pairs):
        result.floor.append(floor())
        result.case.append(case())
    return result


SYNTH_CASES = [
    SynthCase("dev", APP, {"profile": "dev"}, quick=True),
    SynthCase("batch", APP, {"profile": "batch"}),
    SynthCase("prod", APP, {"profile": "prod"}),
    SynthCase("dev -c blueprints=all", APP, {"profile": "dev", "blueprints": "all"}),
    SynthCase("1 cluster (shared base)", CLUSTERS_APP, {"clusters": 1}, quick=True),
    SynthCase("10 clusters (shared base)", CLUSTERS_APP, {"clusters": 10}),
    SynthCase("50 clusters (shared base)", CLUSTERS_APP, {"clusters": 50}),
]


def bench_synth(cases: list[SynthCase], pairs: int, tmp: Path) -> dict[str, Paired]:
    results: dict[str, Paired] = {}
    for case in cases:
        try:
            result = paired(
                case.name,
                lambda case=case: synth_run(case.command, case.context, tmp / "case"),
                lambda: synth_run(FLOOR, {}, tmp / "floor"),
                pairs,
            )
        except RuntimeError as error:  # a case that no longer synthesizes is a finding, not a crash
            reason = next((line for line in reversed(str(error).splitlines()) if line.strip()), str(error))
            print(f"{case.name:<28} FAILED: {reason[:300]}", flush=True)
            continue
        results[case.name] = result
        print(result.line(), flush=True)
    clusters = {n: results.get(f"{n} cluster{'s' if n > 1 else ''} (shared base)") for n in (1, 10, 50)}
    if all(clusters.values()):
        cpu = {n: r.median(r.case, "cpu") for n, r in clusters.items() if r}
        early, late = (cpu[10] - cpu[1]) / 9, (cpu[50] - cpu[10]) / 40
        print(
            f"{'clusters: cpu per cluster':<28} 1→10: {early * 1000:.0f} ms, 10→50: {late * 1000:.0f} ms"
            f" (ratio {late / early:.2f}; 1.00 = linear)"
        )
    return results


def bench_cli_synth(pairs: int, tmp: Path) -> Paired:
    """``cdk synth`` through the pinned CLI: the dev app against the floor app."""
    cdk = [str(NODE_BIN / "cdk"), "synth", "--no-notices", "--no-version-reporting", "--quiet"]

    def cli(app: list[str], out: Path) -> Run:
        shutil.rmtree(out, ignore_errors=True)
        return run_process([*cdk, "--app", " ".join(app), "--output", str(out)], tool_env())

    result = paired("cdk synth (CLI), dev", lambda: cli(APP, tmp / "cli-dev"), lambda: cli(FLOOR, tmp / "cli-floor"), pairs)
    print(result.line(), flush=True)
    return result


STAGE = re.compile(r"\] ▶ (?P<title>.*)$")
DONE = re.compile(r"done in (?P<seconds>[\d.]+)s")


def bench_demo(tmp: Path) -> None:
    """make demo's stages as the Makefile runs them: cdk synth (dev), summary, local demo, cost."""
    out = tmp / "demo.out"
    cdk = [str(NODE_BIN / "cdk"), "synth", "--no-notices", "--no-version-reporting", "--quiet"]
    cli = str(REPO / ".venv" / "bin" / "cdk-emr")
    env = tool_env()
    synth = run_process([*cdk, "--output", str(out), "-c", "account=123456789012", "-c", "region=us-east-1"], env)
    print(f"{'demo: cdk synth (dev)':<28} wall {synth.wall:6.2f} s, cpu {synth.cpu:6.2f} s, peak {synth.rss_mib:4.0f} MiB")
    summary = run_process([cli, "summary", str(out)], env)
    print(f"{'demo: cdk-emr summary':<28} wall {summary.wall:6.2f} s, cpu {summary.cpu:6.2f} s, peak {summary.rss_mib:4.0f} MiB")
    start = time.perf_counter()
    demo = subprocess.run([cli, "local", "demo", str(out)], cwd=REPO, env=env, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    title = ""
    for line in demo.stdout.splitlines():
        if stage := STAGE.search(line):
            title = stage["title"]
        elif (done := DONE.search(line)) and title:
            print(f"  demo stage {float(done['seconds']):6.1f} s  {title}")
            title = ""
    print(f"{'demo: cdk-emr local demo':<28} wall {wall:6.2f} s (all stages above, plus start-up)")
    cost = run_process([cli, "cost", str(out)], env)
    print(f"{'demo: cdk-emr cost':<28} wall {cost.wall:6.2f} s, cpu {cost.cpu:6.2f} s, peak {cost.rss_mib:4.0f} MiB")


def bench_startup(runs: int) -> None:
    """``cdk-emr`` start-up (fresh processes) against a bare ``python -c pass``."""
    cli = str(REPO / ".venv" / "bin" / "cdk-emr")
    bare = [run_process([PYTHON, "-c", "pass"]) for _ in range(runs)]
    for args in (["--help"], ["status", "--help"]):
        runs_ = [run_process([cli, *args]) for _ in range(runs)]
        wall = statistics.median(r.wall for r in runs_)
        floor = statistics.median(r.wall for r in bare)
        print(
            f"{'start-up: cdk-emr ' + ' '.join(args):<28} wall {wall * 1000:5.0f} ms / bare python {floor * 1000:4.0f} ms"
            f" = {wall / floor:4.1f}x | peak {statistics.median(r.rss_mib for r in runs_):4.0f} MiB"
        )


def create_default_roles(aws: LocalAws) -> None:
    """The roles ``aws emr create-default-roles`` makes (EMR_DefaultRole for the service,
    EMR_EC2_DefaultRole with its instance profile for the nodes): the local AWS, like EMR,
    refuses a RunJobFlow whose roles are not in the account."""
    iam = aws.client("iam", aws_access_key_id="testing", aws_secret_access_key="testing")
    for name, service in (("EMR_DefaultRole", "elasticmapreduce.amazonaws.com"), ("EMR_EC2_DefaultRole", "ec2.amazonaws.com")):
        trust = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
        }
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
    iam.create_instance_profile(InstanceProfileName="EMR_EC2_DefaultRole")
    iam.add_role_to_instance_profile(InstanceProfileName="EMR_EC2_DefaultRole", RoleName="EMR_EC2_DefaultRole")


def local_aws_load(clusters: int, steps: int) -> dict[str, object]:
    """In this process: start the local AWS, create ``clusters`` clusters and add ``steps`` steps
    (one call each) through boto3, then read until every step has ended. Latencies per call."""
    import resource

    sys.path.insert(0, str(REPO / "constructs"))
    from cdk_emr.local import LocalAws

    latencies: dict[str, list[float]] = {"RunJobFlow": [], "AddJobFlowSteps": [], "ListSteps": []}

    def timed(kind: str, call: Callable[[], dict]) -> dict:
        start = time.perf_counter()
        response = call()
        latencies[kind].append(time.perf_counter() - start)
        return response

    fleets = [
        {"InstanceFleetType": role, "TargetOnDemandCapacity": 1, "InstanceTypeConfigs": [{"InstanceType": "m7g.xlarge"}]}
        for role in ("MASTER", "CORE")
    ]
    step = {
        "Name": "pi",
        "ActionOnFailure": "CONTINUE",
        "HadoopJarStep": {"Jar": "command-runner.jar", "Args": ["spark-example", "SparkPi", "10"]},
    }
    with LocalAws() as aws:
        emr = aws.client("emr", aws_access_key_id="testing", aws_secret_access_key="testing")
        create_default_roles(aws)
        begun = time.perf_counter()
        ids = [
            timed(
                "RunJobFlow",
                lambda i=i: emr.run_job_flow(
                    Name=f"load-{i}",
                    ReleaseLabel="emr-7.14.0",
                    JobFlowRole="EMR_EC2_DefaultRole",
                    ServiceRole="EMR_DefaultRole",
                    StepConcurrencyLevel=10,
                    Instances={"KeepJobFlowAliveWhenNoSteps": True, "InstanceFleets": fleets},
                ),
            )["JobFlowId"]
            for i in range(clusters)
        ]
        for n in range(steps):
            timed("AddJobFlowSteps", lambda n=n: emr.add_job_flow_steps(JobFlowId=ids[n % clusters], Steps=[step]))
        pending = set(ids)
        while pending:
            for cluster_id in list(pending):
                listed = timed("ListSteps", lambda c=cluster_id: emr.list_steps(ClusterId=c))["Steps"]
                if all(s["Status"]["State"] in {"COMPLETED", "FAILED", "CANCELLED"} for s in listed):
                    pending.discard(cluster_id)
        elapsed = time.perf_counter() - begun
    every = [t for ts in latencies.values() for t in ts]

    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]

    return {
        "calls": len(every),
        "seconds": elapsed,
        "calls_per_second": len(every) / elapsed,
        "p95_ms": {kind: p95(ts) * 1000 for kind, ts in latencies.items()} | {"all": p95(every) * 1000},
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def bench_local_aws(clusters: int, steps: int) -> None:
    """The local AWS load in a fresh process of its own, so its peak memory is its own."""
    done = subprocess.run(
        [PYTHON, __file__, "--local-aws-worker", f"{clusters},{steps}"],
        env=tool_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout.splitlines()[-1])
    p95 = ", ".join(f"{k} {v:.0f} ms" for k, v in result["p95_ms"].items())
    print(
        f"{'local AWS: ' + f'{clusters} clusters, {steps} steps':<28} {result['calls']} calls in {result['seconds']:.1f} s"
        f" = {result['calls_per_second']:.0f} calls/s | p95 {p95} | peak {result['peak_rss_mib']:.0f} MiB"
    )


CASES = {
    "synth": "profiles, blueprints and 1/10/50 clusters against the floor",
    "cli": "cdk synth through the CLI, dev against the floor",
    "demo": "make demo's stages",
    "startup": "cdk-emr start-up",
    "local-aws": "local AWS under load",
}


def machine() -> str:
    cpus = os.cpu_count()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    node = subprocess.run([str(NODE_BIN / "node"), "--version"], capture_output=True, text=True).stdout.strip()
    return (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()} {cpus} cores, load {load:.1f}, "
        f"Python {platform.python_version()}, Node {node or '(not installed)'}"
    )


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one pair, cheap cases, small load (smoke use)")
    parser.add_argument("--pairs", type=int, default=5, help="A B pairs per synthesis case (default 5)")
    parser.add_argument("--only", default=",".join(CASES), help=f"comma-separated cases: {', '.join(CASES)}")
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    parser.add_argument("--local-aws-worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    unknown = set(args.only.split(",")) - set(CASES)
    if unknown:
        parser.error(f"--only: unknown case(s) {', '.join(sorted(unknown))}; choose from {', '.join(CASES)}")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse(argv)
    if args.local_aws_worker:
        clusters, steps = (int(n) for n in args.local_aws_worker.split(","))
        print(json.dumps(local_aws_load(clusters, steps)))
        return
    if args.list:
        for name, what in CASES.items():
            print(f"{name:<10} {what}")
        return
    only = args.only.split(",")
    pairs = 1 if args.quick else args.pairs
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        if "synth" in only:
            bench_synth([c for c in SYNTH_CASES if c.quick or not args.quick], pairs, Path(tmp))
        if "cli" in only and not args.quick:
            bench_cli_synth(max(1, pairs // 2), Path(tmp))
        if "demo" in only and not args.quick:
            bench_demo(Path(tmp))
    if "startup" in only:
        bench_startup(3 if args.quick else 10)
    if "local-aws" in only:
        bench_local_aws(*((10, 100) if args.quick else (100, 1000)))


if __name__ == "__main__":
    main()
