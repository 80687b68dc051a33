"""The command's exit codes: each kind of failure has its own, so scripts can tell them apart.

====  ==========================================================================================
code  meaning
====  ==========================================================================================
0     success
1     the API call failed (Vultr refused or failed, not found, rate limited, network, timeout,
      outcome unknown, invalid answer)
2     invalid arguments: a bad command line, an unknown tool, arguments the tool's schema
      rejects, malformed ``--json``; nothing was sent
3     configuration: no API key, the key was refused, or an unusable base URL
4     ``--wait`` reached its deadline before the operation finished (it may still finish)
130   interrupted (Ctrl-C)
====  ==========================================================================================
"""

from __future__ import annotations

from ..errors import ToolError, WaitTimeoutError

OK = 0
API_FAILURE = 1
INVALID_ARGUMENTS = 2
CONFIGURATION = 3
WAIT_UNFINISHED = 4
INTERRUPTED = 130

_BY_CODE = {
    "invalid_arguments": INVALID_ARGUMENTS,
    "unknown_tool": INVALID_ARGUMENTS,
    "auth_failed": CONFIGURATION,
}


def exit_code_for(error: ToolError) -> int:
    """The exit code for a call that ended in ``error``."""
    if isinstance(error, WaitTimeoutError):
        return WAIT_UNFINISHED
    return _BY_CODE.get(error.code, API_FAILURE)
