import asyncio
import shlex
import subprocess
import sys


async def run(cmd: str, timeout: float = 60) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(*shlex.split(cmd), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except asyncio.TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    return proc.returncode, out.decode(), err.decode()


async def git_revision() -> str:
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True)
    return result.stdout.strip()


async def main(cmds: list[str]) -> int:
    rev = await git_revision()
    print(f"running {len(cmds)} commands at {rev}")
    results = await asyncio.gather(*(run(c) for c in cmds), return_exceptions=True)
    failed = 0
    for cmd, res in zip(cmds, results):
        if isinstance(res, Exception):
            print(f"[timeout] {cmd}")
            failed += 1
            continue
        code, out, err = res
        print(f"[{code}] {cmd}\n{out}{err}")
        failed += code != 0
    return failed


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:] or ["python --version", "uname -a"])))
