"""IAM actions the tests expect, written out from their sources rather than taken from the code.

Each action is paired with the API operation it authorizes. The IAM action names come from the
Service Authorization Reference ("Actions, resources, and condition keys for <service>"), where an
action is named after its API operation unless noted; the operations are checked against
botocore's service models (``botocore/data/<service>/*/service-2.json``) by
``tests/constructs/test_grants.py::test_expected_actions_authorize_real_api_operations``.

Which operations a grant must allow is the connector's documented use:

* S3 (EMRFS / S3A read and write of a prefix): Amazon EMR Management Guide, "Configure IAM service
  roles for Amazon EMR permissions to AWS services and resources" (the EMRFS example policy).
* DynamoDB (EMR DynamoDB connector, Hive/Spark): Amazon EMR Release Guide, "Set up a Hive table
  to run Hive commands" / Amazon DynamoDB Developer Guide, "DynamoDB API permissions reference".
* Kinesis (Spark Structured Streaming with EFO, Kinesis Producer): Amazon Kinesis Data Streams
  Developer Guide, "Controlling access to Amazon Kinesis Data Streams resources using IAM"
  (consumer and producer example policies).
* Secrets Manager: AWS Secrets Manager User Guide, "Retrieve secrets" (GetSecretValue) and
  "Permissions reference" (DescribeSecret).
* KMS: AWS KMS Developer Guide, "Permissions reference" (ReEncrypt needs ReEncryptFrom and ReEncryptTo).
* Glue crawler: AWS Glue Developer Guide, "Step 2: Create an IAM role for AWS Glue" (the
  AWSGlueServiceRole managed policy lists the Data Catalog and CloudWatch Logs actions a crawler uses).
"""

from __future__ import annotations

# (IAM action, the API operation it authorizes)
S3_BUCKET_READ = (
    ("s3:ListBucket", "ListObjectsV2"),  # "ListBucket" authorizes ListObjects/ListObjectsV2
    ("s3:GetBucketLocation", "GetBucketLocation"),
)
S3_OBJECT_READ = (
    ("s3:GetObject", "GetObject"),
    ("s3:GetObjectVersion", "GetObject"),  # GetObject with a versionId
)
S3_OBJECT_WRITE = (
    ("s3:PutObject", "PutObject"),  # also CreateMultipartUpload, UploadPart, CompleteMultipartUpload
    ("s3:DeleteObject", "DeleteObject"),
    ("s3:AbortMultipartUpload", "AbortMultipartUpload"),
    ("s3:ListMultipartUploadParts", "ListParts"),
)
KMS_DECRYPT = (("kms:Decrypt", "Decrypt"), ("kms:DescribeKey", "DescribeKey"))
KMS_ENCRYPT_DECRYPT = (
    ("kms:Decrypt", "Decrypt"),
    ("kms:Encrypt", "Encrypt"),
    ("kms:GenerateDataKey", "GenerateDataKey"),
    ("kms:ReEncryptFrom", "ReEncrypt"),
    ("kms:ReEncryptTo", "ReEncrypt"),
    ("kms:DescribeKey", "DescribeKey"),
)
DYNAMODB_READ = (
    ("dynamodb:DescribeTable", "DescribeTable"),
    ("dynamodb:GetItem", "GetItem"),
    ("dynamodb:BatchGetItem", "BatchGetItem"),
    ("dynamodb:Query", "Query"),
    ("dynamodb:Scan", "Scan"),
    ("dynamodb:ConditionCheckItem", "TransactWriteItems"),  # the ConditionCheck of a transaction
)
DYNAMODB_WRITE = (
    ("dynamodb:PutItem", "PutItem"),
    ("dynamodb:UpdateItem", "UpdateItem"),
    ("dynamodb:DeleteItem", "DeleteItem"),
    ("dynamodb:BatchWriteItem", "BatchWriteItem"),
)
KINESIS_READ = (
    ("kinesis:DescribeStream", "DescribeStream"),
    ("kinesis:DescribeStreamSummary", "DescribeStreamSummary"),
    ("kinesis:GetRecords", "GetRecords"),
    ("kinesis:GetShardIterator", "GetShardIterator"),
    ("kinesis:ListShards", "ListShards"),
    ("kinesis:SubscribeToShard", "SubscribeToShard"),
)
KINESIS_WRITE = (
    ("kinesis:DescribeStreamSummary", "DescribeStreamSummary"),
    ("kinesis:PutRecord", "PutRecord"),
    ("kinesis:PutRecords", "PutRecords"),
)
SECRET_READ = (
    ("secretsmanager:GetSecretValue", "GetSecretValue"),
    ("secretsmanager:DescribeSecret", "DescribeSecret"),
)
GLUE_TABLE_READ = (
    ("glue:GetDatabase", "GetDatabase"),
    ("glue:GetTable", "GetTable"),
    ("glue:GetTables", "GetTables"),
    ("glue:GetPartition", "GetPartition"),
    ("glue:GetPartitions", "GetPartitions"),
    ("glue:BatchGetPartition", "BatchGetPartition"),
)
CRAWLER_TABLE_WRITE = (
    ("glue:CreateTable", "CreateTable"),
    ("glue:UpdateTable", "UpdateTable"),
    ("glue:BatchCreatePartition", "BatchCreatePartition"),
    ("glue:UpdatePartition", "UpdatePartition"),
    ("glue:BatchUpdatePartition", "BatchUpdatePartition"),
)
CRAWLER_LOGS = (
    ("logs:CreateLogGroup", "CreateLogGroup"),
    ("logs:AssociateKmsKey", "AssociateKmsKey"),  # the crawler's security configuration encrypts its logs
    ("logs:CreateLogStream", "CreateLogStream"),
    ("logs:PutLogEvents", "PutLogEvents"),
)

ALL = (
    S3_BUCKET_READ
    + S3_OBJECT_READ
    + S3_OBJECT_WRITE
    + KMS_ENCRYPT_DECRYPT
    + DYNAMODB_READ
    + DYNAMODB_WRITE
    + KINESIS_READ
    + KINESIS_WRITE
    + SECRET_READ
    + GLUE_TABLE_READ
    + CRAWLER_TABLE_WRITE
    + CRAWLER_LOGS
)
"""Every pair, for the check against botocore's service models."""


def actions(*groups: tuple[tuple[str, str], ...]) -> set[str]:
    """The IAM action names of ``groups``."""
    return {action for group in groups for action, _ in group}
