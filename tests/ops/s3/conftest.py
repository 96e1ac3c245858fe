"""An S3-compatible server on loopback for the object-storage tests: moto's server mode (a
subprocess, as an operator's MinIO or Ceph would be a process of its own), one per test session."""

from __future__ import annotations

import contextlib
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.support.pgserver import free_port

# moto accepts any credentials; these only show that madang passes the ones it is given.
KEY_ID = "madang-test-key"
SECRET = "madang-test-secret-" + "x" * 16


@dataclass
class S3Server:
    endpoint: str

    def client(self):  # type: ignore[no-untyped-def]
        import boto3

        return boto3.session.Session().client(
            "s3", endpoint_url=self.endpoint, region_name="us-east-1", aws_access_key_id=KEY_ID,
            aws_secret_access_key=SECRET)

    def new_bucket(self) -> str:
        name = "madang-" + secrets.token_hex(4)
        self.client().create_bucket(Bucket=name)
        return name

    def allow_public_reads(self, bucket: str) -> None:
        """What an operator does for MADANG_S3_PUBLIC_URL (docs/ops/object-storage.md): anyone may GET objects."""
        import json

        statement = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}
        self.client().put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17",
                                                                          "Statement": [statement]}))

    def objects(self, bucket: str) -> dict[str, bytes]:
        client = self.client()
        found = client.list_objects_v2(Bucket=bucket).get("Contents", [])
        return {o["Key"]: client.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in found}

    def env(self, bucket: str, **extra: str) -> dict[str, str]:
        """The settings an operator writes for this bucket."""
        return {"MADANG_MEDIA_STORE": "s3", "MADANG_S3_BUCKET": bucket, "MADANG_S3_ENDPOINT_URL": self.endpoint,
                "MADANG_S3_REGION": "us-east-1", "MADANG_S3_ADDRESSING_STYLE": "path",
                "MADANG_S3_ACCESS_KEY_ID": KEY_ID, "MADANG_S3_SECRET_ACCESS_KEY": SECRET, **extra}


@pytest.fixture(scope="session")
def s3_server(tmp_root: Path) -> Iterator[S3Server]:
    port = free_port()
    log = (tmp_root / "moto.log").open("wb")
    moto = str(Path(sys.executable).with_name("moto_server"))
    env = {**os.environ, "AWS_ACCESS_KEY_ID": KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET}
    process = subprocess.Popen([moto, "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log, env=env)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.HTTPError):  # not up yet
                httpx.get(endpoint + "/moto-api/", timeout=2)
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("moto_server did not start: " + (tmp_root / "moto.log").read_text()[-2000:])
            time.sleep(0.1)
        yield S3Server(endpoint)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()
