"""Where a bootstrap script, step script or JAR lives: an S3 URI, a bucket object, or a local
file shipped as a CDK asset."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from constructs import Construct

from cdk_emr.grants import grant_bucket_read
from cdk_emr.typecheck import typed
from cdk_emr.validation import Validator, is_token

# S3 bucket naming rules (Amazon S3 User Guide, "General purpose bucket naming rules"): 3-63
# characters, lowercase letters, digits, dots and hyphens, beginning and ending with a letter or digit.
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_S3_URI = re.compile(r"^s3://(?P<bucket>[^/]+)/(?P<key>.+)$")


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


@typed
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
        """A local file, shipped as an S3 asset (a file: a directory would be uploaded as a zip)."""
        v = Validator("ScriptSource.from_asset")
        v.check(Path(path).is_file(), "path", path, "an existing file (a directory would be shipped as a zip archive)")
        v.raise_if_any()
        return ScriptSource(path=path)

    @staticmethod
    def from_bucket(bucket: s3.IBucket, key: str) -> ScriptSource:
        """An object in ``bucket``."""
        v = Validator("ScriptSource.from_bucket")
        if not is_token(key):
            _check_key(v, "key", key)
        v.raise_if_any()
        return ScriptSource(bucket=bucket, key=key)

    @staticmethod
    def from_s3_uri(uri: str) -> ScriptSource:
        """A plain ``s3://bucket/key`` URI of one object, or a node-local ``file:/absolute/path``.

        EMR runs bootstrap actions and step JARs/scripts from S3 or from the node's own file
        system (EMR Management Guide: "Create bootstrap actions to install additional software"
        runs ``file:/`` scripts; step JARs such as ``file:/usr/lib/hadoop-mapreduce/hadoop-streaming.jar``).
        """
        v = Validator("ScriptSource.from_s3_uri")
        if is_token(uri):
            return ScriptSource(uri=uri)
        if uri.startswith("file:/"):
            path = uri[len("file:") :]
            v.check(
                len(path) > 1 and not path.endswith("/"), "uri", uri, "a node-local file, 'file:/absolute/path' (not a directory)"
            )
        else:
            match = _S3_URI.match(uri)
            allowed = "an S3 object URI 's3://bucket/key' or a node-local path 'file:/absolute/path'"
            if v.check(match is not None, "uri", uri, allowed):
                assert match is not None
                v.check(
                    _BUCKET_NAME.match(match["bucket"]) is not None,
                    "uri",
                    uri,
                    "a valid bucket name: 3 to 63 lowercase letters, digits, dots and hyphens",
                )
                _check_key(v, "uri", match["key"], shown=uri)
        v.raise_if_any()
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


def _check_key(v: Validator, prop: str, key: str, shown: str | None = None) -> None:
    """An object key names a file: not empty and not a "folder" ending in ``/``."""
    v.check(bool(key) and not key.endswith("/"), prop, shown or key, "the key of one object (not empty, not ending in '/')")
