"""Where a bootstrap script, step script or JAR lives: an S3 URI, a bucket object, or a local
file shipped as a CDK asset."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from constructs import Construct

from cdk_emr.grants import grant_bucket_read


def _is_script_uri(uri: object) -> bool:
    """``s3://bucket/key`` (a key, not only a bucket) or ``file:/absolute/path`` (not a directory)."""
    if not isinstance(uri, str):
        return False
    if uri.startswith("s3://"):
        bucket, _, key = uri[len("s3://") :].partition("/")
        return bool(bucket) and bool(key) and not key.endswith("/")
    if uri.startswith("file:/"):
        path = uri[len("file:") :]
        return len(path) > 1 and not path.endswith("/")
    return False


@dataclass(frozen=True)
class BoundSource:
    """A source resolved inside a stack: its ``s3://`` URI and how to grant read access."""

    s3_uri: str
    bucket: s3.IBucket | None
    key: str | None

    def grant_read(self, grantee: iam.IGrantable) -> None:
        """Let ``grantee`` (the instance role) read this object, where the bucket is known."""
        if self.bucket is not None:
            grant_bucket_read(grantee, self.bucket, self.key or "*")


class ScriptSource:
    """A file the cluster nodes download from S3.

    - ``ScriptSource.from_asset("bootstrap_actions/install.sh")``: a local file uploaded with
      ``cdk deploy``; the instance role may read exactly that object.
    - ``ScriptSource.from_bucket(bucket, "scripts/job.py")``: an object in a bucket you own.
    - ``ScriptSource.from_s3_uri("s3://elasticmapreduce/...")``: any URI; grant access yourself.
      Node-local paths work too (``"file:/usr/lib/hadoop-mapreduce/hadoop-streaming.jar"``): a
      file already on every node (the AMI or an earlier bootstrap action), nothing to grant.
    """

    def __init__(
        self, *, path: str | None = None, bucket: s3.IBucket | None = None, key: str | None = None, uri: str | None = None
    ) -> None:
        self._path, self._bucket, self._key, self._uri = path, bucket, key, uri

    @staticmethod
    def from_asset(path: str) -> ScriptSource:
        """A local file, shipped as an S3 asset."""
        return ScriptSource(path=path)

    @staticmethod
    def from_bucket(bucket: s3.IBucket, key: str) -> ScriptSource:
        """An object in ``bucket``."""
        return ScriptSource(bucket=bucket, key=key)

    @staticmethod
    def from_s3_uri(uri: str) -> ScriptSource:
        """A plain ``s3://bucket/key`` URI, or a node-local ``file:/absolute/path``.

        EMR runs bootstrap actions and step JARs/scripts from S3 or from the node's own file
        system (EMR Management Guide: "Create bootstrap actions to install additional software"
        runs ``file:/`` scripts; step JARs such as ``file:/usr/lib/hadoop-mapreduce/hadoop-streaming.jar``).
        """
        from cdk_emr.validation import EmrValidationError, Violation, is_token

        if is_token(uri):
            return ScriptSource(uri=uri)
        if not _is_script_uri(uri):
            raise EmrValidationError(
                "ScriptSource.from_s3_uri",
                [Violation("uri", uri, "an S3 object URI 's3://bucket/key' or a node-local path 'file:/absolute/path'")],
            )
        return ScriptSource(uri=uri)

    def bind(self, scope: Construct, id: str) -> BoundSource:
        """Resolve the source in ``scope`` (creating the asset for local files)."""
        if self._path is not None:
            asset = s3_assets.Asset(scope, id, path=self._path)
            return BoundSource(asset.s3_object_url, asset.bucket, asset.s3_object_key)
        if self._bucket is not None and self._key is not None:
            return BoundSource(self._bucket.s3_url_for_object(self._key), self._bucket, self._key)
        assert self._uri is not None
        return BoundSource(self._uri, None, None)
