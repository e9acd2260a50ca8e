"""The kernel manager the build starts chapters' kernels with (named in ``processes``)."""

from __future__ import annotations

import os
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

from sv_assessment.build.processes import KERNEL_LOG_ENV


class QuietKernelManager(AsyncKernelManager):
    """Starts a kernel with its console output (ipykernel's TCP warning, shut-down messages)
    appended to the file named by ``SV_ASSESSMENT_KERNEL_LOG`` instead of the build's console."""

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        log_path = os.environ.get(KERNEL_LOG_ENV)
        if not log_path or "stderr" in kw:
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        Path(log_path).parent.mkdir(parents=True, exist_ok=True)
        with open(log_path, "ab") as log:  # the kernel keeps its own copy of the descriptor
            return await super()._async_launch_kernel(kernel_cmd, stdout=log, stderr=log, **kw)
