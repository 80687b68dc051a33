"""``OCPAgent``: register an API, find its tools, call them."""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator, Collection, Generator, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import unquote, urlsplit

from .context import DEFAULT_HISTORY_SIZE, AgentContext
from .dispatcher import ApiBinding, Dispatcher, PreparedCall
from .endpoint import extra_headers, resolve_api_key, resolve_base_url
from .http_caller import HttpCaller, HttpSettings
from .json_pointer import resolve
from .manifest import ApiSpec, bundled_manifest_path, load_manifest
from .ocp_headers import ContextHeaders
from .result import ToolResult
from .retry import RetryPolicy
from .secret import ApiKey
from .tool import Tool
from .waiting import PollSchedule, ProgressCallback

if TYPE_CHECKING:  # imported where used: a cold start needs neither (about 6 ms)
    from .tool_calls import AnsweredCall, Refusal

BUNDLED_APIS = ("vultr",)


@dataclass(frozen=True, slots=True)
class RegisteredApi:
    """An API registered on an agent. Awaiting it gives itself, so ``await`` is optional."""

    name: str
    display_name: str
    base_url: str
    tools: tuple[Tool, ...]
    spec: ApiSpec
    has_key: bool

    def __await__(self) -> Generator[Any, None, RegisteredApi]:
        return self._ready().__await__()

    async def _ready(self) -> RegisteredApi:
        return self


class OCPAgent:
    """An agent's handle on registered APIs and their tools.

    >>> async with OCPAgent(agent_goal="nightly backups") as agent:
    ...     await agent.register_api("vultr")
    ...     result = await agent.call_tool("createSnapshot", {"instance_id": "…"})

    ``timeout`` is seconds per attempt; ``rate_limit`` requests per second per (base URL, key),
    ``"manifest"`` for the API's own limit (Vultr: 30) or ``None`` for no limit; ``retry`` how
    failed attempts are retried (a POST that may have reached the server never is);
    ``poll_schedule`` when waits look (default: like Vultr's Terraform provider, first after
    10 s, then every 3, 6, 10 s).

    Every request carries the OCP headers of :attr:`context` (``OCP-Context-ID``,
    ``OCP-Agent-Type``, ``OCP-Version``, and goal, user and workspace when set);
    ``send_session=True`` adds ``OCP-Session``. ``history_size`` bounds the calls it records.
    """

    def __init__(
        self,
        agent_type: str = "ai_agent",
        user: str | None = None,
        workspace: str | None = None,
        agent_goal: str | None = None,
        *,
        timeout: float = 30.0,
        connect_timeout: float = 10.0,
        rate_limit: float | Literal["manifest"] | None = "manifest",
        retry: RetryPolicy | None = None,
        max_connections: int = 32,
        max_response_bytes: int = 8 * 1024 * 1024,
        allow_insecure_http: bool = False,
        context_id: str | None = None,
        send_session: bool = False,
        history_size: int = DEFAULT_HISTORY_SIZE,
        poll_schedule: PollSchedule | None = None,
    ) -> None:
        if rate_limit is not None and rate_limit != "manifest" and not 0 < rate_limit < math.inf:
            raise ValueError("rate_limit must be a positive, finite number, 'manifest' or None")
        self.context = AgentContext(
            agent_type,
            user,
            workspace,
            agent_goal,
            context_id=context_id,
            history_size=history_size,
        )
        self._context_headers = ContextHeaders(self.context, send_session=send_session)
        self.rate_limit = rate_limit
        self.allow_insecure_http = allow_insecure_http
        self.http_settings = HttpSettings(
            timeout=timeout,
            connect_timeout=min(connect_timeout, timeout),
            max_connections=max_connections,
            max_response_bytes=max_response_bytes,
        )
        self.retry = retry or RetryPolicy()
        self._caller = HttpCaller(self.http_settings, self.retry)
        self.poll_schedule = poll_schedule or PollSchedule()
        self._dispatcher = Dispatcher(
            self._caller,
            self.poll_schedule,
            headers=self._context_headers,
            on_result=self.context.record,
        )
        self._apis: dict[str, RegisteredApi] = {}

    # -- context ------------------------------------------------------------------------

    @property
    def agent_type(self) -> str:
        """The agent type sent as ``OCP-Agent-Type``."""
        return self.context.agent_type

    @agent_type.setter
    def agent_type(self, value: str) -> None:
        self.context.agent_type = value

    @property
    def user(self) -> str | None:
        """The user sent as ``OCP-User``."""
        return self.context.user

    @user.setter
    def user(self, value: str | None) -> None:
        self.context.user = value

    @property
    def workspace(self) -> str | None:
        """The workspace sent as ``OCP-Workspace``."""
        return self.context.workspace

    @workspace.setter
    def workspace(self, value: str | None) -> None:
        self.context.workspace = value

    @property
    def agent_goal(self) -> str | None:
        """The current goal sent as ``OCP-Current-Goal``; set it when the goal changes."""
        return self.context.current_goal

    @agent_goal.setter
    def agent_goal(self, value: str | None) -> None:
        self.context.current_goal = value

    def context_headers(self) -> dict[str, str]:
        """The OCP headers the next request will carry (``OCP-Context-ID``, ``OCP-Agent-Type``…)."""
        return dict(self._context_headers())

    # -- registration -------------------------------------------------------------------

    def register_api(
        self,
        name: str,
        spec_url: str | Path | None = None,
        base_url: str | None = None,
        headers: Mapping[str, str] | None = None,
        *,
        api_key: str | ApiKey | None = None,
    ) -> RegisteredApi:
        """Register API ``name`` from its manifest and return it (awaiting it is optional).

        ``spec_url`` is a manifest path (or ``file://`` URL); without it the bundled manifest
        of ``name`` is used, with no network access. ``base_url`` overrides the manifest's and
        the API's environment variable (``VULTR_API_URL``). The key comes from ``api_key``, an
        ``Authorization: Bearer`` entry of ``headers``, or the environment (``VULTR_API_KEY``).
        Other ``headers`` are sent on every request.
        """
        self._check_open()
        spec = load_manifest(self._manifest_path(name, spec_url))
        url = resolve_base_url(
            base_url, spec.base_url_env, spec.base_url, allow_insecure_http=self.allow_insecure_http
        )
        key = resolve_api_key(api_key, headers, spec.auth_env)
        binding = ApiBinding(
            name=name,
            base_url=url,
            key=key,
            key_env=spec.auth_env,
            rate_limit=self._rate_for(spec),
            headers=extra_headers(headers),
        )
        self._dispatcher.add(spec.tools, binding)
        api = RegisteredApi(name, spec.display_name, url, spec.tools, spec, key is not None)
        self._apis[name] = api
        return api

    @staticmethod
    def _manifest_path(name: str, spec_url: str | Path | None) -> Path:
        if spec_url is None:
            if name not in BUNDLED_APIS:
                raise ValueError(
                    f"no bundled manifest for API {name!r} (bundled: {', '.join(BUNDLED_APIS)}); "
                    "pass spec_url= the path of a manifest.yaml"
                )
            return bundled_manifest_path()
        text = str(spec_url)
        scheme = urlsplit(text).scheme
        if scheme == "file":
            return Path(unquote(urlsplit(text).path))
        if scheme in ("http", "https"):
            raise ValueError(
                "remote manifests are not fetched (registration needs no network); download "
                "the manifest and its schemas/ folder and pass its path"
            )
        return Path(text)

    def _rate_for(self, spec: ApiSpec) -> float | None:
        if self.rate_limit == "manifest":
            return spec.rate_limit
        return self.rate_limit

    # -- discovery ----------------------------------------------------------------------

    @property
    def apis(self) -> dict[str, RegisteredApi]:
        """The registered APIs by name."""
        return dict(self._apis)

    def list_tools(self, api_name: str | None = None) -> list[Tool]:
        """The registered tools, optionally only those of ``api_name``."""
        return self._dispatcher.tools(api_name)

    def get_tool(self, name: str) -> Tool | None:
        """The tool called ``name``, or ``None``."""
        return self._dispatcher.get(name)

    def search_tools(self, query: str, api_name: str | None = None) -> list[Tool]:
        """Tools whose name, operation id or description contains every word of ``query``."""
        words = query.lower().split()
        scored: list[tuple[int, int, Tool]] = []
        for index, tool in enumerate(self.list_tools(api_name)):
            name = tool.name.lower()
            text = f"{name} {(tool.operation_id or '').lower()} {tool.description.lower()}"
            if all(word in text for word in words):
                in_name = sum(word in name for word in words)
                scored.append((-in_name, index, tool))
        return [tool for _, _, tool in sorted(scored, key=lambda s: (s[0], s[1]))]

    def tools_for(
        self,
        provider: str,
        names: Iterable[str] | None = None,
        read_only: bool = False,
        strict: bool = True,
    ) -> list[dict[str, Any]]:
        """The registered tools in ``provider``'s shape, ready to hand to the model.

        ``provider``: ``openai`` (Chat Completions), ``openai-responses``, ``anthropic``,
        ``gemini`` (function declarations), ``mcp`` or ``ocp``. ``names`` picks tools (in that
        order), ``read_only`` keeps only tools that change nothing, ``strict`` (OpenAI only)
        asks for strict schemas.
        """
        from .providers import export_tools, select_tools

        tools = select_tools(self.list_tools(), names, read_only=read_only)
        return export_tools(tools, provider, strict=strict)

    # -- calling ------------------------------------------------------------------------

    async def call_tool(
        self,
        name: str,
        parameters: Mapping[str, Any] | None = None,
        *,
        on_progress: ProgressCallback | None = None,
    ) -> ToolResult:
        """Call tool ``name`` with ``parameters``; failures come back in the result, not raised.

        ``on_progress`` is called after every look of a wait tool (``waitForSnapshot``).
        """
        self._check_ready()
        arguments = {} if parameters is None else parameters
        return await self._dispatcher.call(name, arguments, on_progress=on_progress)

    def prepare(self, name: str, parameters: Mapping[str, Any] | None = None) -> PreparedCall:
        """Validate a call and build its request without sending anything (for dry runs);
        raises the :class:`~ocp_vultr.errors.ToolError` that would stop the call. For a wait
        tool, the request is the one it polls with."""
        self._check_ready()
        return self._dispatcher.prepare(name, {} if parameters is None else parameters)

    async def handle_tool_call(
        self, call: Any, provider: str, *, tools: Collection[str] | None = None
    ) -> dict[str, Any]:
        """Run a model's tool call and return what to send back to the model.

        ``call`` is the provider's tool-call object or dict: an OpenAI ``tool_calls`` item, a
        Responses ``function_call`` item, an Anthropic ``tool_use`` block, a Gemini
        ``functionCall``, or MCP ``tools/call`` params. The reply is an OpenAI ``tool``
        message, a ``function_call_output`` item, a ``tool_result`` block, a
        ``functionResponse`` part or an MCP ``CallToolResult``. Failures (including malformed
        JSON arguments and tools outside ``tools``) come back in the reply, never raised.
        """
        return (await self.answer_tool_call(call, provider, tools=tools)).reply

    async def handle_tool_calls(
        self, calls: Iterable[Any], provider: str, *, tools: Collection[str] | None = None
    ) -> list[dict[str, Any]]:
        """:meth:`handle_tool_call` for several calls at once; replies in the calls' order."""
        return list(
            await asyncio.gather(
                *(self.handle_tool_call(call, provider, tools=tools) for call in calls)
            )
        )

    async def answer_tool_call(
        self,
        call: Any,
        provider: str,
        *,
        tools: Collection[str] | None = None,
        refuse: Refusal | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> AnsweredCall:
        """Like :meth:`handle_tool_call`, also giving the parsed call and the ToolResult.

        ``refuse(name)`` may return the error that turns a call down before it is sent;
        ``on_progress`` hears of every look of a wait tool.
        """
        from .tool_calls import answer, only

        self._check_ready()
        if tools is not None and refuse is None:
            refuse = only(tools)

        async def run(name: str, arguments: Any) -> ToolResult:
            return await self.call_tool(name, arguments, on_progress=on_progress)

        return await answer(
            call,
            provider,
            lookup=self.get_tool,
            run=run,
            refused=self.context.record,
            refuse=refuse,
        )

    # -- waiting and paging -------------------------------------------------------------

    async def wait_for(
        self,
        name: str,
        arguments: Mapping[str, Any],
        *,
        timeout: float | None = None,  # noqa: ASYNC109 - a wait's deadline, not a cancel scope
        on_progress: ProgressCallback | None = None,
    ) -> ToolResult:
        """Run the wait tool ``name`` until it is done or ``timeout`` seconds pass.

        Unlike a model's bounded call, a wait that reaches its deadline unfinished fails with
        code ``timeout`` (:class:`~ocp_vultr.errors.WaitTimeoutError`, whose
        ``details["last_status"]`` is the status last seen). ``timeout=None`` keeps the tool's
        own bound. The poll schedule is the agent's ``poll_schedule``.
        """
        self._check_ready()
        return await self._dispatcher.wait(
            name, arguments, max_wait=timeout, on_progress=on_progress
        )

    async def wait_for_snapshot(
        self,
        snapshot_id: str,
        timeout: float = 1800.0,  # noqa: ASYNC109 - a wait's deadline, not a cancel scope
        on_progress: ProgressCallback | None = None,
    ) -> dict[str, Any]:
        """Wait until snapshot ``snapshot_id`` is complete and return it.

        Raises :class:`~ocp_vultr.errors.WaitTimeoutError` (code ``timeout``) at the deadline,
        saying the status last seen, and :class:`~ocp_vultr.errors.NotFoundError` when the
        snapshot is or becomes deleted.
        """
        result = await self.wait_for(
            "waitForSnapshot",
            {"snapshot_id": snapshot_id},
            timeout=timeout,
            on_progress=on_progress,
        )
        snapshot: dict[str, Any] = result.unwrap()["snapshot"]
        return snapshot

    async def wait_for_completion(
        self,
        result: ToolResult,
        *,
        timeout: float = 1800.0,  # noqa: ASYNC109 - a wait's deadline, not a cancel scope
        on_progress: ProgressCallback | None = None,
    ) -> ToolResult:
        """Wait for what a successful call started (a new snapshot), using the wait tool its
        manifest entry names under ``completion``; a failed ``result`` is returned as is."""
        if not result.ok:
            return result
        tool = self._dispatcher.get(result.tool)
        if tool is None or tool.completion is None:
            raise ValueError(f"{result.tool!r} declares nothing to wait for (no completion)")
        arguments = {
            name: resolve(result.data, pointer, None)
            for name, pointer in tool.completion.arguments.items()
        }
        return await self.wait_for(
            tool.completion.wait, arguments, timeout=timeout, on_progress=on_progress
        )

    def paginate(
        self,
        name: str,
        arguments: Mapping[str, Any] | None = None,
        *,
        page_size: int | None = None,
    ) -> AsyncIterator[Any]:
        """Every item of every page of the list tool ``name``, following its cursor.

        >>> async for snapshot in agent.paginate("listSnapshots", {"description": "nightly"}):
        ...     print(snapshot["id"])

        A page that fails raises its :class:`~ocp_vultr.errors.ToolError`.
        """
        self._check_ready()
        tool = self._dispatcher.get(name)
        if tool is None:
            raise ValueError(f"no tool named {name!r} is registered")
        from .paging import paginate

        return paginate(self._dispatcher.call, tool, arguments, page_size=page_size)

    def iter_snapshots(
        self, description: str | None = None, *, page_size: int | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """Every snapshot in the account (only those with ``description``, if given)."""
        arguments = {} if description is None else {"description": description}
        return self.paginate("listSnapshots", arguments, page_size=page_size)

    # -- lifetime -----------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """Whether :meth:`aclose` was called."""
        return self._caller.closed

    def _check_open(self) -> None:
        if self._caller.closed:
            raise RuntimeError("this OCPAgent is closed; create a new one")

    def _check_ready(self) -> None:
        self._check_open()
        if not self._apis:
            raise RuntimeError("no API is registered; call agent.register_api('vultr') first")

    async def aclose(self) -> None:
        """Close the HTTP session. The agent cannot call tools afterwards."""
        await self._caller.aclose()

    async def __aenter__(self) -> OCPAgent:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        apis = ", ".join(self._apis) or "none"
        return f"OCPAgent(agent_type={self.agent_type!r}, apis=[{apis}], closed={self.closed})"
