"""``casehub deploy``: deployment files generated from the code's own topic and group names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

__all__ = ["deploy"]


@click.group()
def deploy() -> None:
    """Deployment files: Kubernetes manifests for the hub and its Strimzi Kafka cluster."""


@deploy.command()
@click.option(
    "--municipality",
    "municipalities",
    multiple=True,
    help="A kommunekode the hub serves (repeat); default: the committed sample, 101 and 147.",
)
@click.option("--all-municipalities", is_flag=True, help="All 98 municipalities.")
@click.option("--component", "components", multiple=True, help="Default: every component.")
@click.option(
    "--group-prefix", default=None, help="Prefix of consumer groups (CASEHUB_GROUP_PREFIX)."
)
@click.option("--namespace", default=None, help="Kubernetes namespace of every resource.")
@click.option("--image", default=None, help="The hub's container image.")
@click.option("--replicas", type=click.IntRange(min=2), default=None, help="Hub replicas.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("deploy/kubernetes"),
    show_default=True,
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if the files differ.")
def kubernetes(  # noqa: PLR0913 - one option each
    *,
    municipalities: tuple[str, ...],
    all_municipalities: bool,
    components: tuple[str, ...],
    group_prefix: str | None,
    namespace: str | None,
    image: str | None,
    replicas: int | None,
    out: Path,
    check: bool,
) -> None:
    """Write Kafka, KafkaNodePools, KafkaTopics, KafkaUsers and the hub's workload to --out."""
    import dataclasses  # noqa: PLC0415 - keep `casehub --help` fast

    from contracts.municipalities import MUNICIPALITIES  # noqa: PLC0415
    from hub.compose.kube import SAMPLE, drift, write  # noqa: PLC0415

    changes: dict[str, Any] = {
        "municipalities": tuple(MUNICIPALITIES) if all_municipalities else municipalities,
        "components": components,
        "group_prefix": group_prefix,
        "namespace": namespace,
        "image": image,
        "hub_replicas": replicas,
    }
    try:
        plan = dataclasses.replace(SAMPLE, **{k: v for k, v in changes.items() if v})
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    if check:
        problems = drift(out, plan)
        for problem in problems:
            click.echo(problem)
        if problems:
            click.echo("run `casehub deploy kubernetes` with the same options and commit", err=True)
            raise SystemExit(1)
        return
    for name in write(out, plan):
        click.echo(f"wrote {out / name}")


if __name__ == "__main__":  # `python -m hub.cli.deploy kubernetes`, also before it is in `casehub`
    deploy()


@deploy.command()
@click.option(
    "--municipality", "municipalities", multiple=True, required=True, help="A kommunekode (repeat)."
)
@click.option("--group-prefix", default="casehub", show_default=True, help="CASEHUB_GROUP_PREFIX.")
@click.option(
    "--provisions/--no-provisions",
    default=True,
    show_default=True,
    help="The hub creates its own topics at start (no topic operator).",
)
def acls(municipalities: tuple[str, ...], group_prefix: str, *, provisions: bool) -> None:
    """Print the ACL plan as JSON bindings, for `deploy/local/kafka.py start --secure --acls`."""
    import json  # noqa: PLC0415 - keep `casehub --help` fast

    from hub.compose.grants import bindings, plan_principals  # noqa: PLC0415

    principals = plan_principals(municipalities, group_prefix, provisions=provisions)
    click.echo(json.dumps(bindings(principals), indent=1))
