"""Reading the hub's ``/metrics`` back with the Prometheus client's own parser."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

__all__ = ["scrape", "total"]


async def scrape(url: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    """Every sample of the hub's ``/metrics``, by sample name, with its labels."""
    async with httpx.AsyncClient(base_url=url, timeout=10.0) as http:
        answer = await http.get("/metrics")
    answer.raise_for_status()
    samples: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(answer.text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append((sample.labels, sample.value))
    return samples


def total(samples, name: str, **labels: str) -> float:
    """The sum of ``name``'s samples whose labels include ``labels``."""
    return sum(
        float(value)
        for got, value in samples.get(name, [])
        if all(got.get(k) == v for k, v in labels.items())
    )
