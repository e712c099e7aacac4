"""Finding and loading dossier templates: the case's own first, then the shipped ones.

Like mkdocs' custom_dir: a file in `<case>/templates/` with the same name as a shipped
template replaces it. Autoescaping is always on; user text reaches templates only through
the audience view. A case folder may come from someone else, so its templates run in
Jinja's immutable sandbox: they can read the view, not reach Python (``__globals__``,
``os``) or change anything.
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.bccache import Bucket, BytecodeCache
from jinja2.sandbox import ImmutableSandboxedEnvironment

from casefile.errors import UserInputError


def shipped_templates_dir() -> Path:
    """The top-level templates/ of a checkout, or its installed copy inside the package."""
    checkout = Path(__file__).resolve().parents[2] / "templates"
    if (checkout / "dossier.html").is_file():
        return checkout
    return Path(str(files("casefile") / "_templates"))


def template_dirs(case_root: Path | None) -> list[Path]:
    dirs: list[Path] = []
    if case_root is not None and (case_root / "templates").is_dir():
        dirs.append((case_root / "templates").resolve())
    dirs.append(shipped_templates_dir())
    return dirs


class _CompiledTemplates(BytecodeCache):
    """Templates compiled once per process, in memory: a watching render (``render
    --watch``) renders every few seconds. Each render still gets an environment of its
    own (a template's module state, which a template can change, is never shared), and
    a template whose source changed is compiled again (Jinja checks a checksum of it).
    Compiled code depends on the environment's settings (the sandbox's checks are compiled
    in): only :func:`environment`, whose settings never vary, may use it."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, its verdict on each attribute a template reads kept per
    (class of the object, name of the attribute). A dossier's templates read ~23,000
    attributes on the benchmark (~0.1 s of a re-render's critical path, in
    ``isinstance`` checks against the mutable ABCs). Jinja judges by the name and by what
    kind of object has it (a function, a method, a type, a frame, a mutable list, dict,
    set or deque), which ``isinstance`` reads from ``obj.__class__``: an object whose
    ``__class__`` is not its type (a proxy, say) is judged by Jinja every time, and so
    is everything under another Jinja (``tests/render/test_dossier_templates.py``
    checks the verdicts against Jinja's). The verdicts assume no class is registered
    with the mutable ABCs once rendering has begun; templates cannot register one."""

    _verdicts: dict[tuple[type, str], bool] = {}

    def is_safe_attribute(self, obj: object, attr: str, value: object) -> bool:
        kind = type(obj)
        if obj.__class__ is not kind:
            return super().is_safe_attribute(obj, attr, value)
        verdict = self._verdicts.get((kind, attr))
        if verdict is None:
            verdict = self._verdicts[(kind, attr)] = super().is_safe_attribute(obj, attr, value)
        return verdict


def environment(case_root: Path | None) -> Environment:
    env = _Sandbox(
        loader=ChoiceLoader([FileSystemLoader(str(d)) for d in template_dirs(case_root)]),
        autoescape=select_autoescape(enabled_extensions=("html", "xml", "svg"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_COMPILED,
    )
    return env


# Rules the parts pipeline depends on, added after dossier.css, the case's own included:
# an assessed incident's assessment is a part of its own (parallel.render_parts), so the
# whole document must start it on a new page too, even against a case's own `!important`
# rule. (A more specific `!important` rule of a case still wins in the whole document,
# while the parts start the assessment on a page of its own regardless.)
PIPELINE_CSS = "\n.incident-assessment.assessed { page-break-before: always !important; }\n"


def dossier_css(case_root: Path | None) -> str:
    """The dossier's stylesheet: dossier.css (the case's own if it has one) and the rules
    the parts pipeline depends on."""
    return read_template_file(case_root, "dossier.css") + PIPELINE_CSS


def read_template_file(case_root: Path | None, name: str) -> str:
    for d in template_dirs(case_root):
        path = d / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(name)


# Templates that make the cover; a case's own copy of one may predate front-cover.html.
COVER_TEMPLATES = ("front-cover.html", "part.html", "front.html", "dossier.html", "base.html")
_BODY = re.compile(r"<body\b", re.IGNORECASE)


def document_body(html: str) -> str:
    """What an HTML document prints: from its <body> tag (all of it if there is none);
    the <head>'s metadata is not printed."""
    found = _BODY.search(html)
    return html if found is None else html[found.start() :]


def check_cover(html: str, fingerprint: str, case_root: Path | None) -> None:
    """A dossier is tied to one state of its case by the fingerprint its cover prints:
    refuse to produce one that does not print it (``html``: the whole document, or in
    the parts pipeline the bodies of the parts made with the real fingerprint). That
    happens with a case's own templates written before the cover moved to
    front-cover.html."""
    printed = re.sub(r"<[^>]*>|\s+", "", document_body(html))  # split by markup or spaces
    if fingerprint in printed:
        return
    own = [
        name
        for name in COVER_TEMPLATES
        if case_root is not None and (case_root / "templates" / name).is_file()
    ]
    suspects = ", ".join(f"templates/{name}" for name in own) or "the dossier templates"
    raise UserInputError(
        f"{suspects}: the dossier does not print the case fingerprint, which its cover "
        '(front-cover.html, the section "cover" of part.html) should: a case template '
        "written for an older casefile may leave it out"
    )
