"""The one template environment alert messages render in: sandboxed, and bounded in work.

Templates, the built-in ones and a rule's own, render in an
:class:`~jinja2.sandbox.ImmutableSandboxedEnvironment` with strict undefined values and no
globals, over plain data only (dicts, lists, strings, numbers): a template cannot reach a
Python object, and one that tries (``{{ ''.__class__.__mro__ }}``) fails with
:class:`TemplateRefused` instead of rendering anything.

A template is also user code that can ask for unbounded work without reaching anything:
``'x'|center(10**9)``, ``'%999999999s'|format(1)``, ``s|replace('', s)``, loops nested over a
long list, a macro that calls itself twice. Every render has a :class:`RenderBudget`, and the
sandbox charges it where work can grow:

- each loop iteration and each call (macros, ``caller()``, recursive ``loop()``) is a step,
  and the wall clock is read at every step;
- every emitted value, every macro's result, and the literal text of a loop body per iteration
  are output characters;
- a filter, ``+``, ``*``, ``%``, ``**`` and ``~`` are refused *before* they run when their
  arguments could build more than the limit (sizes are counted, widths and counts multiply);
  what they did build is checked again after;
- calls nest at most :data:`MAX_CALL_DEPTH` deep.

Going over any bound raises :class:`TemplateRefused`: at config load (a rule's template is
rendered over sample events then) that is a configuration error; at delivery the built-in
wording is used instead. Nothing large is ever built, and a render ends within
:data:`RENDER_SECONDS` of its last step.
"""

from __future__ import annotations

import contextvars
import functools
import itertools
import math
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import TracebackType
from typing import Any

from jinja2 import StrictUndefined, TemplateError, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.visitor import NodeTransformer

# Characters one render may produce or build in any single value (the message itself is cut
# much shorter; this leaves room for digests of thousands of events).
RENDER_CHARACTERS = 1_000_000
# Loop iterations plus calls in one render.
RENDER_STEPS = 100_000
RENDER_SECONDS = 2.0
MAX_CALL_DEPTH = 50
MAX_DIGITS = 1000

# Filters whose result is never larger than their input: only counted as a step, since
# measuring a digest's whole event list on every `|length` would cost more than the filter.
NOT_GROWING = frozenset([
    "abs", "attr", "capitalize", "count", "d", "default", "dictsort", "first", "float",
    "groupby", "int", "items", "last", "length", "list", "lower", "max", "min", "random",
    "reject", "rejectattr", "reverse", "select", "selectattr", "sort", "striptags", "sum",
    "title", "trim", "unique", "upper", "wordcount",
])

_ITERATE = "_regwatch_iterate"
_BOUNDED = "_regwatch_bounded"
_PRINTF_SPEC = re.compile(r"%(?:\([^)]*\))?[#0 +\-]*(\d*)(?:\.(\d*))?")


class TemplateRefused(ValueError):
    """A template that does not compile, uses an unknown name, reaches for Python internals,
    or asks for more work than a render is allowed."""


@dataclass
class RenderBudget:
    """What one render may still do; raises SecurityError past any bound."""

    deadline: float
    steps: int = 0
    characters: int = 0
    depth: int = 0

    def step(self, literal: int = 0) -> None:
        self.steps += 1
        if self.steps > RENDER_STEPS:
            raise SecurityError(f"the template loops or calls more than {RENDER_STEPS} times")
        if time.monotonic() > self.deadline:
            raise SecurityError(f"the template took more than {RENDER_SECONDS:g} s")
        if literal:
            self.charge(literal)

    def charge(self, characters: int) -> None:
        self.characters += characters
        if self.characters > RENDER_CHARACTERS:
            raise SecurityError(f"the template produces more than {RENDER_CHARACTERS} "
                                "characters")


_budget: contextvars.ContextVar[RenderBudget] = contextvars.ContextVar("regwatch_render_budget")


def current_budget() -> RenderBudget:
    try:
        return _budget.get()
    except LookupError:
        raise SecurityError("a template renders only through render_template") from None


def size(value: Any, limit: int = RENDER_CHARACTERS) -> int:
    """About how many characters ``value`` is as text (items count one each), counted no
    further than just past ``limit``: a list repeating one long string is not walked whole."""
    total = 0
    pending = [value]
    while pending and total <= limit:
        item = pending.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, bool) or item is None:
            total += 1
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 1
        elif isinstance(item, Mapping):
            total += 1 + len(item)
            pending.extend(itertools.islice(
                itertools.chain.from_iterable(item.items()), max(0, limit - total + 1)))
        elif isinstance(item, (list, tuple, set, frozenset)):
            total += 1 + len(item)
            pending.extend(itertools.islice(item, max(0, limit - total + 1)))
        else:
            total += 1
    return total


def _weight(arguments: Iterable[Any]) -> int:
    """How many times over the arguments of a filter or ``%`` could multiply its input: the
    sizes of texts (a separator, a replacement, a prefix) plus numbers (widths, counts)."""
    weight = 0
    for argument in arguments:
        if isinstance(argument, bool):
            continue
        if isinstance(argument, (int, float)):
            if not math.isfinite(argument) or abs(argument) > RENDER_CHARACTERS:
                raise SecurityError("a number this large is refused as a template argument")
            weight += int(abs(argument))
        else:
            weight += size(argument)
    return weight


def _format_weight(text: str) -> int:
    """The widths and precisions a printf-style format asks for (``%9999s``, ``%.99f``)."""
    weight = 0
    for width, precision in _PRINTF_SPEC.findall(text):
        for digits in (width, precision):
            if len(digits) > 7:
                raise SecurityError("a format width this large is refused")
            weight += int(digits or 0)
    return weight


def _refuse_growth(value: Any, arguments: Iterable[Any], extra: int = 0) -> None:
    weight = _weight(arguments) + extra
    if weight > RENDER_CHARACTERS or (1 + size(value)) * (1 + weight) > RENDER_CHARACTERS:
        raise SecurityError(f"this could build more than {RENDER_CHARACTERS} characters")


def _refuse_large(result: Any) -> Any:
    if size(result) > RENDER_CHARACTERS:
        raise SecurityError(f"a value of more than {RENDER_CHARACTERS} characters is refused")
    return result


def _counted(values: Iterator[Any], weight: int) -> Iterator[Any]:
    """``values`` (a generator another filter made), refused once it has yielded too much."""
    total = 0
    for value in values:
        total += 1 + size(value)
        if total * (1 + weight) > RENDER_CHARACTERS:
            raise SecurityError(f"this could build more than {RENDER_CHARACTERS} characters")
        yield value


def _bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` refusing arguments that could make it build too much, and results that did."""
    passes_first = hasattr(function, "jinja_pass_arg")

    @functools.wraps(function)
    def counted(*args: Any, **kwargs: Any) -> Any:
        current_budget().step()
        return function(*args, **kwargs)

    @functools.wraps(function)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        current_budget().step()
        head = 2 if passes_first else 1
        if len(args) >= head:
            value = args[head - 1]
            extras = [*args[head:], *kwargs.values()]
            extra = _format_weight(str(value)) if name == "format" else 0
            if isinstance(value, Iterator):
                args = (*args[:head - 1], _counted(value, _weight(extras) + extra), *args[head:])
            else:
                _refuse_growth(value, extras, extra)
        result = function(*args, **kwargs)
        return result if isinstance(result, Iterator) else _refuse_large(result)

    return counted if name in NOT_GROWING else bounded


def _iterate(values: Iterable[Any], literal: int) -> Iterator[Any]:
    """A loop's items, each a step charged with the loop body's literal text."""
    budget = current_budget()
    for value in values:
        budget.step(literal)
        yield value


class _Bounds(NodeTransformer):
    """Loops iterate through :func:`_iterate`; ``~`` joins are checked for size."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        literal = sum(len(data.data) for data in node.find_all(nodes.TemplateData))
        node.iter = nodes.Filter(node.iter, _ITERATE, [nodes.Const(literal)], [], None, None,
                                 lineno=node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return nodes.Filter(node, _BOUNDED, [], [], None, None, lineno=node.lineno)


class _BoundedCodeGenerator(CodeGenerator):
    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        _Bounds().visit(node)
        super().visit_Template(node, frame)


class AlertSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, reading data attributes only (no method of any object is
    reached), with every render's work bounded (see the module's description).

    Templates format with filters (``upper``, ``join``, ``number``) instead of calling methods.
    """

    code_generator_class = _BoundedCodeGenerator
    intercepted_binops = frozenset(["*", "**", "+", "%"])

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return not callable(value) and super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        current_budget().step()
        if operator == "**" and isinstance(left, int) and isinstance(right, int):
            if abs(left) > 1 and right * math.log10(abs(left)) > MAX_DIGITS:
                raise SecurityError("a power this large is refused in a template")
        elif operator == "*":
            if isinstance(left, int) and isinstance(right, int):
                if left.bit_length() + right.bit_length() > MAX_DIGITS * 4:
                    raise SecurityError("a product this large is refused in a template")
            else:
                for count, other in ((left, right), (right, left)):
                    if isinstance(count, int) and not isinstance(other, (int, float)):
                        _refuse_growth(other, [count])
        elif operator == "%" and isinstance(left, str):
            arguments = right if isinstance(right, tuple) else [right]
            _refuse_growth(left, arguments, _format_weight(left))
        return _refuse_large(super().call_binop(context, operator, left, right))

    def call(self, context: Any, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        budget = current_budget()
        budget.step()
        if budget.depth >= MAX_CALL_DEPTH:
            raise SecurityError(f"calls nest more than {MAX_CALL_DEPTH} deep in the template")
        budget.depth += 1
        try:
            result = super().call(context, obj, *args, **kwargs)
        finally:
            budget.depth -= 1
        if isinstance(result, str):
            budget.charge(len(result))
        return _refuse_large(result)


def _finalize(value: Any) -> Any:
    current_budget().charge(size(value))
    return value


@lru_cache(maxsize=2)
def sandbox(html: bool) -> AlertSandbox:
    """The one template environment (autoescaping for HTML channels)."""
    environment = AlertSandbox(
        autoescape=html, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=False, finalize=_finalize,
    )
    # range, cycler, joiner, lipsum, namespace and dict are Python objects a template has no
    # use for here; fewer objects, fewer ways out.
    environment.globals.clear()
    return environment


def add_filter(name: str, function: Callable[..., Any]) -> None:
    """Make ``function`` a filter of both environments, bounded like the built-in ones."""
    for html in (False, True):
        sandbox(html).filters[name] = _bounded_filter(name, function)


def _bound_filters(environment: AlertSandbox) -> None:
    for name, function in list(environment.filters.items()):
        environment.filters[name] = _bounded_filter(name, function)
    environment.filters[_ITERATE] = _iterate
    environment.filters[_BOUNDED] = _refuse_large


for _html in (False, True):
    _bound_filters(sandbox(_html))


def render_template(source: str, context: Mapping[str, Any], *, html: bool) -> str:
    """``source`` rendered over ``context`` within one render's budget; TemplateRefused on any
    template error or bound exceeded, naming the template's line where it is known."""
    token = _budget.set(RenderBudget(time.monotonic() + RENDER_SECONDS))
    try:
        template = sandbox(html).from_string(source)
        return template.render(**context)
    except Exception as exc:  # noqa: BLE001 (a template is user code; any failure refuses it)
        raise TemplateRefused(_reason(exc)) from None
    finally:
        _budget.reset(token)


def _reason(exc: BaseException) -> str:
    line = getattr(exc, "lineno", None) if isinstance(exc, TemplateError) else None
    if line is None:
        line = _template_line(exc.__traceback__)
    kind = type(exc).__name__
    message = str(exc) if not isinstance(exc, RecursionError) else "calls nest too deep"
    return f"{kind} at template line {line}: {message}" if line else f"{kind}: {message}"


def _template_line(trace: TracebackType | None) -> int | None:
    line = None
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == "<template>":
            line = trace.tb_lineno
        trace = trace.tb_next
    return line


__all__ = ["AlertSandbox", "RenderBudget", "TemplateRefused", "add_filter",
           "render_template", "sandbox", "size"]
