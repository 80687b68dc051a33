"""``python -m ocp_vultr``: the ``ocp-vultr`` command."""

from .cli import main

raise SystemExit(main())
