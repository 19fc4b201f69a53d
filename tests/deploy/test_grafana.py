"""The Grafana dashboard asks only for metrics, and labels, the hub exports."""

import json
import re

from prometheus_client.metrics import MetricWrapperBase

from hub.runtime.metrics import HubMetrics

SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum")}
BUILT_IN = {"le"}  # the histogram's bucket label


def exported():
    """Each exported sample name and the labels it may carry."""
    names = {}
    for metric in vars(HubMetrics()).values():
        if isinstance(metric, MetricWrapperBase):
            labels = set(metric._labelnames) | BUILT_IN | {metric._name}  # an Enum's state
            for suffix in SUFFIXES.get(str(metric._type), ("",)):
                names[metric._name + suffix] = labels
    return names


def test_dashboard_queries_name_only_exported_metrics_and_labels(repo_root):
    dashboard = json.loads((repo_root / "deploy/grafana/casehub.json").read_text())
    names = exported()
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    exprs += [v["query"]["query"] for v in dashboard["templating"]["list"] if v["type"] == "query"]
    assert len(exprs) > 5
    for expr in exprs:
        found = re.findall(r"(casehub_[a-z_]+)(\{[^}]*\})?", expr)
        assert found, expr
        for name, selector in found:
            assert name in names, f"{name} is not exported"
            used = set(re.findall(r"(\w+)\s*=~?", selector))
            assert used <= names[name], f"{name}: {used - names[name]}"
