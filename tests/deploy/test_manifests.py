"""`deploy/`: the Kubernetes manifests against the Kubernetes schemas (kubernetes-validate,
strict: no unknown field), the compose file against Compose's own check (`docker-compose
config`), and both against popbot itself — every variable they set is one popbot reads,
every command they run is one it has, every probe a route it answers, the user the image's."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
from ruamel.yaml import YAML

from bot.app.cli import parser
from bot.app.configuration import FILE_SUFFIX, models

ROOT = Path(__file__).resolve().parents[2]
KUBE = ROOT / "deploy" / "kubernetes"
VERSIONS = ("1.28.0", kubernetes_validate.latest_version())  # the oldest still in wide use, the newest


def documents(path: Path) -> list[dict[str, Any]]:
    return [d for d in YAML(typ="safe").load_all(path.read_text(encoding="utf-8")) if d]


def resources() -> dict[str, dict[str, Any]]:
    found = {}
    for path in sorted(KUBE.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for doc in documents(path):
            found[f"{doc['kind']}/{path.name}"] = doc
    return found


def known_variables() -> set[str]:
    return {name.upper() for _label, model in models() for name in model.model_fields}


def variable(name: str) -> str:
    return name.removesuffix(FILE_SUFFIX)


@pytest.mark.parametrize("version", VERSIONS)
def test_every_manifest_is_valid_kubernetes(version: str) -> None:
    for name, doc in resources().items():
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            raise AssertionError(
                f"{name} on Kubernetes {version}: {exc.message} at {list(exc.path)}"
            ) from None


def test_the_manifests_fit_popbot() -> None:
    found = resources()
    kinds = {name.split("/")[0] for name in found}
    assert {
        "Deployment",
        "Service",
        "ConfigMap",
        "Secret",
        "PodDisruptionBudget",
        "Job",
        "NetworkPolicy",
    } <= kinds
    listed = documents(KUBE / "kustomization.yaml")[0]["resources"]
    assert sorted(listed) == sorted(
        p.name for p in KUBE.glob("*.yaml") if p.name not in ("kustomization.yaml", "job-db-upgrade.yaml")
    )
    deployment = found["Deployment/deployment.yaml"]
    assert deployment["spec"]["replicas"] == 2
    secret_keys = set(found["Secret/secret.yaml"]["stringData"])
    config_keys = set(found["ConfigMap/configmap.yaml"]["data"])
    assert config_keys <= known_variables(), config_keys - known_variables()
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    uid = int(re.search(r"^USER (\d+):", dockerfile, re.M).group(1))  # type: ignore[union-attr]
    for doc in (deployment, found["Job/job-db-upgrade.yaml"]):
        pod = doc["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsUser"] == uid and pod["securityContext"]["runAsNonRoot"]
        for container in pod["containers"]:
            parser().parse_args(container["args"])  # a command popbot has, options it knows
            assert container["securityContext"]["readOnlyRootFilesystem"] is True
            assert "requests" in container["resources"] and "memory" in container["resources"]["limits"]
            mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
            for env in container.get("env", []):
                assert variable(env["name"]) in known_variables(), env["name"]
                if env["name"].endswith(FILE_SUFFIX):  # a file of the mounted Secret
                    folder, key = env["value"].rsplit("/", 1)
                    assert folder == mounts["secrets"] and key in secret_keys, env
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    port = container["ports"][0]["containerPort"]
    assert (
        container["args"] == ["serve", "--port", str(port)]
        and f'CMD ["serve", "--port", "{port}"]' in dockerfile
    )
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert (
        container["livenessProbe"]["httpGet"]["path"]
        == "/healthz"
        == container["startupProbe"]["httpGet"]["path"]
    )
    assert (
        container["readinessProbe"]["timeoutSeconds"] > 2
    )  # /readyz answers within 2 s, even with the database down
    service = found["Service/service.yaml"]["spec"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["selector"].items() <= labels.items()
    assert (
        found["PodDisruptionBudget/poddisruptionbudget.yaml"]["spec"]["selector"]["matchLabels"].items()
        <= labels.items()
    )


def test_the_compose_file() -> None:
    compose = documents(ROOT / "deploy" / "compose.yaml")[0]
    services = compose["services"]
    replicas = [s for s in services.values() if "ports" in s]
    assert len(replicas) == 2 and services["upgrade"]["command"] == ["db", "upgrade"]
    for name, service in services.items():
        if name == "db":
            continue
        parser().parse_args(service.get("command", ["serve"]))
        assert service["read_only"] is True
        assert {variable(v) for v in service["environment"]} <= known_variables(), service["environment"]
        assert set(service["secrets"]) <= set(compose["secrets"])
    if shutil.which("docker-compose") is None:
        if os.environ.get("POPBOT_TESTS_NEED_IMAGE"):
            pytest.fail("docker-compose is not installed (apt-get install docker-compose)")
        pytest.skip("docker-compose is not installed (apt-get install docker-compose)")
    checked = subprocess.run(
        ["docker-compose", "-f", "deploy/compose.yaml", "config", "-q"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "POPBOT_IMAGE": "popbot:test", "POPBOT_PUBLIC_URL": "https://popbot.example.nl"},
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
