"""``TransientClusterWorkflow``: a Step Functions state machine that creates an EMR cluster,
runs steps on it, and terminates it, whatever happens.

The cluster comes from an ``EmrCluster(..., launch=False)``: everything it needs (roles, network,
security configuration, scripts) is deployed with the stack, and each execution launches the
cluster those :attr:`~cdk_emr.cluster.EmrCluster.launch_properties` describe. The properties are
in CloudFormation's shape; :func:`~cdk_emr.ops.run_job_flow.run_job_flow_request` turns them into
the RunJobFlow API shape that Step Functions' ``createCluster`` integration takes.

Success path: create cluster → step 1 … step n → terminate cluster → Succeeded.
Failure path: any failure after creation → terminate cluster → notify → Failed; a creation
failure → notify → Failed. A failed termination notifies with the cluster id to terminate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aws_cdk import Annotations, ArnFormat, Aws, Duration, Names, RemovalPolicy, Stack, Token
from aws_cdk import aws_emr as emr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from cdk_emr.cfn_shape import to_cloudformation
from cdk_emr.cluster import EmrCluster
from cdk_emr.compliance import acknowledge
from cdk_emr.encryption import create_emr_key
from cdk_emr.grants import KMS_ENCRYPT_DECRYPT, grant_key
from cdk_emr.iam import ManagedPolicyRole
from cdk_emr.ops.run_job_flow import run_job_flow_request, step_config
from cdk_emr.typecheck import typed
from cdk_emr.validation import Validator, check_email_addresses
from cdk_emr.workload import ActionOnFailure, Step

WORKFLOW_TAG_KEY = "cdk-emr:workflow"
"""Tag put on every cluster the workflow creates; the state machine may only act on clusters
carrying it with the workflow's own value."""

DEFAULT_TIMEOUT = Duration.hours(12)
CLEANUP_ALLOWANCE = Duration.hours(2)  # termination (with retries) and notification after the last timeout
TERMINATE_TIMEOUT = Duration.minutes(30)
SHORT_TASK_TIMEOUT = Duration.minutes(5)  # reading the KDC password, publishing a notification
MAX_EXECUTION_SECONDS = 365 * 24 * 3600  # a standard workflow runs for at most one year
SYNC_POLL_SECONDS = 300  # .sync EMR tasks poll every 60 s for 10 minutes, then every 300 s
SAFE_IDLE_TIMEOUT_SECONDS = 600
SNS_SUBJECT_LENGTH = 100

# Rules Step Functions manages in the account to learn when an EMR .sync task is done.
SYNC_EVENT_RULES = (
    "StepFunctionsGetEventForEMRRunJobFlowRule",
    "StepFunctionsGetEventForEMRAddJobFlowStepsRule",
    "StepFunctionsGetEventForEMRTerminateJobFlowsRule",
)


# ----- CloudFormation shape (RunJobFlow shape: cdk_emr.ops.run_job_flow) ---------------------


def cloudformation_properties(props: emr.CfnClusterProps) -> dict[str, Any]:
    """``props`` as CloudFormation writes them (``Instances.MasterInstanceFleet``, ``SizeInGB``,
    ``ConfigurationProperties``...), with their tokens still unresolved.

    The names come from the structs' public properties (:mod:`cdk_emr.cfn_shape`), never from
    jsii's or CDK's private members.
    """
    return dict(to_cloudformation(props))


# ----- the workflow ----------------------------------------------------------------------------


@typed
class TransientClusterWorkflow(Construct):
    """A Step Functions state machine that runs ``steps`` on a cluster of its own.

    Each execution creates the cluster ``cluster`` describes (built with ``launch=False``), runs
    the cluster's own ``steps`` and then ``steps``, one after the other, and terminates the
    cluster. If anything fails after the cluster exists, the cluster is terminated, a message
    naming the execution, the cluster id and the error goes to ``topic``, and the execution
    fails with the original error. The execution input is not used (and not kept): after
    creation the state is ``{"Cluster": {"ClusterId": ...}}``.

    For a Kerberized cluster a first state reads the KDC admin password from Secrets Manager:
    it is in neither the template nor the definition, but it is in the execution history of
    the two creating states (execution data is then kept out of the logs).

    Public attributes: ``state_machine``, ``role`` (its execution role: no inline policy; the
    notification, logging and secret permissions in its managed ``role.policy``),
    ``cluster_policy`` (the EMR permissions, limited to clusters tagged ``cdk-emr:workflow =
    workflow_tag``), ``topic``, ``encryption_key`` (of the log group and of the topic this
    construct creates), ``log_group``, ``workflow_tag``.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        cluster: EmrCluster,
        steps: Sequence[Step] = (),
        topic: sns.ITopic | None = None,
        notification_emails: Sequence[str] = (),
        timeout: Duration = DEFAULT_TIMEOUT,
        encryption_key: kms.IKey | None = None,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_YEAR,
        name: str | None = None,
    ) -> None:
        """Create the state machine, its role, log group and (unless given) notification topic.

        :param cluster: The cluster each execution creates: an ``EmrCluster`` built with
            ``launch=False``, without termination protection (so neither
            ``termination_protection=True`` nor 3 primary nodes, which force it).
        :param steps: Steps run in order after the cluster's own ``steps``; their scripts are
            granted to the cluster's instance role. Prefer ``ActionOnFailure.CONTINUE``: the
            workflow terminates the cluster itself. Default: none (the cluster must then have
            steps of its own).
        :param topic: Where failures are notified. Default: a new TLS-only topic encrypted with
            ``encryption_key``. A topic you bring encrypted with a KMS key must expose it as
            ``master_key`` so that the state machine is granted its use.
        :param notification_emails: Email addresses subscribed to the topic (each confirms by
            email). Default: none.
        :param timeout: How long the cluster's creation, and each step, may take; a longer one
            is abandoned: the cluster is terminated, the failure notified. The execution itself
            times out after ``timeout`` × (1 + number of steps) + 2 hours, so that the
            cleanup always runs (Step Functions runs no catcher when an execution times out).
            Default: 12 hours.
        :param encryption_key: Key of the log group and of the topic this construct creates.
            Default: a new key with rotation, retained. The construct lets CloudWatch Logs use
            a key defined in this app; for an imported key it warns, and you add that.
        :param log_retention: How long the execution logs are kept. Default: one year.
        :param name: Name of the state machine. Default: a name CloudFormation generates.
        """
        super().__init__(scope, id)
        self.cluster = cluster
        self.steps = tuple(steps)
        self._validate(timeout=timeout, name=name, notification_emails=notification_emails)
        self._warn_about_step_settings()
        self.workflow_tag = Names.unique_id(self)
        self.encryption_key = encryption_key or create_emr_key(
            self, "Key", description=f"EMR workflow {self.node.path}: execution logs and notifications"
        )
        self.topic = topic or sns.Topic(
            self, "Topic", master_key=self.encryption_key, enforce_ssl=True, display_name="EMR workflow failures"
        )
        for address in notification_emails:
            self.topic.add_subscription(subscriptions.EmailSubscription(address))
        self.log_group = self._log_group(log_retention)
        self.role = ManagedPolicyRole(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal(
                "states.amazonaws.com", conditions={"StringEquals": {"aws:SourceAccount": Stack.of(self).account}}
            ),
            description=f"Execution role of the EMR workflow {self.node.path}",
        )
        self.cluster_policy = self._cluster_policy()
        self._grant_notification_and_secret()
        self.state_machine = self._state_machine(name, timeout)
        self._acknowledge_logging_wildcard()

    def grant_start_execution(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` start executions of the workflow."""
        return self.state_machine.grant_start_execution(grantee)

    # ----- resources ------------------------------------------------------------------------

    def _state_machine(self, name: str | None, timeout: Duration) -> sfn.StateMachine:
        """The state machine: logs everything to the encrypted log group, traced with X-Ray."""
        state_machine = sfn.StateMachine(
            self,
            "Resource",
            state_machine_name=name,
            definition_body=sfn.DefinitionBody.from_chainable(self._definition(self._render_steps(), timeout, name)),
            role=self.role,
            timeout=Duration.seconds(timeout.to_seconds() * self._task_count() + CLEANUP_ALLOWANCE.to_seconds()),
            tracing_enabled=True,
            logs=sfn.LogOptions(
                destination=self.log_group,
                level=sfn.LogLevel.ALL,
                # The KDC admin password passes through the creating states: keep it out of the logs.
                include_execution_data=self.cluster.kdc_admin_password is None,
            ),
        )
        # Step Functions checks the role's log-delivery permissions when it creates the state machine.
        state_machine.node.add_dependency(self.role.policy, self.cluster_policy)
        return state_machine

    def _render_steps(self) -> list[emr.CfnCluster.StepConfigProperty]:
        """The workflow's steps, their scripts readable by the cluster's instance role."""
        rendered = [step._render(self, f"Step{i}") for i, step in enumerate(self.steps)]
        for _, sources in rendered:
            for source in sources:
                source.grant_read(self.cluster.instance_role)
        return [config for config, _ in rendered]

    def _task_count(self) -> int:
        """Tasks bounded by ``timeout``: the creation and every step."""
        return 1 + len(self.cluster.steps) + len(self.steps)

    def _log_group(self, retention: logs.RetentionDays) -> logs.LogGroup:
        """An encrypted, retained log group, named under ``/aws/vendedlogs/`` as Step Functions advises."""
        stack = Stack.of(self)
        name = f"/aws/vendedlogs/states/{Names.unique_resource_name(self, max_length=200, separator='-')}"
        statement = iam.PolicyStatement(
            sid="AllowCloudWatchLogsForTheWorkflowLogGroup",
            principals=[iam.ServicePrincipal(f"logs.{stack.region}.{Aws.URL_SUFFIX}")],
            actions=list(KMS_ENCRYPT_DECRYPT),
            resources=["*"],
            conditions={
                "ArnEquals": {
                    "kms:EncryptionContext:aws:logs:arn": stack.format_arn(
                        service="logs",
                        resource="log-group",
                        resource_name=name,
                        arn_format=ArnFormat.COLON_RESOURCE_NAME,
                    )
                }
            },
        )
        if not self.encryption_key.add_to_resource_policy(statement).statement_added:
            Annotations.of(self).add_warning_v2(
                "cdk-emr:workflowLogKeyPolicy",
                f"The workflow's KMS key is imported, so its key policy cannot be changed here: let "
                f"logs.<region>.amazonaws.com use it for the log group {name}, or the log group cannot be created.",
            )
        return logs.LogGroup(
            self,
            "Logs",
            log_group_name=name,
            encryption_key=self.encryption_key,
            retention=retention,
            removal_policy=RemovalPolicy.RETAIN,
        )

    # ----- definition -----------------------------------------------------------------------

    def _definition(
        self, steps: Sequence[emr.CfnCluster.StepConfigProperty], timeout: Duration, name: str | None
    ) -> sfn.IChainable:
        """create → steps → terminate → Succeeded, every failure routed to terminate → notify → Failed."""
        request, startup_steps = self._create_cluster_request()
        subject = f"EMR workflow {name} failed"[:SNS_SUBJECT_LENGTH] if name and not Token.is_unresolved(name) else None
        failures = _FailureStates(self, subject or "EMR workflow failed")
        start, chain = self._creation(request, timeout, failures.creation_failed)
        for i, step in enumerate([*startup_steps, *(step_config(_step_shape(s)) for s in steps)], start=1):
            task = self._task(
                _state_name(f"Step {i}: {step['Name']}"),
                "elasticmapreduce:addStep.sync",
                {"ClusterId.$": "$.Cluster.ClusterId", "Step": step},
                timeout,
            )
            task.add_catch(failures.cleanup, errors=["States.ALL"], result_path="$.Error")
            chain.next(task)
            chain = task
        terminate = self._terminate("Terminate cluster")
        terminate.add_catch(failures.termination_failed, errors=["States.ALL"], result_path="$.TerminationError")
        chain.next(terminate)
        terminate.next(sfn.Succeed(self, "Succeeded"))
        return start

    def _creation(
        self, request: Mapping[str, Any], timeout: Duration, creation_failed: sfn.IChainable
    ) -> tuple[sfn.IChainable, sfn.CustomState]:
        """The first state and the creating task: createCluster.sync, after reading the KDC
        admin password from Secrets Manager for a Kerberized cluster."""
        create = self._task(
            "Create cluster",
            "elasticmapreduce:createCluster.sync",
            request,
            timeout,
            # The state becomes the cluster id alone (a KDC password read before is dropped).
            result_selector={"Cluster": {"ClusterId.$": "$.ClusterId"}},
            result_path="$",
        )
        # The state becomes the error: nothing to terminate, and a KDC password is dropped.
        create.add_catch(creation_failed, errors=["States.ALL"], result_path="$")
        secret = self.cluster.kdc_admin_password
        if secret is None:
            return create, create
        read = self._task(
            "Read KDC admin password",
            "aws-sdk:secretsmanager:getSecretValue",
            {"SecretId": secret.secret_arn},
            SHORT_TASK_TIMEOUT,
            result_selector={"Password.$": "$.SecretString"},
            result_path="$.KdcAdmin",
        )
        read.add_catch(creation_failed, errors=["States.ALL"], result_path="$")
        read.next(create)
        return read, create

    def _create_cluster_request(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """createCluster's Parameters (RunJobFlow without Steps, kept alive, tagged, output
        reduced to the cluster id) and the cluster's own steps, run as states."""
        cfn = cloudformation_properties(self.cluster.launch_properties)
        startup_steps = [step_config(step) for step in cfn.pop("Steps", [])]
        request = run_job_flow_request(cfn)
        request["Instances"]["KeepJobFlowAliveWhenNoSteps"] = True  # createCluster requires it
        tags = [t for t in request.get("Tags", []) if t.get("Key") != WORKFLOW_TAG_KEY]
        request["Tags"] = [*tags, {"Key": WORKFLOW_TAG_KEY, "Value": self.workflow_tag}]
        if "KerberosAttributes" in request:
            kerberos = {k: v for k, v in request["KerberosAttributes"].items() if k != "KdcAdminPassword"}
            request["KerberosAttributes"] = {**kerberos, "KdcAdminPassword.$": "$.KdcAdmin.Password"}
        return request, startup_steps

    def _task(
        self,
        state_name: str,
        integration: str,
        parameters: Mapping[str, Any],
        timeout: Duration,
        *,
        result_selector: Mapping[str, Any] | None = None,
        result_path: str = sfn.JsonPath.DISCARD,
    ) -> sfn.CustomState:
        """A Task state on an optimized or SDK integration. By default its result is discarded:
        the state stays ``{"Cluster": {"ClusterId": ...}}`` (plus ``Error`` on a failure path)."""
        state: dict[str, Any] = {
            "Type": "Task",
            "Resource": f"arn:{Aws.PARTITION}:states:::{integration}",
            "Parameters": dict(parameters),
            "TimeoutSeconds": int(timeout.to_seconds()),
            "ResultPath": result_path,
        }
        if result_selector is not None:
            state["ResultSelector"] = dict(result_selector)
        return sfn.CustomState(self, state_name, state_json=state)

    def _terminate(self, state_name: str) -> sfn.CustomState:
        """terminateCluster.sync on the workflow's cluster, retried twice."""
        task = self._task(
            state_name, "elasticmapreduce:terminateCluster.sync", {"ClusterId.$": "$.Cluster.ClusterId"}, TERMINATE_TIMEOUT
        )
        return task.add_retry(errors=["States.ALL"], interval=Duration.seconds(30), max_attempts=2, backoff_rate=2)

    def _notify(self, state_name: str, subject: str, template: str, arguments: Sequence[str]) -> sfn.CustomState:
        """Publish ``template`` (``{}`` filled with ``arguments``, JSONPath or intrinsics) to the topic."""
        message = f"States.Format('{template}', {', '.join(arguments)})"
        task = self._task(
            state_name,
            "sns:publish",
            {"TopicArn": self.topic.topic_arn, "Subject": subject, "Message.$": message},
            SHORT_TASK_TIMEOUT,
        )
        return task.add_retry(errors=["States.ALL"], interval=Duration.seconds(5), max_attempts=3, backoff_rate=2)

    # ----- permissions ----------------------------------------------------------------------

    def _cluster_policy(self) -> iam.ManagedPolicy:
        """What the EMR states call, in a managed policy of its own: clusters carrying this
        workflow's tag, PassRole on the two cluster roles, the .sync event rules.

        It is kept apart from the role's own policy, whose aspect acknowledges any ``<arn>/*`` as
        a bucket-prefix wildcard, so that ``cluster/*`` is acknowledged here with its true reason.
        """
        stack, cluster = Stack.of(self), self.cluster
        tag = {"StringEquals": {f"elasticmapreduce:ResourceTag/{WORKFLOW_TAG_KEY}": self.workflow_tag}}
        request_tag = {"StringEquals": {f"elasticmapreduce:RequestTag/{WORKFLOW_TAG_KEY}": self.workflow_tag}}
        statements = [
            iam.PolicyStatement(
                sid="CreateClustersTaggedForThisWorkflow",
                actions=["elasticmapreduce:RunJobFlow", "elasticmapreduce:AddTags"],
                resources=["*"],  # RunJobFlow has no resource type: the request tag is the scope
                conditions=request_tag,
            ),
            iam.PolicyStatement(
                sid="RunStepsOnAndTerminateThisWorkflowsClusters",
                actions=[
                    "elasticmapreduce:DescribeCluster",
                    "elasticmapreduce:AddJobFlowSteps",
                    "elasticmapreduce:DescribeStep",
                    "elasticmapreduce:CancelSteps",
                    "elasticmapreduce:TerminateJobFlows",
                ],
                resources=[stack.format_arn(service="elasticmapreduce", resource="cluster", resource_name="*")],
                conditions=tag,
            ),
            iam.PolicyStatement(
                sid="PassTheClusterRoles",
                actions=["iam:PassRole"],
                resources=[cluster.service_role.role_arn, cluster.instance_role.role_arn],
            ),
            iam.PolicyStatement(
                sid="CreateTheEmrCleanupServiceLinkedRole",
                actions=["iam:CreateServiceLinkedRole"],
                resources=[
                    f"arn:{Aws.PARTITION}:iam::{stack.account}:role/aws-service-role/"
                    f"elasticmapreduce.{Aws.URL_SUFFIX}/AWSServiceRoleForEMRCleanup"
                ],
                conditions={"StringEquals": {"iam:AWSServiceName": f"elasticmapreduce.{Aws.URL_SUFFIX}"}},
            ),
            iam.PolicyStatement(
                sid="ManageTheSyncEventRules",
                actions=["events:PutTargets", "events:PutRule", "events:DescribeRule"],
                resources=[stack.format_arn(service="events", resource="rule", resource_name=r) for r in SYNC_EVENT_RULES],
            ),
        ]
        policy = iam.ManagedPolicy(
            self,
            "ClusterPolicy",
            description=f"EMR cluster life cycle of the workflow {self.node.path}",
            statements=statements,
            roles=[self.role],
        )
        acknowledge(
            policy.node.default_child,
            "AwsSolutions::AwsSolutions-IAM5[Resource::*]",
            "elasticmapreduce:RunJobFlow has no resource type, so it (with AddTags, for the tags sent at launch) is "
            "granted on '*' under the condition that the new cluster carries this workflow's cdk-emr:workflow tag.",
        )
        acknowledge(
            policy.node.default_child,
            "AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:elasticmapreduce:<AWS::Region>:"
            "<AWS::AccountId>:cluster/*]",
            "Cluster ids exist only at run time; the statement is limited by condition to clusters carrying this "
            "workflow's cdk-emr:workflow tag, which only its own RunJobFlow calls set.",
        )
        return policy

    def _grant_notification_and_secret(self) -> None:
        """Publish to the topic (and use its key); read the KDC admin password, if any."""
        role = self.role
        iam.Grant.add_to_principal(grantee=role, actions=["sns:Publish"], resource_arns=[self.topic.topic_arn])
        if self.topic.master_key is not None:
            grant_key(role, self.topic.master_key, ("kms:Decrypt", "kms:GenerateDataKey"))
        secret = self.cluster.kdc_admin_password
        if secret is None:
            return
        iam.Grant.add_to_principal(grantee=role, actions=["secretsmanager:GetSecretValue"], resource_arns=[secret.secret_arn])
        if secret.encryption_key is not None:
            region = Stack.of(self).region
            role.add_to_principal_policy(
                iam.PolicyStatement(
                    actions=["kms:Decrypt"],
                    resources=[secret.encryption_key.key_arn],
                    conditions={"StringEquals": {"kms:ViaService": f"secretsmanager.{region}.{Aws.URL_SUFFIX}"}},
                )
            )

    def _acknowledge_logging_wildcard(self) -> None:
        """CDK grants the role log delivery and X-Ray, which have no resource-level permissions."""
        policy = self.role.policy.node.default_child
        assert policy is not None
        acknowledge(
            policy,
            "AwsSolutions::AwsSolutions-IAM5[Resource::*]",
            "The CloudWatch Logs delivery actions (logs:CreateLogDelivery, ...) and X-Ray actions that Step Functions "
            "needs for execution logging and tracing support no resource-level permissions.",
        )

    # ----- validation -----------------------------------------------------------------------

    def _validate(self, *, timeout: Duration, name: str | None, notification_emails: Sequence[str]) -> None:
        v = Validator(f"TransientClusterWorkflow {self.node.path}")
        check_email_addresses(v, "notification_emails", notification_emails)
        cluster = self.cluster
        v.check(
            cluster.resource is None,
            "cluster",
            cluster.node.path,
            "an EmrCluster built with launch=False: each execution launches its own cluster",
        )
        instances = cluster.launch_properties.instances
        protected = getattr(instances, "termination_protected", False)
        v.check(
            protected is not True,
            "cluster.termination_protection",
            True,
            "False, with one primary node (3 primary nodes force it on): the workflow terminates its cluster",
        )
        v.check(
            len(cluster.steps) + len(self.steps) > 0,
            "steps",
            [],
            "at least one step, here or on the EmrCluster",
        )
        seconds = timeout.to_seconds()
        v.check(seconds >= 60, "timeout", f"{seconds} seconds", "at least 1 minute")
        tasks = self._task_count()
        total = seconds * tasks + CLEANUP_ALLOWANCE.to_seconds()
        v.check(
            total <= MAX_EXECUTION_SECONDS,
            "timeout",
            f"{seconds} seconds",
            f"at most {(MAX_EXECUTION_SECONDS - CLEANUP_ALLOWANCE.to_seconds()) // tasks} seconds for {tasks} "
            "tasks: an execution runs for at most one year",
        )
        if name is not None and not Token.is_unresolved(name):
            v.check(1 <= len(name) <= 80, "name", name, "1 to 80 characters")
        v.raise_if_any()

    def _warn_about_step_settings(self) -> None:
        terminating = [
            s.name for s in (*self.cluster.steps, *self.steps) if s.action_on_failure == ActionOnFailure.TERMINATE_CLUSTER
        ]
        if terminating:
            Annotations.of(self).add_warning_v2(
                "cdk-emr:workflowStepTerminates",
                f"Steps {terminating} have ActionOnFailure TERMINATE_CLUSTER: the workflow terminates the cluster "
                "itself after a failure; use CONTINUE so that termination and notification follow one path.",
            )
        policy = self.cluster.launch_properties.auto_termination_policy
        idle = getattr(policy, "idle_timeout", None)
        if isinstance(idle, (int, float)) and idle < SAFE_IDLE_TIMEOUT_SECONDS:
            Annotations.of(self).add_warning_v2(
                "cdk-emr:workflowIdleTimeout",
                f"The cluster auto-terminates after {idle} idle seconds, but Step Functions may take up to "
                f"{SYNC_POLL_SECONDS} seconds to notice a finished step and submit the next: give the cluster an "
                f"idle timeout of at least {SAFE_IDLE_TIMEOUT_SECONDS} seconds.",
            )


class _FailureStates:
    """The failure paths, each ending in a Fail state that carries the original error name.

    - ``creation_failed``: notify (the state is the error) → "Creation failed";
    - ``cleanup``: terminate the cluster (``$.Error`` holds the error) → notify → "Failed";
    - ``termination_failed``: notify with the cluster id to terminate by hand → "Termination failed".
    """

    def __init__(self, workflow: TransientClusterWorkflow, subject: str) -> None:
        execution = "$$.Execution.Id"
        self.creation_failed = workflow._notify(
            "Notify creation failure",
            subject,
            "EMR workflow execution {} could not create its cluster. Error: {}",
            [execution, "States.JsonToString($)"],
        ).next(sfn.Fail(workflow, "Creation failed", error_path="$.Error", cause="The cluster could not be created."))
        self.termination_failed = workflow._notify(
            "Notify termination failure",
            subject,
            "EMR workflow execution {} could not terminate its cluster {}: terminate it by hand "
            "(cdk-emr terminate {}). Error: {}",
            [execution, "$.Cluster.ClusterId", "$.Cluster.ClusterId", "States.JsonToString($.TerminationError)"],
        ).next(
            sfn.Fail(workflow, "Termination failed", error_path="$.TerminationError.Error", cause="The cluster may still run.")
        )
        notify = workflow._notify(
            "Notify failure",
            subject,
            "EMR workflow execution {} failed; its cluster {} was terminated. Error: {}",
            [execution, "$.Cluster.ClusterId", "States.JsonToString($.Error)"],
        )
        self.cleanup = workflow._terminate("Terminate cluster after failure")
        self.cleanup.add_catch(self.termination_failed, errors=["States.ALL"], result_path="$.TerminationError")
        self.cleanup.next(notify).next(
            sfn.Fail(workflow, "Failed", error_path="$.Error.Error", cause="The cluster was terminated after a failure.")
        )


def _step_shape(step: emr.CfnCluster.StepConfigProperty) -> dict[str, Any]:
    """A step struct in CloudFormation's shape (plain values: step fields are never nested further)."""
    jar = step.hadoop_jar_step
    hadoop: dict[str, Any] = {"Jar": jar.jar}
    if jar.args:
        hadoop["Args"] = list(jar.args)
    if jar.main_class:
        hadoop["MainClass"] = jar.main_class
    return {"Name": step.name, "ActionOnFailure": step.action_on_failure, "HadoopJarStep": hadoop}


def _state_name(name: str) -> str:
    """State names are at most 80 characters."""
    return name if len(name) <= 80 else name[:79] + "…"
