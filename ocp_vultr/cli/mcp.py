"""``ocp-vultr mcp``: the MCP server (:mod:`ocp_vultr.mcp_server`), loaded only when run."""

from ..mcp_server import run_mcp_command

__all__ = ["run_mcp_command"]
