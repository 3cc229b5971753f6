"""EMR facts, one home each: the bottom floor of cdk-emr (standard library only).

Imported alike by the constructs, :mod:`cdk_emr.ops`, :mod:`cdk_emr.local` and the CLI; nothing
here imports ``aws_cdk``, ``boto3`` or ``moto``. Every fact names its source (an AWS
documentation page, the CloudFormation resource schemas shipped in cfn-lint, botocore's EMR
service model, or moto's recorded EMR data).

* :mod:`cdk_emr.facts.releases` — release labels, applications per release and their versions;
* :mod:`cdk_emr.facts.limits` — EMR's API limits and enums (step concurrency, scaling units...);
* :mod:`cdk_emr.facts.update_behaviour` — what CloudFormation does when an ``AWS::EMR::*``
  property changes;
* :mod:`cdk_emr.facts.events` — EMR's EventBridge detail-types and sample events;
* :mod:`cdk_emr.facts.metrics` — EMR's CloudWatch metrics: units, meanings, default statistics;
* :mod:`cdk_emr.facts.steps` — the JARs EMR provides and the argument lists of its step kinds.
"""
