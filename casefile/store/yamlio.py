"""The one YAML loader and dumper, and the one place validation errors become one-line messages."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from casefile.errors import RecordError

if TYPE_CHECKING:  # pydantic is loaded by the models, not by reading files (listings)
    from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound="BaseModel")


@cache
def _yaml() -> tuple[Any, type, type]:
    """PyYAML and its libyaml classes, loaded on first use: a warm listing reads no YAML."""
    import yaml

    try:
        loader: type = yaml.CSafeLoader
        dumper: type = yaml.CSafeDumper
    except AttributeError:  # pragma: no cover - PyYAML without libyaml
        loader, dumper = yaml.SafeLoader, yaml.SafeDumper

    class RecordDumper(dumper):  # type: ignore[misc, valid-type]
        """Multi-line text (descriptions, reasoning) as literal blocks, readable and diffable."""

    RecordDumper.add_representer(str, _str_representer)
    return yaml, loader, RecordDumper


def parse_yaml(text: str | bytes, where: str) -> Any:
    """Parse YAML safely; a syntax error names the file and line."""
    yaml, loader, _ = _yaml()
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}" if mark is not None else None
        problem = getattr(exc, "problem", None) or "malformed YAML"
        raise RecordError(where, line, f"malformed YAML ({problem})") from None


def _str_representer(dumper: Any, value: str) -> Any:
    if "\n" in value and not any(c in value for c in "\t\r") and value == value.rstrip(" "):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


def dump_yaml(data: Any) -> str:
    yaml, _, dumper = _yaml()
    return yaml.dump(
        data,
        Dumper=dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=88,
    )


def read_text(path: Path, where: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RecordError(where, None, "file not found") from None
    except UnicodeDecodeError:
        raise RecordError(where, None, "expected UTF-8 text") from None
    except OSError as exc:
        raise RecordError(where, None, f"cannot be read ({exc.strerror})") from None


def validate(model: type[M], data: Any, where: str) -> M:
    """Validate data against a model; the first error names the field and what was expected."""
    from pydantic import ValidationError

    if not isinstance(data, dict):
        raise RecordError(where, None, "expected a mapping of fields")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RecordError(where, *describe_validation_error(exc)) from None


def describe_validation_error(exc: ValidationError) -> tuple[str | None, str]:
    err = exc.errors(include_url=False)[0]
    field = ".".join(str(p) for p in err["loc"]) or None
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if err["type"] == "extra_forbidden":
        msg = "unknown field"
    elif err["type"] == "missing":
        msg = "required field is missing"
    return field, msg


def load_record(model: type[M], path: Path, where: str) -> M:
    return validate(model, parse_yaml(read_text(path, where), where), where)


def record_to_yaml(record: BaseModel) -> str:
    return dump_yaml(record.model_dump(mode="json", exclude_none=True, exclude_defaults=False))
