"""The thin shell: argument parsing, files, printing, exit codes."""

import os

# Local actions must start fast: pydantic's plugin discovery scans every installed
# distribution's entry points on first model build, and no plugin is used here.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
