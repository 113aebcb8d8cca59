"""A minimal in-process scheduler: one thread per job, sleeping between runs."""
import logging
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field

log = logging.getLogger("scheduler")
stop = threading.Event()


@dataclass
class Job:
    name: str
    argv: list[str]
    every_s: int
    last_rc: int | None = None
    runs: int = 0
    history: list[float] = field(default_factory=list)

    def run_once(self) -> None:
        started = time.monotonic()
        proc = subprocess.run(self.argv, capture_output=True, text=True, timeout=self.every_s * 2)
        self.last_rc = proc.returncode
        self.runs += 1
        self.history = (self.history + [time.monotonic() - started])[-20:]
        if proc.returncode:
            log.error("%s failed (%s): %s", self.name, proc.returncode, proc.stderr[-2000:])


def loop(job: Job) -> None:
    while not stop.is_set():
        try:
            job.run_once()
        except subprocess.TimeoutExpired:
            log.error("%s timed out", job.name)
        except Exception:
            log.exception("%s crashed", job.name)
        stop.wait(job.every_s)


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    jobs = [
        Job("orders", ["python", "-m", "pipeline.cli", "orders"], every_s=3600),
        Job("frames", ["python", "-m", "pipeline.cli", "frames"], every_s=600),
    ]
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    threads = [threading.Thread(target=loop, args=(j,), name=j.name, daemon=True) for j in jobs]
    for t in threads:
        t.start()
    while not stop.is_set():
        time.sleep(1)
    for t in threads:
        t.join(timeout=5)


if __name__ == "__main__":
    main()
