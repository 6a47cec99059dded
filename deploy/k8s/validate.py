"""Validates Kubernetes manifests offline, strictly, and fails on anything it cannot check.

    validate.py FILE...

Built-in kinds are checked by kubernetes-validate against the bundled API schemas of each
version in KUBERNETES_VERSIONS, in strict mode (an unknown or misspelt field is an error). Its
command line only warns about a kind it has no schema for; here that is an error too, except
for the kinds with a schema in schemas/ beside this file (KEDA's, Strimzi's, kustomize's),
written for the fields we use and just as strict. Exit status 1 when anything failed.
"""

import json
import sys
from pathlib import Path

import jsonschema
import kubernetes_validate
import yaml

# The oldest minor release still maintained upstream when this was written, and the newest the
# bundled schemas know: a field added or removed in between fails one of them.
KUBERNETES_VERSIONS = ("1.33.0", "1.37.0")
SCHEMAS = Path(__file__).resolve().parent / "schemas"


def custom_schemas() -> dict:
    """(apiVersion, kind) -> JSON schema, from the schemas/ folder."""
    found = {}
    for path in sorted(SCHEMAS.glob("*.json")):
        schema = json.loads(path.read_text())
        props = schema["properties"]
        found[(props["apiVersion"]["const"], props["kind"]["const"])] = schema
    return found


def problems(resource: object, schemas: dict) -> list:
    """What is wrong with one resource, as lines; empty when it is valid."""
    if not isinstance(resource, dict) or "kind" not in resource or "apiVersion" not in resource:
        return ["not a Kubernetes object (no apiVersion and kind)"]
    custom = schemas.get((resource["apiVersion"], resource["kind"]))
    if custom is not None:
        validator = jsonschema.Draft202012Validator(custom)
        return [
            f"{'.'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
            for e in sorted(validator.iter_errors(resource), key=lambda e: list(map(str, e.path)))
        ]
    out = []
    for version in KUBERNETES_VERSIONS:
        try:
            kubernetes_validate.validate(resource, version, strict=True)
        except kubernetes_validate.ValidationError as e:
            out.append(f"Kubernetes {version}: {'.'.join(map(str, e.path)) or '(top)'}: {e.message}")
        except kubernetes_validate.SchemaNotFoundError as e:
            out.append(f"{e.message}, and deploy/k8s/schemas has none")
            break
    return out


def describe(resource: object) -> str:
    """kind/name of a resource, for the report (a kustomization has no name)."""
    if not isinstance(resource, dict):
        return "?"
    name = (resource.get("metadata") or {}).get("name")
    return f"{resource.get('kind', '?')}/{name}" if name else str(resource.get("kind", "?"))


def main(files: list) -> int:
    schemas = custom_schemas()
    failed = 0
    for name in files:
        with open(name) as f:
            resources = [r for r in yaml.safe_load_all(f) if r is not None]
        if not resources:
            print(f"ERROR {name}: no resources")
            failed += 1
        for resource in resources:
            found = problems(resource, schemas)
            label = describe(resource)
            for line in found:
                print(f"ERROR {name} {label}: {line}")
            if found:
                failed += 1
            else:
                print(f"ok    {name} {label}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
