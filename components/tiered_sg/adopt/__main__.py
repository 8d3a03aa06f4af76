"""``python -m tiered_sg.adopt --vpc-id vpc-... --stack dev``: map a hand-made chain.

Reads the VPC's groups and rules with the usual AWS credentials and region (``--endpoint`` for
an emulator), prints the mapping and what the first ``pulumi up`` adds, and writes
``Pulumi.<stack>.yaml``. What does not fit is listed with its fix; then nothing is written and
the exit code is 2, with one line on stderr.
"""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Optional

from tiered_sg.adopt.inventory import read_vpc
from tiered_sg.adopt.mapping import ChainMap, UnmappableError, map_chain
from tiered_sg.adopt.stack_file import write_stack_file
from tiered_sg.errors import TieredSgError

EXIT_UNMAPPABLE = 2


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = _parser().parse_args(argv)
    import boto3  # type: ignore[import-untyped]  # only the command needs it, not the program
    from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped]

    tiers = args.tiers.split(",") if args.tiers else None
    try:
        session = boto3.session.Session(region_name=args.region)
        inventory = read_vpc(session.client("ec2", endpoint_url=args.endpoint), args.vpc_id)
        mapped = map_chain(inventory, args.chain, leave_out=args.leave_out, tier_names=tiers)
    except (BotoCoreError, ClientError) as err:
        print(f"error: {args.vpc_id}: reading the VPC failed: {err}", file=sys.stderr)
        return EXIT_UNMAPPABLE
    except TieredSgError as err:
        # A value the chain model refuses (e.g. a CIDR with host bits): its own one-line message.
        print(f"error: {args.vpc_id}: {err}; nothing written", file=sys.stderr)
        return EXIT_UNMAPPABLE
    except UnmappableError as err:
        for misfit in err.misfits:
            print(f"does not fit: {misfit}")
        print(
            f"error: {args.vpc_id}: {len(err.misfits)} rule(s) or group(s) do not fit the chain "
            "(listed above with what to do); nothing written",
            file=sys.stderr,
        )
        return EXIT_UNMAPPABLE
    path = Path(args.project) / f"Pulumi.{args.stack}.yaml"
    write_stack_file(path, mapped.config)
    _report(mapped, path)
    return 0


def _report(mapped: ChainMap, path: Path) -> None:
    groups = [n for n, i in mapped.adopted.items() if i.startswith("sg-")]
    print(
        f"wrote {path}: {len(groups)} groups and {len(mapped.adopted) - len(groups)} rules to adopt"
    )
    for name, resource_id in mapped.adopted.items():
        print(f"  adopt {resource_id} as {name}")
    for name in mapped.additions:
        print(f"  the first pulumi up adds {name} (the chain pairs each ingress with its egress)")
    print("  adopted groups and rules keep AWS's name, description and tags (ignoreChanges)")
    for note in mapped.notes:
        print(f"  note: {note}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tiered_sg.adopt", description=__doc__)
    parser.add_argument("--vpc-id", required=True, help="the VPC holding the hand-made chain")
    parser.add_argument("--stack", required=True, help="writes Pulumi.<stack>.yaml")
    parser.add_argument("--project", default=".", help="the project directory (default: .)")
    parser.add_argument("--chain", default="tiered", help="the program's chain name")
    parser.add_argument("--tiers", help="tier names in traffic order, e.g. web,app,db")
    parser.add_argument(
        "--leave-out",
        action="append",
        default=[],
        metavar="SGR_ID",
        help="a rule to keep in AWS unmanaged (turns exclusiveRules off)",
    )
    parser.add_argument("--region", help="AWS region (default: the usual configuration)")
    parser.add_argument("--endpoint", help="EC2 endpoint URL, e.g. an emulator's")
    return parser


if __name__ == "__main__":
    sys.exit(main())
