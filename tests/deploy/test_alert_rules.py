"""deploy/alerts.yml: every rule is complete and watches a metric the services export."""

import re
from pathlib import Path

import yaml
from prometheus_client import REGISTRY

import services.common.metrics
import services.gateway.alerts  # noqa: F401  (registers the alert metrics)

RULES = Path(__file__).resolve().parents[2] / "deploy" / "alerts.yml"
METRIC_SUFFIXES = ("_total", "_backlog", "_lag", "_open", "_seconds")


def exported() -> set[str]:
    names = {"up"}  # Prometheus's own, per scrape target
    for metric in REGISTRY.collect():
        # A labelled metric has no samples before its first use: name its series by type.
        suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count")}
        names |= {metric.name + s for s in suffixes.get(metric.type, ("",))}
    return names


def test_every_alert_rule_has_a_severity_a_summary_and_a_metric_the_services_export():
    known = exported()
    rules = [r for g in yaml.safe_load(RULES.read_text())["groups"] for r in g["rules"]]
    assert {"ServiceDown", "AlertMailsFailing", "PrivacyAlertsLeftOpen"} <= {
        r["alert"] for r in rules
    }
    for rule in rules:
        assert rule["labels"]["severity"] in ("warning", "critical"), rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]
        tokens = set(re.findall(r"[a-z_][a-z0-9_]*", rule["expr"]))
        assert tokens & known, f"{rule['alert']} watches no exported metric"
        unknown = {t for t in tokens if t.endswith(METRIC_SUFFIXES)} - known
        assert not unknown, f"{rule['alert']} names metrics nobody exports: {unknown}"
