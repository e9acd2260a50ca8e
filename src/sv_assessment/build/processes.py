"""The child processes a build starts (notebook workers and their kernels) end with it.

A worker is told by the kernel to die when the build process dies, even by ``kill -9``
(``PR_SET_PDEATHSIG`` on Linux), and each kernel exits within a second of its worker (ipykernel
polls its parent). On any failure the build kills its workers itself rather than waiting for
the running chapters to finish. A kernel's own log lines go to a file in the work folder, not
to the console.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor

_PR_SET_PDEATHSIG = 1
KERNEL_LOG_ENV = "SV_ASSESSMENT_KERNEL_LOG"
# By name: the kernel manager module imports jupyter_client, which a no-change build skips.
QUIET_KERNEL_MANAGER = "sv_assessment.build.kernels.QuietKernelManager"


def die_with_parent(parent_pid: int) -> None:
    """Worker initializer: be killed when the build process ends, however it ends."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl: the parent's own clean-up still runs
            pass
    if os.getppid() != parent_pid:  # the parent died before the signal was asked for
        os._exit(1)


def worker_pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=workers, initializer=die_with_parent, initargs=(os.getpid(),)
    )


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Cancel what has not started and kill the workers now (their kernels follow them)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()
    for process in processes:
        process.join(timeout=5)
