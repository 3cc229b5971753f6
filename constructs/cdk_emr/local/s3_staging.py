"""A step's ``s3://`` paths, served from the local S3 through a staging directory.

The choice (README, "What runs for real"): Spark has no S3 connector without the
``hadoop-aws`` jar, which only Maven serves. The Hadoop 3.3 client inside pyspark has
``ViewFileSystemOverloadScheme``, though: set as the implementation of ``s3``, ``s3a`` and
``s3n`` with one mount table per bucket whose fallback link is a local directory, it maps
``s3://bucket/key`` onto ``<stage>/bucket/key`` — for the job's own reads and writes,
``spark-submit``'s application and ``--py-files``, and ``spark-sql -f`` alike, with no extra jar.

So before a step the runner copies from the local S3 the objects under every ``s3://`` path its
arguments name (each object streamed to a file with boto3's ``download_file``), and after it
mirrors the changes back (``upload_file``, multipart above 8 MiB; objects whose files the job
deleted are deleted). Every bucket of the account is mounted, so a job may also write where its
arguments do not say; it reads only what was staged. Hadoop's checksum files (``.*.crc``) and
``_temporary`` directories are not copied back.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: ``s3://``, ``s3a://`` or ``s3n://`` then a bucket and an optional key, anywhere in an argument.
S3_URI = re.compile(r"\bs3[an]?://([a-z0-9][a-z0-9.\-]{1,61}[a-z0-9])(/[^\s,;'\"]*)?")
FILESYSTEM_SCHEMES = ("s3", "s3a", "s3n")
VIEWFS_OVERLOAD = "org.apache.hadoop.fs.viewfs.ViewFileSystemOverloadScheme"
LOCAL_FILESYSTEM = "org.apache.hadoop.fs.LocalFileSystem"


def s3_locations(arguments: Iterable[str]) -> list[tuple[str, str]]:
    """``(bucket, key prefix)`` of every S3 URI in ``arguments``, in order, without repeats."""
    found: list[tuple[str, str]] = []
    for argument in arguments:
        for match in S3_URI.finditer(argument):
            location = (match[1], (match[2] or "/")[1:])
            if location not in found:
                found.append(location)
    return found


def split_s3_uri(uri: str) -> tuple[str, str]:
    """``(bucket, key)`` of ``s3://bucket/key`` (``s3a``/``s3n`` too); ValueError otherwise."""
    match = S3_URI.fullmatch(uri.strip())
    if not match:
        raise ValueError(f"{uri!r} is not an s3:// URI")
    return match[1], (match[2] or "/")[1:]


def _is_hadoop_scratch(relative: str) -> bool:
    parts = relative.split("/")
    return "_temporary" in parts or (parts[-1].startswith(".") and parts[-1].endswith(".crc"))


@dataclass
class StagedBuckets:
    """The staging directory of one step: ``root/<bucket>/<key>``, and what was copied in."""

    s3: Any
    """A boto3 S3 client on the local endpoint, in the cluster's account."""
    root: Path
    buckets: list[str] = field(default_factory=list)
    _copied: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    _prefixes: list[tuple[str, str]] = field(default_factory=list)

    def mount(self) -> list[str]:
        """A directory for every bucket of the account; returns the bucket names."""
        self.buckets = sorted(bucket["Name"] for bucket in self.s3.list_buckets().get("Buckets", []))
        for bucket in self.buckets:
            (self.root / bucket).mkdir(parents=True, exist_ok=True)
        return self.buckets

    def hadoop_options(self) -> dict[str, str]:
        """Hadoop settings (for ``spark.hadoop.``) that map ``s3://bucket/...`` onto the stage."""
        options = {f"fs.{scheme}.impl": VIEWFS_OVERLOAD for scheme in FILESYSTEM_SCHEMES}
        options["fs.viewfs.overload.scheme.target.file.impl"] = LOCAL_FILESYSTEM
        for bucket in self.buckets:
            options[f"fs.viewfs.mounttable.{bucket}.linkFallback"] = (self.root / bucket).as_uri()
        return options

    def stage(self, locations: Iterable[tuple[str, str]]) -> int:
        """Copy the objects under each ``(bucket, prefix)`` of an existing bucket to disk; returns how many."""
        count = 0
        for bucket, prefix in locations:
            if bucket not in self.buckets or (bucket, prefix) in self._prefixes:
                continue
            self._prefixes.append((bucket, prefix))
            for key in self._keys(bucket, prefix):
                target = self.root / bucket / key
                if key.endswith("/") or (bucket, key) in self._copied:
                    continue  # a "folder" marker, or copied for another prefix
                target.parent.mkdir(parents=True, exist_ok=True)
                self.s3.download_file(bucket, key, str(target))
                stat = target.stat()
                self._copied[(bucket, key)] = (stat.st_size, stat.st_mtime_ns)
                count += 1
        return count

    def _keys(self, bucket: str, prefix: str) -> Iterator[str]:
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                yield item["Key"]

    def sync_back(self) -> tuple[int, int]:
        """Upload new or changed files, delete objects whose staged file is gone; returns (uploaded, deleted)."""
        uploaded = deleted = 0
        present: set[tuple[str, str]] = set()
        for bucket in self.buckets:
            base = self.root / bucket
            for folder, _, files in os.walk(base):
                for name in files:
                    path = Path(folder) / name
                    key = path.relative_to(base).as_posix()
                    if _is_hadoop_scratch(key):
                        continue
                    present.add((bucket, key))
                    stat = path.stat()
                    if self._copied.get((bucket, key)) != (stat.st_size, stat.st_mtime_ns):
                        self.s3.upload_file(str(path), bucket, key)
                        uploaded += 1
        for bucket, key in self._copied:
            if (bucket, key) not in present:
                self.s3.delete_object(Bucket=bucket, Key=key)
                deleted += 1
        return uploaded, deleted

    def remove(self) -> None:
        """Delete the staging directory."""
        shutil.rmtree(self.root, ignore_errors=True)
