"""deploy/alertmanager.yml: it parses, every route names a receiver that exists, and each
Prometheus rule (alerts.yml) reaches the mailbox of the role that acts on it."""

import re
import subprocess
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
CONFIG = DEPLOY / "alertmanager.yml"
MATCHER = re.compile(r'^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"(.*)"\s*$')
MAILBOX = {"team": {"privacy": "${ALERT_MAIL_PRIVACY_OFFICER}"}, "default": "${ALERT_MAIL_ADMIN}"}


def config() -> dict:
    return yaml.safe_load(CONFIG.read_text())


def matches(matcher: str, labels: dict[str, str]) -> bool:
    name, op, value = MATCHER.match(matcher).groups()
    got = labels.get(name, "")
    return {
        "=": got == value,
        "!=": got != value,
        "=~": re.fullmatch(value, got) is not None,
        "!~": re.fullmatch(value, got) is None,
    }[op]


def route_of(route: dict, labels: dict[str, str], inherited: dict) -> dict:
    """Alertmanager's routing: the first matching child (none has `continue`), depth first;
    settings a child leaves out are its parent's."""
    here = inherited | {k: v for k, v in route.items() if k not in ("routes", "matchers")}
    for child in route.get("routes", []):
        assert "continue" not in child
        if all(matches(m, labels) for m in child.get("matchers", [])):
            return route_of(child, labels, here)
    return here


def routes(route: dict) -> list[dict]:
    return [route] + [r for child in route.get("routes", []) for r in routes(child)]


def test_alertmanager_config_parses_and_every_route_has_a_receiver_that_exists():
    cfg = config()
    receivers = {r["name"]: r for r in cfg["receivers"]}
    assert len(receivers) == len(cfg["receivers"])  # no name twice
    assert "receiver" in cfg["route"] and "matchers" not in cfg["route"]  # the root takes all
    for route in routes(cfg["route"]):
        assert route.get("receiver", cfg["route"]["receiver"]) in receivers
        assert not {"match", "match_re"} & set(route)  # the deprecated forms
        for matcher in route.get("matchers", []):
            assert MATCHER.match(matcher), matcher
    for rule in cfg["inhibit_rules"]:
        for matcher in rule["source_matchers"] + rule["target_matchers"]:
            assert MATCHER.match(matcher), matcher
    for receiver in receivers.values():
        [mail] = receiver["email_configs"]
        assert mail["to"] in MAILBOX["team"].values() or mail["to"] == MAILBOX["default"]


def test_each_prometheus_rule_is_mailed_to_the_role_that_acts_on_it_by_its_severity():
    cfg = config()
    receivers = {r["name"]: r for r in cfg["receivers"]}
    rules = [r for g in yaml.safe_load((DEPLOY / "alerts.yml").read_text())["groups"]
             for r in g["rules"]]  # fmt: skip
    assert rules
    for rule in rules:
        labels = {"alertname": rule["alert"], **rule["labels"]}
        chosen = route_of(cfg["route"], labels, {})
        [mail] = receivers[chosen["receiver"]]["email_configs"]
        expected = MAILBOX["team"].get(labels.get("team", ""), MAILBOX["default"])
        assert mail["to"] == expected, rule["alert"]
        # A critical alert goes out within seconds and repeats hourly; a warning waits longer.
        if labels["severity"] == "critical":
            assert chosen["group_wait"] == "10s" and chosen["repeat_interval"] == "1h"
        else:
            assert chosen["group_wait"] == "1m" and chosen["repeat_interval"] == "4h"


def test_compose_runs_alertmanager_with_every_value_its_config_needs_and_prometheus_uses_it():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    service = compose["services"]["alertmanager"]
    mounts = {v.split(":")[1]: v.split(":")[0] for v in service["volumes"]}
    assert mounts["/etc/alertmanager/alertmanager.tmpl.yml"] == "./alertmanager.yml"
    start = DEPLOY / mounts["/etc/alertmanager/alertmanager-start.sh"]
    script = start.read_text()
    assert subprocess.run(["sh", "-n", str(start)], check=False).returncode == 0
    assert "/etc/alertmanager/alertmanager-start.sh" in service["entrypoint"]
    # Every placeholder is filled in by the start script, from a variable compose sets.
    placeholders = set(re.findall(r"\$\{([A-Z_]+)\}", CONFIG.read_text()))
    filled = set(re.search(r"for name in ([A-Z_ \\\n]+); do", script).group(1).split()) - {"\\"}
    assert placeholders == filled
    assert placeholders <= set(service["environment"])
    # The same role mailboxes as the gateway's own alert mails.
    gateway = compose["services"]["gateway"]["environment"]
    for name in ("ALERT_MAIL_ADMIN", "ALERT_MAIL_PRIVACY_OFFICER"):
        assert service["environment"][name] == gateway[name]
    assert config()["global"]["smtp_auth_password_file"] == "/run/secrets/smtp_password"
    assert service["secrets"] == ["smtp_password"]
    assert compose["secrets"]["smtp_password"] == {"environment": "SMTP_PASSWORD"}
    prometheus = yaml.safe_load((DEPLOY / "prometheus.yml").read_text())
    [target] = prometheus["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"]
    assert target == "alertmanager:9093"
    assert "alertmanager" in compose["services"]["prometheus"]["depends_on"]


def test_the_start_script_fills_in_the_values_and_stops_on_a_missing_one(tmp_path):
    """Run the start script against a copy of the config, with `alertmanager` replaced by
    printing the file it would load."""
    start = (DEPLOY / "alertmanager-start.sh").read_text()
    start = start.replace("/etc/alertmanager/alertmanager.tmpl.yml", str(CONFIG))
    start = start.replace("/tmp/alertmanager.yml", str(tmp_path / "out.yml"))
    start = re.sub(r"^exec /bin/alertmanager .*$", 'cat "$config"', start, flags=re.M)
    script = tmp_path / "start.sh"
    script.write_text(start)
    env = {
        "PATH": "/usr/bin:/bin",
        "SMTP_HOST": "relay.example.nl",
        "SMTP_PORT": "587",
        "SMTP_USERNAME": "",
        "ALERT_MAIL_FROM": "Allegro Talent <noreply@allegrotalent.nl>",
        "ALERT_MAIL_ADMIN": "beheer@allegrotalent.nl",
        "ALERT_MAIL_PRIVACY_OFFICER": "privacy@allegrotalent.nl",
    }
    done = subprocess.run(["sh", str(script)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    filled = yaml.safe_load(done.stdout)
    assert filled["global"]["smtp_smarthost"] == "relay.example.nl:587"
    assert filled["global"]["smtp_auth_username"] == ""
    assert "${" not in done.stdout
    mailboxes = {r["name"]: r["email_configs"][0]["to"] for r in filled["receivers"]}
    assert mailboxes == {
        "admin-mailbox": "beheer@allegrotalent.nl",
        "privacy-officer-mailbox": "privacy@allegrotalent.nl",
    }
    missing = subprocess.run(
        ["sh", str(script)],
        env={k: v for k, v in env.items() if k != "ALERT_MAIL_ADMIN"},
        capture_output=True,
        text=True,
    )
    assert missing.returncode != 0 and "ALERT_MAIL_ADMIN" in missing.stderr
