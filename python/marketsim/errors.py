"""The package's exceptions. Everything the simulator raises on bad input or a failed run is a
``MarketsimError``; scenario problems carry where in the file they are."""


class MarketsimError(Exception):
    """Base class of the package's errors."""


class ScenarioError(MarketsimError, ValueError):
    """A scenario that does not load or validate.

    ``file``, ``line`` and ``column`` (1-based; 0 when the problem has no position) point at the
    offending value, ``field`` names its dotted key (``agents[2].wake_interval``), ``message``
    says what was expected and what was found.
    """

    def __init__(self, text, file="", line=0, column=0, field="", message=""):
        super().__init__(text)
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message or text


class RunError(MarketsimError, RuntimeError):
    """A run that could not complete (output failure, event budget): nothing was published."""


class AgentError(RunError):
    """A user strategy failed: it raised (the exception is chained as ``__cause__``) or could not
    be built. The message names the agent and the simulated time; nothing was published."""
