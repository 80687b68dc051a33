"""Choosing the base URL and the API key of a registered API."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from urllib.parse import urlsplit

from .secret import ApiKey, key_from_authorization


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` names this machine (localhost, 127.0.0.0/8, ::1)."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def resolve_base_url(
    explicit: str | None, env_name: str | None, default: str, *, allow_insecure_http: bool = False
) -> str:
    """The base URL: ``explicit``, else the environment variable, else the manifest default.

    Plain ``http`` is accepted only for loopback hosts unless ``allow_insecure_http`` is set,
    so an API key is never sent unencrypted across a network by mistake.
    """
    url = explicit or (os.environ.get(env_name) if env_name else None) or default
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"base URL {url!r} must be an http(s) URL with a host")
    if parts.query or parts.fragment:
        raise ValueError(f"base URL {url!r} must not have a query or fragment")
    if parts.scheme == "http" and not allow_insecure_http and not is_loopback_host(parts.hostname):
        raise ValueError(
            f"base URL {url!r} uses plain http to a non-loopback host, which would send the API "
            "key unencrypted; use https, or pass allow_insecure_http=True to OCPAgent"
        )
    return url.rstrip("/")


def resolve_api_key(
    explicit: str | ApiKey | None, headers: Mapping[str, str] | None, env_name: str
) -> ApiKey | None:
    """The key: ``explicit``, else an ``Authorization: Bearer`` header, else the environment."""
    if isinstance(explicit, ApiKey):
        return explicit
    if explicit:
        return ApiKey(explicit)
    for name, value in (headers or {}).items():
        if name.lower() == "authorization":
            return key_from_authorization(value)
    from_env = os.environ.get(env_name, "").strip()
    return ApiKey(from_env) if from_env else None


def extra_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    """The caller's headers to send on every request, without Authorization (added per call)."""
    out: dict[str, str] = {}
    for name, value in (headers or {}).items():
        if name.lower() == "authorization":
            continue
        if any(c in name + value for c in "\r\n"):
            raise ValueError(f"header {name!r} must not contain line breaks")
        out[name] = value
    return out
