"""gunicorn serving the app on 127.0.0.1, and wrk loading one page of it."""

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from http_session import Session

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WORKERS = 2


class Gunicorn:
    """``gunicorn --workers 2`` with the app of bench/wsgi.py, settings from the
    environment. Timeout 900 s: the country's report history is one long download."""

    def __init__(self, folder: Path, port: int):
        self.base = f"http://127.0.0.1:{port}"
        self.log = open(folder / "gunicorn.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [BIN / "gunicorn", "--workers", str(WORKERS), "--worker-class", "sync"]
            + ["--bind", f"127.0.0.1:{port}", "--timeout", "900"]
            + ["--chdir", str(ROOT), "bench.wsgi:app"],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(300):
            try:
                urllib.request.urlopen(self.base + "/bench/hello", timeout=5).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"gunicorn did not start: see {folder / 'gunicorn.log'}")

    def session(self, username: str, password: str) -> Session:
        session = Session(self.base)
        session.log_in(username, password)
        return session

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def peak_memory(self) -> float:
        """The highest peak resident memory (VmHWM) among the workers, in MB."""
        peaks = []
        for pid in self.workers():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return round(max(peaks), 1)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)
        self.log.close()


class JobWorker:
    """``flask jobs work --workers 1`` beside gunicorn, on the same settings; each job
    runs in a child process, whose CPU time and peak memory the worker logs."""

    ENDED = re.compile(
        r"job (\d+) ended after ([\d.]+) s: ([\d.]+) s of CPU, peak ([\d.]+) MB"
    )

    def __init__(self, folder: Path):
        self.log_path = folder / "worker.log"
        self.log = open(self.log_path, "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                BIN / "flask",
                "--app",
                "villagetracker",
                "jobs",
                "work",
                "--workers",
                "1",
            ],
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def jobs(self) -> dict[int, dict]:
        """Each finished job's wall and CPU seconds and peak memory (MB), by id."""
        found = {}
        for match in self.ENDED.finditer(self.log_path.read_text()):
            job, wall, cpu, peak = match.groups()
            found[int(job)] = {
                "wall": float(wall),
                "cpu": float(cpu),
                "mb": float(peak),
            }
        return found

    def peak_memory(self) -> float:
        """The worker's own peak (VmHWM) or its jobs' children's, the higher, in MB."""
        own = 0.0
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                own = int(line.split()[1]) / 1024
        return round(max([own, *(job["mb"] for job in self.jobs().values())]), 1)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)
        self.log.close()


def wrk(base: str, path: str, seconds: int, connections: int, **env) -> dict:
    """wrk with bench/page.lua on one page; its figures, with requests per second."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["-s", str(ROOT / "bench" / "page.lua"), base + path]
    output = subprocess.run(
        command,
        env={**os.environ, **{f"VT_{key.upper()}": str(v) for key, v in env.items()}},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    figures = json.loads(line.removeprefix("RESULT "))
    figures["rps"] = round(figures["requests"] / figures["seconds"], 1)
    return figures
