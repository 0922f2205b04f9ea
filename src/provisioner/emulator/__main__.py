"""`provisioner-emulator [--port 4566] [--resource-delay SECONDS] [--verbose]`: run the emulator
in the foreground."""

from __future__ import annotations

import argparse
import sys
import time

from provisioner.emulator.settings import SETTINGS

try:  # moto comes with the `local` extra only: without it, one message, not a traceback
    from provisioner.emulator.server import Emulator
except ModuleNotFoundError as missing:
    _MISSING: str | None = missing.name or "moto"
else:
    _MISSING = None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="provisioner-emulator", description=__doc__)
    parser.add_argument("--port", type=int, default=4566, help="port on 127.0.0.1 (4566)")
    parser.add_argument(
        "--resource-delay",
        type=float,
        default=SETTINGS.resource_delay,
        metavar="SECONDS",
        help="seconds each resource takes, so stacks pass through *_IN_PROGRESS as in AWS "
        "(default: $PROVISIONER_EMULATOR_RESOURCE_DELAY or 0, synchronous)",
    )
    parser.add_argument(
        "--verbose", action="store_true", help="log every request (by default only errors)"
    )
    args = parser.parse_args(argv)
    if _MISSING is not None:
        print(
            f"error: the emulator needs {_MISSING}, which is not installed; install "
            "the package with its `local` extra: pip install '.[local]' in the source tree",
            file=sys.stderr,
        )
        return 2
    SETTINGS.resource_delay = args.resource_delay
    emulator = Emulator(port=args.port, verbose=args.verbose).start()
    print(f"AWS emulator on {emulator.url}: export AWS_ENDPOINT_URL={emulator.url}", flush=True)
    print("any access key works; Ctrl-C stops it", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
