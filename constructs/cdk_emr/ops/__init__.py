"""Operations: boto3-side tooling that never imports aws_cdk."""
