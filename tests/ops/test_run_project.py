"""``cdk-emr run``: packaging a PySpark project (cdk_emr.ops.project_package), uploading it and
submitting its spark-submit step (cdk_emr.ops.run_project), following it, against the local AWS.

The step's expected arguments are written by hand after the EMR Release Guide's "Add a Spark
step" (``spark-submit --deploy-mode cluster [options] s3://script args`` run by
command-runner.jar) and Spark's ``--py-files`` (zip archives placed on the PYTHONPATH). The
emulated steps end by time and fail by the ``fail*`` script-name convention: no Spark needed.
"""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import test_operations as shared
from test_cli_operate import assert_clean_error, cdk_emr
from test_operations import create_roles, run_cluster, terminated_cluster

from cdk_emr.local import LocalAws
from cdk_emr.ops import operations as ops
from cdk_emr.ops.operations import InvalidInput
from cdk_emr.ops.project_package import find_project, package_project, third_party_requirements

offline_aws = shared.offline_aws
emr = shared.emr
emr_in_time = shared.emr_in_time

CODE_BUCKET = "team-code"
PREFIX = f"s3://{CODE_BUCKET}/jobs/"
LOG_BUCKET = "team-logs"

MAIN = "from wordcount.count import words\nimport helpers\nprint(words('a b a'), helpers.GREETING)\n"


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project: main.py, a module, a package with a subpackage and data, and what stays out."""
    return write(
        tmp_path / "wordcount_job",
        {
            "main.py": MAIN,
            "helpers.py": "GREETING = 'hello'\n",
            "wordcount/__init__.py": "",
            "wordcount/count.py": "def words(text):\n    return len(text.split())\n",
            "wordcount/sql/__init__.py": "",
            "wordcount/sql/query.sql": "SELECT 1\n",
            "wordcount/__pycache__/count.cpython-311.pyc": "x",
            "tests/__init__.py": "",
            "tests/test_count.py": "def test(): pass\n",
            "test_main.py": "",
            "conftest.py": "",
            ".hidden/x.py": "",
            "notes/readme.txt": "not a package\n",
            "requirements.txt": "# local only\npyspark==3.5.1\n",
        },
    )


# --- packaging ------------------------------------------------------------------------------------


def test_a_project_zips_its_own_modules_and_packages_only(project: Path) -> None:
    found = find_project(project)
    assert (found.name, found.entry.name) == ("wordcount_job", "main.py")
    package = package_project(found)
    members = [
        "helpers.py",
        "wordcount/__init__.py",
        "wordcount/count.py",
        "wordcount/sql/__init__.py",
        "wordcount/sql/query.sql",
    ]
    assert package.entry == MAIN.encode() and package.entry_name == "main.py"
    assert package.py_files is not None
    assert sorted(zipfile.ZipFile(io.BytesIO(package.py_files)).namelist()) == members
    assert list(package.py_files_members) == members


def test_the_archive_works_as_py_files(project: Path, tmp_path: Path) -> None:
    """Python imports from the zip as Spark's --py-files puts it on the PYTHONPATH."""
    package = package_project(find_project(project))
    archive = tmp_path / "pyfiles.zip"
    archive.write_bytes(package.py_files or b"")
    script = tmp_path / "entry" / "main.py"
    write(script.parent, {"main.py": package.entry.decode()})
    out = subprocess.run(
        [sys.executable, str(script)], env={"PYTHONPATH": str(archive)}, capture_output=True, text=True, check=True
    ).stdout
    assert out == "3 hello\n"


def test_packaging_is_reproducible(project: Path) -> None:
    first, second = package_project(find_project(project)), package_project(find_project(project))
    assert first.py_files == second.py_files and first.digest == second.digest
    (project / "wordcount" / "count.py").write_text("def words(text):\n    return 0\n")
    assert package_project(find_project(project)).digest != first.digest


def test_a_single_script_is_uploaded_alone(tmp_path: Path) -> None:
    script = write(tmp_path, {"pi.py": "print(3)\n", "other.py": ""}) / "pi.py"
    package = package_project(find_project(script))
    assert (package.name, package.entry_name, package.py_files) == ("pi", "pi.py", None)


def test_src_layout_and_entry_script_choice(tmp_path: Path) -> None:
    root = write(tmp_path / "proj", {"entrypoint.py": "", "src/lib/__init__.py": "", "src/lib/core.py": ""})
    package = package_project(find_project(root))
    assert package.entry_name == "entrypoint.py"
    assert sorted(package.py_files_members) == ["lib/__init__.py", "lib/core.py"]
    only = write(tmp_path / "only", {"job.py": "", "test_job.py": ""})
    assert find_project(only).entry.name == "job.py"
    two = write(tmp_path / "two", {"a.py": "", "b.py": ""})
    with pytest.raises(InvalidInput, match=r"2 other top-level scripts \(a.py, b.py\): name the entry script with --entry"):
        find_project(two)
    assert find_project(two, "b.py").entry.name == "b.py"
    assert sorted(package_project(find_project(two, "b.py")).py_files_members) == ["a.py"]


def test_third_party_requirements_are_refused_by_name(tmp_path: Path) -> None:
    root = write(
        tmp_path / "proj",
        {
            "main.py": "",
            "requirements.txt": "pandas==2.2.3  # frames\n\n# a comment\npyspark==3.5.1\nPy4J==0.10.9.7\n-e .\nrequests>=2\n",
            "pyproject.toml": '[project]\nname = "proj"\ndependencies = ["boto3==1.35.0", "pyspark"]\n'
            '[tool.poetry.dependencies]\npython = "^3.11"\nnumpy = "^2.0"\n',
        },
    )
    assert third_party_requirements(root) == ["boto3==1.35.0", "numpy ^2.0", "pandas==2.2.3", "requests>=2"]
    with pytest.raises(InvalidInput, match=r"needs third-party packages.*boto3==1.35.0, numpy \^2.0, pandas==2.2.3, requests>=2"):
        find_project(root)


def test_a_path_that_is_not_python(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="is not a Python script"):
        find_project(write(tmp_path, {"job.sh": ""}) / "job.sh")


# --- run against the local EMR --------------------------------------------------------------------


def code_bucket() -> Any:
    s3 = ops.aws_client("s3")
    s3.create_bucket(Bucket=CODE_BUCKET)
    return s3


def objects(s3: Any, bucket: str = CODE_BUCKET) -> dict[str, bytes]:
    listed = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {o["Key"]: s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listed}


def test_run_uploads_the_project_and_submits_spark_submit_with_py_files(emr: Any, project: Path) -> None:
    s3 = code_bucket()
    cluster_id = run_cluster(emr)
    result = cdk_emr("run", str(project), "--cluster", cluster_id, "--s3-prefix", PREFIX, "--interval", "0", "--", "--day", "1")
    assert result.exit_code == 0, result.output
    stored = objects(s3)
    [entry_key] = [k for k in stored if k.endswith("/main.py")]
    [zip_key] = [k for k in stored if k.endswith("/pyfiles.zip")]
    folder = entry_key.rsplit("/", 1)[0]
    assert folder.startswith("jobs/wordcount_job/") and len(folder.split("/")) == 3 and zip_key == f"{folder}/pyfiles.zip"
    assert stored[entry_key] == MAIN.encode()
    assert "wordcount/count.py" in zipfile.ZipFile(io.BytesIO(stored[zip_key])).namelist()
    [step] = emr.list_steps(ClusterId=cluster_id)["Steps"]
    entry_uri, zip_uri = f"s3://{CODE_BUCKET}/{entry_key}", f"s3://{CODE_BUCKET}/{zip_key}"
    assert step["Config"]["Jar"] == "command-runner.jar"
    assert step["Config"]["Args"] == ["spark-submit", "--deploy-mode", "cluster", "--py-files", zip_uri, entry_uri, "--day", "1"]
    assert (step["Name"], step["ActionOnFailure"], step["Status"]["State"]) == ("Run: wordcount_job", "CONTINUE", "COMPLETED")
    assert f"added step {step['Id']} (Run: wordcount_job) to {cluster_id}" in result.stderr
    assert "COMPLETED" in result.stderr


def test_run_options_reach_the_step(emr: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[dict[str, Any]] = []

    def recording_client(region: str | None, endpoint_url: str | None) -> Any:
        client = ops.emr_client(region, endpoint_url)
        client.meta.events.register("provide-client-params.emr.AddJobFlowSteps", lambda params, **_: sent.append(dict(params)))
        return client

    monkeypatch.setattr("cdk_emr.cli.aws.emr_client", recording_client)
    code_bucket()
    cluster_id = run_cluster(emr)
    script = write(tmp_path, {"pi.py": "print(3)\n"}) / "pi.py"
    role = "arn:aws:iam::111122223333:role/TeamA"
    result = cdk_emr(
        "run", str(script), "--cluster", cluster_id, "--s3-prefix", PREFIX, "--interval", "0", "--json",
        "--runtime-role", role, "--name", "pi", "--conf", "spark.driver.memory=1g", "--action-on-failure", "CANCEL_AND_WAIT",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    [request] = sent
    assert request["ExecutionRoleArn"] == role
    [step] = request["Steps"]
    assert (step["Name"], step["ActionOnFailure"]) == ("pi", "CANCEL_AND_WAIT")
    args = step["HadoopJarStep"]["Args"]
    assert args[:5] == ["spark-submit", "--deploy-mode", "cluster", "--conf", "spark.driver.memory=1g"]
    assert args[5].startswith(f"s3://{CODE_BUCKET}/jobs/pi/") and args[5].endswith("/pi.py") and len(args) == 6
    data = json.loads(result.stdout)
    assert (data["exit_code"], data["step"]["state"], data["uploaded"]) == (0, "COMPLETED", [args[5]])


def write_stderr_when_added(cluster_id: str, text: str) -> Callable[..., None]:
    """Play EMR's log push: when a step is added, put its stderr.gz under the cluster's LogUri."""

    def put(http_response: Any, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        [step_id] = parsed["StepIds"]
        key = f"emr/{cluster_id}/steps/{step_id}/stderr.gz"
        ops.aws_client("s3").put_object(Bucket=LOG_BUCKET, Key=key, Body=gzip.compress(text.encode()))

    return put


def test_a_failed_run_prints_the_tail_of_stderr_and_exits_1(emr: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code_bucket().create_bucket(Bucket=LOG_BUCKET)
    cluster_id = run_cluster(emr, LogUri=f"s3://{LOG_BUCKET}/emr/")
    stderr = "".join(f"line {i}\n" for i in range(1, 51)) + "ValueError: [bold]bad[/bold] input :fire:\n"
    hook = write_stderr_when_added(cluster_id, stderr)

    def client_with_log_push(region: str | None, endpoint_url: str | None) -> Any:
        client = ops.emr_client(region, endpoint_url)
        client.meta.events.register("after-call.emr.AddJobFlowSteps", hook)
        return client

    monkeypatch.setattr("cdk_emr.cli.aws.emr_client", client_with_log_push)
    script = write(tmp_path, {"fail_job.py": "raise ValueError('bad input')\n"}) / "fail_job.py"
    result = cdk_emr("run", str(script), "--cluster", cluster_id, "--s3-prefix", PREFIX, "--interval", "0", "--tail", "3")
    assert result.exit_code == 1, result.output
    assert "FAILED" in result.stderr and "failure:" in result.stderr
    assert (
        "last 3 lines of" in result.stderr and "line 49\nline 50\nValueError: [bold]bad[/bold] input :fire:\n" in result.stderr
    )  # verbatim
    assert "line 48" not in result.stderr


def test_a_failed_run_whose_stderr_is_not_archived_yet(emr: Any, tmp_path: Path) -> None:
    code_bucket().create_bucket(Bucket=LOG_BUCKET)
    cluster_id = run_cluster(emr, LogUri=f"s3://{LOG_BUCKET}/emr/")
    script = write(tmp_path, {"fail_job.py": ""}) / "fail_job.py"
    result = cdk_emr("run", str(script), "--cluster", cluster_id, "--s3-prefix", PREFIX, "--interval", "0", "--json")
    assert result.exit_code == 1, result.output
    step_id = json.loads(result.stdout)["step_id"]
    assert "every 5 minutes" in result.stderr and f"later: cdk-emr steps logs {cluster_id} {step_id} --tail 40" in result.stderr
    assert json.loads(result.stdout)["stderr_tail"] is None


def test_a_cancelled_run_exits_2_and_a_timeout_exits_2(emr_in_time: Any, tmp_path: Path) -> None:
    emr = emr_in_time
    code_bucket()
    cluster_id = run_cluster(emr)
    ops.add_step(emr, cluster_id, ops.spark_step("s3://b/fail.py", action_on_failure="CANCEL_AND_WAIT"))
    script = write(tmp_path, {"pi.py": ""}) / "pi.py"
    cancelled = cdk_emr("run", str(script), "--cluster", cluster_id, "--s3-prefix", PREFIX, "--interval", "0")
    assert cancelled.exit_code == 2, cancelled.output
    assert "CANCELLED" in cancelled.stderr
    timed_out = cdk_emr("run", str(script), "--cluster", cluster_id, "--s3-prefix", PREFIX, "--timeout", "0", "--json")
    assert timed_out.exit_code == 2, timed_out.output
    assert json.loads(timed_out.stdout)["timed_out"] is True and "timeout: step" in timed_out.stderr


def test_run_follows_progress_like_steps_wait(emr_in_time: Any, tmp_path: Path) -> None:
    code_bucket()
    cluster_id = run_cluster(emr_in_time)
    script = write(tmp_path, {"pi.py": ""}) / "pi.py"
    result = cdk_emr("run", str(script), "--cluster", cluster_id, "--s3-prefix", PREFIX, "--interval", "0")
    assert result.exit_code == 0, result.output
    progress = result.stderr
    assert progress.index("PENDING") < progress.index("RUNNING") < progress.index("COMPLETED")


def test_the_only_running_cluster_is_the_default(emr: Any, tmp_path: Path) -> None:
    code_bucket()
    script = write(tmp_path, {"pi.py": ""}) / "pi.py"
    run = ["run", str(script), "--s3-prefix", PREFIX, "--interval", "0"]
    assert_clean_error(cdk_emr(*run), 2, "give --cluster: 0 clusters are RUNNING or WAITING (none)")
    terminated_cluster(emr)
    cluster_id = run_cluster(emr)
    result = cdk_emr(*run)
    assert result.exit_code == 0, result.output
    assert f"cluster {cluster_id} (analytics): the only RUNNING or WAITING cluster" in result.stderr
    other = run_cluster(emr)
    assert_clean_error(cdk_emr(*run), 2, "give --cluster: 2 clusters are RUNNING or WAITING", cluster_id, other)


def stack_with_data_bucket(name: str, *, data_bucket: bool) -> str:
    resources: dict[str, Any] = {
        "Cluster": {
            "Type": "AWS::EMR::Cluster",
            "Properties": {
                "Name": "from-stack",
                "ReleaseLabel": "emr-7.14.0",
                "JobFlowRole": "p",
                "ServiceRole": "s",
                "Instances": {
                    "MasterInstanceFleet": {"TargetOnDemandCapacity": 1, "InstanceTypeConfigs": [{"InstanceType": "m7g.xlarge"}]},
                    "CoreInstanceFleet": {"TargetOnDemandCapacity": 1, "InstanceTypeConfigs": [{"InstanceType": "m7g.xlarge"}]},
                },
            },
        },
        "Data": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": f"{name.lower()}-data"}},
    }
    outputs: dict[str, Any] = {"ClusterId": {"Value": {"Ref": "Cluster"}}}
    if data_bucket:
        outputs["DataBucketName"] = {"Value": {"Ref": "Data"}}
    template = {"Resources": resources, "Outputs": outputs}
    ops.aws_client("cloudformation").create_stack(StackName=name, TemplateBody=json.dumps(template))
    return f"{name.lower()}-data"


def test_a_stack_s_data_bucket_holds_the_code_by_default(emr: Any, tmp_path: Path) -> None:
    bucket = stack_with_data_bucket("Platform", data_bucket=True)
    script = write(tmp_path, {"pi.py": "print(3)\n"}) / "pi.py"
    result = cdk_emr("run", str(script), "--cluster", "Platform", "--interval", "0")
    assert result.exit_code == 0, result.output
    [key] = objects(ops.aws_client("s3"), bucket)
    assert key.startswith("artifacts/cdk-emr-run/pi/") and key.endswith("/pi.py")
    assert "prefix from output DataBucketName of stack Platform" in result.stderr


@pytest.mark.parametrize(
    ("cluster", "message"),
    [
        ("Bare", "stack Bare has no DataBucketName output to hold the project's code: give --s3-prefix"),
        ("CLUSTER_ID", "no S3 location for the project's code: give --s3-prefix"),
    ],
)
def test_without_a_code_location_run_asks_for_s3_prefix(emr: Any, tmp_path: Path, cluster: str, message: str) -> None:
    stack_with_data_bucket("Bare", data_bucket=False)
    cluster_id = run_cluster(emr)
    script = write(tmp_path, {"pi.py": ""}) / "pi.py"
    assert_clean_error(cdk_emr("run", str(script), "--cluster", cluster_id if cluster == "CLUSTER_ID" else cluster), 2, message)
    assert emr.list_steps(ClusterId=cluster_id)["Steps"] == []


@pytest.mark.parametrize(
    ("files", "extra", "exit_code", "message"),
    [
        (
            {"main.py": "", "requirements.txt": "pandas==2.2.3\n"},
            [],
            2,
            "needs third-party packages, which `cdk-emr run` does not package: pandas==2.2.3",
        ),
        ({"main.py": ""}, ["--s3-prefix", "bucket/code"], 2, "--s3-prefix 'bucket/code' is not an s3:// URI"),
        ({"main.py": ""}, ["--runtime-role", "TeamA"], 2, "is not an IAM role ARN"),
        ({"a.py": "", "b.py": ""}, [], 2, "name the entry script with --entry"),
        ({"main.py": ""}, ["--entry", "nope.py"], 2, "--entry nope.py: no such file"),
    ],
)
def test_bad_input_exits_2(
    emr: Any, tmp_path: Path, files: dict[str, str], extra: list[str], exit_code: int, message: str
) -> None:
    code_bucket()
    cluster_id = run_cluster(emr)
    root = write(tmp_path / "proj", files)
    options = ["--s3-prefix", PREFIX, *extra] if "--s3-prefix" not in extra else extra
    assert_clean_error(cdk_emr("run", str(root), "--cluster", cluster_id, "--interval", "0", *options), exit_code, message)
    assert emr.list_steps(ClusterId=cluster_id)["Steps"] == []


def test_a_terminated_cluster_gets_nothing_uploaded(emr: Any, project: Path) -> None:
    s3 = code_bucket()
    cluster_id = terminated_cluster(emr)
    result = cdk_emr("run", str(project), "--cluster", cluster_id, "--s3-prefix", PREFIX)
    assert_clean_error(result, 1, f"cluster {cluster_id} is TERMINATED")
    assert objects(s3) == {}


def test_a_missing_bucket_is_a_clean_error(emr: Any, project: Path) -> None:
    cluster_id = run_cluster(emr)
    result = cdk_emr("run", str(project), "--cluster", cluster_id, "--s3-prefix", "s3://nowhere-bucket/code/")
    assert_clean_error(result, 1, "PutObject failed (NoSuchBucket)")


def test_run_against_a_local_server_with_endpoint_url(project: Path) -> None:
    with LocalAws(time_scale=0) as aws:
        create_roles(aws.client("iam"))
        aws.client("s3").create_bucket(Bucket=CODE_BUCKET)
        cluster_id = run_cluster(aws.client("emr"))
        result = cdk_emr(
            "run", str(project), "--cluster", cluster_id, "--s3-prefix", PREFIX, "--interval", "0",
            "--endpoint-url", aws.endpoint_url, "--region", "us-east-1",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        keys = [o["Key"] for o in aws.client("s3").list_objects_v2(Bucket=CODE_BUCKET)["Contents"]]
        assert sorted(k.rsplit("/", 1)[1] for k in keys) == ["main.py", "pyfiles.zip"]
        [step] = aws.client("emr").list_steps(ClusterId=cluster_id)["Steps"]
        assert step["Status"]["State"] == "COMPLETED" and "--py-files" in step["Config"]["Args"]


def test_log_wait_waits_for_emr_to_archive_stderr(emr: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code_bucket().create_bucket(Bucket=LOG_BUCKET)
    cluster_id = run_cluster(emr, LogUri=f"s3://{LOG_BUCKET}/emr/")
    monkeypatch.setattr("cdk_emr.cli.run.LOG_POLL_SECONDS", 0.05)
    hook = write_stderr_when_added(cluster_id, "Traceback\nValueError: late\n")

    def client_with_late_log_push(region: str | None, endpoint_url: str | None) -> Any:
        """EMR archives the step's stderr 0.3 s after the step is added."""
        client = ops.emr_client(region, endpoint_url)
        later = lambda **kwargs: threading.Timer(0.3, hook, kwargs=kwargs).start()  # noqa: E731
        client.meta.events.register("after-call.emr.AddJobFlowSteps", later)
        return client

    monkeypatch.setattr("cdk_emr.cli.aws.emr_client", client_with_late_log_push)
    script = write(tmp_path, {"fail_job.py": ""}) / "fail_job.py"
    run = ["run", str(script), "--cluster", cluster_id, "--s3-prefix", PREFIX, "--interval", "0"]
    result = cdk_emr(*run, "--log-wait", "30")
    assert result.exit_code == 1, result.output
    assert "Traceback\nValueError: late\n" in result.stderr
