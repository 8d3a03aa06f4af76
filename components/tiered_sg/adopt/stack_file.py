"""Write the mapping into ``Pulumi.<stack>.yaml``: our keys replaced, every other key kept."""

from pathlib import Path
from typing import Any

import yaml

from tiered_sg.stack_config import NAMESPACE


def write_stack_file(path: Path, config: dict[str, object]) -> None:
    """Merge ``config`` (keys without namespace) into the stack file at ``path``: the
    ``tiered-sg:*`` keys are replaced as a whole (a stale key would change the chain), other
    namespaces (``aws:region``, ``aws:endpoints``) and the file's other sections stay."""
    document: dict[str, Any] = {}
    if path.exists():
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    kept = {
        key: value
        for key, value in (document.get("config") or {}).items()
        if not key.startswith(f"{NAMESPACE}:")
    }
    kept.update(namespaced(config))
    document["config"] = kept
    path.write_text(yaml.safe_dump(document, sort_keys=False, width=100), encoding="utf-8")


def namespaced(config: dict[str, object]) -> dict[str, object]:
    """``config``'s keys as the stack file and :func:`~tiered_sg.stack_config.parse_config`
    spell them: ``vpcId`` -> ``tiered-sg:vpcId``."""
    return {f"{NAMESPACE}:{key}": value for key, value in config.items()}
