"""The stacks that compose cdk_emr constructs into the app's EMR platform."""
