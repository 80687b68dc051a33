"""The ocp-vultr benchmark: the plugin's cost over a bare aiohttp call, side by side.

Run it with ``python -m bench`` (``--smoke`` for a short run without timing judgement).
"""
