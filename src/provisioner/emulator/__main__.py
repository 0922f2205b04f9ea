"""`provisioner-emulator [--port 4566] [--account ID] [--seed-examples [DIR]]
[--resource-delay SECONDS] [--verbose]`: run the emulator in the foreground."""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path
from typing import Any, Literal

from provisioner import __version__
from provisioner.emulator.moto_version import INSTALL_LOCAL, MotoVersionError, check_moto
from provisioner.emulator.settings import SETTINGS
from provisioner.exit_codes import ExitCode

DEFAULT_ACCOUNT = "123456789012"  # moto's, when MOTO_ACCOUNT_ID is not set

try:  # moto comes with the `local` extra only: without it, one message, not a traceback
    from provisioner.emulator.server import Emulator, PortInUseError
except ModuleNotFoundError as missing:
    _MISSING: str | None = missing.name or "moto"
except MotoVersionError:  # main says which moto it needs
    _MISSING = None
else:
    _MISSING = None


def _port(text: str) -> int:
    """A TCP port; 0 asks for any free one. (argparse's int would let 99999 through, and the
    socket layer wraps it to another port.)"""
    if not (text.isascii() and text.isdigit()) or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port: 1-65535, or 0 for any free one")
    return int(text)


def _account(text: str) -> str:
    if re.fullmatch(r"[0-9]{12}", text) is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not an AWS account id: 12 digits")
    return text


def _directory(text: str) -> Path:
    if not Path(text).is_dir():
        raise argparse.ArgumentTypeError(f"{text}: no such directory")
    return Path(text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="provisioner-emulator", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--port", type=_port, default=4566, help="port on 127.0.0.1 (4566; 0: any free one)"
    )
    parser.add_argument(
        "--account",
        type=_account,
        default=os.environ.get("MOTO_ACCOUNT_ID", DEFAULT_ACCOUNT),
        help=f"the account it acts as (default: $MOTO_ACCOUNT_ID or {DEFAULT_ACCOUNT})",
    )
    parser.add_argument(
        "--seed-examples",
        type=_directory,
        nargs="?",
        const=Path("configs"),
        metavar="DIR",
        help="before serving, make what the configs in DIR (default ./configs, copies of the "
        "bundled examples) need to deploy: each config's account_id set to the emulator's, an "
        "enterprise ML config's VPC and subnets (its ids rewritten), template and artifact "
        "buckets",
    )
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
    return parser


def _seed(directory: Path, url: str, account: str) -> None:
    import boto3  # the emulator's extra brings it; only seeding needs a client

    session = boto3.session.Session(aws_access_key_id="seed", aws_secret_access_key="seed")

    def client(service: Literal["ec2", "s3"], region: str) -> Any:  # typed by SeedClients
        return session.client(service, endpoint_url=url, region_name=region)

    from provisioner.emulator.examples import seed_examples

    for config, done in seed_examples(directory, client, account):
        print(f"seeded {config}: {', '.join(done) or 'nothing needed'}", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:  # first: on another moto, a private module the extensions import may be missing
        check_moto()
    except MotoVersionError as exc:
        print(f"provisioner-emulator: {exc}", file=sys.stderr)
        return ExitCode.BAD_INPUT
    if _MISSING is not None:
        print(
            f"provisioner-emulator: the emulator needs {_MISSING}, which is not installed; "
            f"{INSTALL_LOCAL}",
            file=sys.stderr,
        )
        return ExitCode.BAD_INPUT
    SETTINGS.resource_delay = args.resource_delay
    try:
        emulator = Emulator(port=args.port, verbose=args.verbose).start()
    except PortInUseError as exc:
        print(f"provisioner-emulator: {exc}; stop what uses it or pass another --port",
              file=sys.stderr)  # fmt: skip
        return ExitCode.BAD_INPUT
    # moto reads it on every request: the account every call acts in (put back on the way
    # out, for a caller in the same process).
    earlier_account = os.environ.get("MOTO_ACCOUNT_ID")
    os.environ["MOTO_ACCOUNT_ID"] = args.account
    try:
        if args.seed_examples is not None:
            try:
                _seed(args.seed_examples, emulator.url, args.account)
            except ValueError as exc:
                print(f"provisioner-emulator: --seed-examples: {exc}", file=sys.stderr)
                return ExitCode.BAD_INPUT
        print(f"AWS emulator on {emulator.url}, acting as account {args.account}: "
              f"export AWS_ENDPOINT_URL={emulator.url}", flush=True)  # fmt: skip
        print("any access key works; Ctrl-C stops it", flush=True)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
        if earlier_account is None:
            os.environ.pop("MOTO_ACCOUNT_ID", None)
        else:
            os.environ["MOTO_ACCOUNT_ID"] = earlier_account
    return ExitCode.OK


if __name__ == "__main__":
    raise SystemExit(main())
