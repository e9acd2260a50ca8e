"""The errors a build reports to a person: each names the step and says what to do."""

from __future__ import annotations


class BuildError(RuntimeError):
    """A build step failed; ``step`` names it and the message says what to do."""

    def __init__(self, step: str, message: str) -> None:
        self.step, self.detail = step, message
        super().__init__(f"step '{step}' failed: {message}")

    def __reduce__(self):  # raised in notebook worker processes: must survive pickling
        return (type(self), (self.step, self.detail))
