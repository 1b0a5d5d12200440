"""Evaluation of HCL expressions (``load/hcl.py`` AST) into Values, independent of where names
come from.

:class:`ExpressionEvaluator` implements literals, collections, conditionals, templates,
operators, ``for`` expressions and function calls; resolving a name (``var.x``,
``aws_s3_bucket.b.arn``) needs the module and is left to a subclass (``e_traversal``).

* Every Value produced for an expression carries ``Source(doc, path)`` of that expression.
* A conditional whose condition is not known becomes ``Either``; operations and functions are
  distributed over its options (:meth:`ExpressionEvaluator.lift`), up to ``MAX_EITHER`` options.
* Nothing raises on weird input: errors become ``Unknown`` (or :class:`Invalid` where Terraform
  itself would reject the expression).
"""
from __future__ import annotations

from ...document import Source
from ...load.hcl import (BinOp, Call, Conditional, ForExpr, Literal, ObjectExpr, Template, TemplateFor,
                         TemplateIf, Traversal, TupleExpr, UnOp)
from ...values import Either, Known, ResourceRef, Unknown, Value
from .functions import FUNCTIONS
from .limits import (MAX_ALTERNATIVES, MAX_CHARACTERS, MAX_COLLECTION, MAX_DEPTH, MAX_EITHER, MAX_STEPS,
                     MAX_STRING)
from .operators import _binary
from .templates import TemplateEvaluator
from .tfvalues import Invalid, NotPlain, blocked, located, to_bool, to_number, to_plain, to_str


class Scope:
    """Where an expression is evaluated: its module instance and the names bound around it
    (``count``, ``each``, ``for`` and ``dynamic`` iterators)."""

    __slots__ = ("module", "bindings")

    def __init__(self, module, bindings):
        self.module, self.bindings = module, bindings


# AST node type -> evaluating method, by name so a subclass's e_traversal is the one called.
_METHODS = {
    Literal: "e_literal",
    TupleExpr: "e_tuple",
    ObjectExpr: "e_object",
    Conditional: "e_conditional",
    Template: "e_template",
    BinOp: "e_binop",
    UnOp: "e_unop",
    ForExpr: "e_for",
    Traversal: "e_traversal",
    Call: "e_call",
    TemplateIf: "e_template_directive",
    TemplateFor: "e_template_directive",
}


class ExpressionEvaluator(TemplateEvaluator):
    def __init__(self):
        self.depth = 0  # nesting of eval() calls, bounded by MAX_DEPTH
        self.steps = 0  # eval() calls so far, bounded by MAX_STEPS
        self.longest = 0  # the longest string and the largest collection evaluated so far
        self.characters = 0  # characters of all strings evaluated so far, bounded by MAX_CHARACTERS
        self.largest = 0
        cls = type(self)
        self._methods = {node_type: getattr(cls, name) for node_type, name in _METHODS.items()}

    def eval(self, expr, scope: Scope, src: Source) -> Value:
        self.depth += 1
        self.steps += 1
        try:
            if self.depth > MAX_DEPTH:
                return Unknown("expression nested too deeply", src, cause="budget")
            if self.steps > MAX_STEPS:
                return Unknown(f"evaluation budget exhausted (more than {MAX_STEPS:,} expression steps "
                               "in this configuration)", src, cause="budget")
            method = self._methods.get(type(expr))
            if method is None:
                return Unknown("unsupported expression", src, cause="unsupported")
            return self._within_budget(method(self, expr, scope, src), src)
        except RecursionError:
            raise
        except Exception as exc:  # never let odd input escape as a traceback
            return Unknown(f"could not evaluate ({type(exc).__name__})", src)
        finally:
            self.depth -= 1

    def _within_budget(self, value: Value, src) -> Value:
        """``value``, or Unknown naming the budget when it is a string or collection past it."""
        if type(value) is Known:
            raw = value.value
            kind = type(raw)
            if kind is str:
                size = len(raw)
                if size > self.longest:
                    self.longest = size
                if size > MAX_STRING:
                    return Unknown(f"a string longer than the budget of {MAX_STRING:,} characters", src, cause="budget")
                self.characters += size  # bounds memory: every string made is some eval()'s result
                if self.characters > MAX_CHARACTERS:
                    return Unknown(f"evaluation budget exhausted (more than {MAX_CHARACTERS:,} characters of "
                                   "strings in this configuration)", src, cause="budget")
            elif kind is list or kind is dict:
                size = len(raw)
                if size > self.largest:
                    self.largest = size
                if size > MAX_COLLECTION:
                    return Unknown(f"a {'list' if kind is list else 'map'} of more than the budget of "
                                   f"{MAX_COLLECTION:,} items", src, cause="budget")
        return value

    def e_literal(self, expr: Literal, scope, src):
        return Known(expr.value, src)

    def e_tuple(self, expr: TupleExpr, scope, src):
        items = []
        for i, item in enumerate(expr.items):
            value = self.eval(item, scope, src.child(i))
            if isinstance(item, Template) and len(item.parts) == 1 and not isinstance(
                    item.parts[0], (str, TemplateIf, TemplateFor)):
                # Terraform 0.11: ["${var.ids}"] flattens a list into the outer list (0.12+ rejects
                # a nested list there), so an unknown "${...}" item may be any number of items
                if isinstance(value, Known) and isinstance(value.value, list):
                    items.extend(value.value)
                    continue
                if isinstance(value, Unknown) and not isinstance(value, Invalid):
                    return value.moved(src, f"{value.reason} (\"${{...}}\" in a list: may be a list itself)")
            items.append(value)
        return Known(items, src)

    def e_object(self, expr: ObjectExpr, scope, src):
        out = {}
        for kexpr, vexpr in expr.items:
            if isinstance(kexpr, Literal):
                key = to_str(kexpr.value)
            else:
                kval = self.eval(kexpr, scope, src)
                key = to_str(kval.value) if isinstance(kval, Known) and not isinstance(kval.value, ResourceRef) else None
                if key is None:
                    return Unknown(kval.reason if isinstance(kval, Unknown) else "object key known only after apply", src)
            if key is None:
                return Invalid("object key is not a string", src)
            out[key] = self.eval(vexpr, scope, src.child(key))
        return Known(out, src)

    def e_conditional(self, expr: Conditional, scope, src):
        cond = self.eval(expr.cond, scope, src.child(0))
        if isinstance(cond, Known):
            flag = to_bool(cond.value)
            if flag is None:
                return Invalid(f"condition {expr.text} is not a bool", src)
            return located(self.eval(expr.then if flag else expr.else_, scope, src.child(1 if flag else 2)), src)
        if isinstance(cond, Invalid):
            return Invalid(cond.reason, src)
        if isinstance(cond, Either):
            flags = {to_bool(v.value) if isinstance(v, Known) else None for v in cond.leaves()}
            if len(flags) == 1 and None not in flags:
                flag = flags.pop()
                return located(self.eval(expr.then if flag else expr.else_, scope, src.child(1 if flag else 2)), src)
        then = self.eval(expr.then, scope, src.child(1))
        else_ = self.eval(expr.else_, scope, src.child(2))
        if len(_deployable((then, else_))) == 1:
            return located(_deployable((then, else_))[0], src)
        if _same(then, else_):  # the condition does not matter
            return located(then, src)
        if _alternatives(then) + _alternatives(else_) > MAX_ALTERNATIVES:  # chained conditionals
            return Unknown(f"{expr.text} (more than {MAX_ALTERNATIVES} alternatives: the budget)", src, cause="budget")
        return Either(expr.text, (then, else_), src)

    def e_binop(self, expr: BinOp, scope, src):
        left = self.eval(expr.left, scope, src)
        right = self.eval(expr.right, scope, src)
        op = expr.op
        if op in ("&&", "||"):  # false && unknown is false, true || unknown is true
            for side in (left, right):
                flag = to_bool(side.value) if isinstance(side, Known) else None
                if flag is (op == "||"):
                    return Known(flag, src)
        return self.lift(lambda vals: _binary(op, vals[0], vals[1], src), [left, right], src)

    def e_unop(self, expr: UnOp, scope, src):
        value = self.eval(expr.operand, scope, src)

        def apply(vals):
            v = vals[0]
            if not isinstance(v, Known):
                return blocked(v, expr.op, src)
            if expr.op == "!":
                flag = to_bool(v.value)
                return Known(not flag, src) if flag is not None else Invalid("! of a non-bool", src)
            number = to_number(v.value)
            return Known(-number, src) if number is not None else Invalid("- of a non-number", src)

        return self.lift(apply, [value], src)

    def e_for(self, expr: ForExpr, scope, src):
        coll = self.eval(expr.coll, scope, src)
        if isinstance(coll, Either):
            return self.lift(lambda vals: self._for(expr, scope, src, vals[0]), [coll], src)
        return self._for(expr, scope, src, coll)

    def _for(self, expr: ForExpr, scope, src, coll):
        if not isinstance(coll, Known):
            return blocked(coll, "for expression", src)
        raw = coll.value
        if isinstance(raw, dict):
            pairs = list(raw.items())
        elif isinstance(raw, list):
            pairs = list(enumerate(raw))
        elif raw is None:
            return Invalid("for expression over null", src)
        elif isinstance(raw, ResourceRef):
            return Unknown(f"for expression over {raw.name}.{raw.attr} (known only after apply)", src,
                           cause="after-apply")
        else:
            return Invalid("for expression over a scalar", src)
        items: list = []
        obj: dict = {}
        for i, (key, value) in enumerate(pairs):
            bindings = dict(scope.bindings)
            if expr.val_var:
                bindings[expr.val_var] = value
            if expr.key_var:
                bindings[expr.key_var] = Known(key, src)
            inner = Scope(scope.module, bindings)
            if expr.cond is not None:
                keep = self.eval(expr.cond, inner, src)
                flag = to_bool(keep.value) if isinstance(keep, Known) else None
                if flag is None:
                    return blocked(keep, "for expression condition", src) if not isinstance(keep, Known) \
                        else Invalid("for expression condition is not a bool", src)
                if not flag:
                    continue
            if expr.is_object:
                kval = self.eval(expr.key, inner, src)
                ktext = to_str(kval.value) if isinstance(kval, Known) and not isinstance(kval.value, ResourceRef) else None
                if ktext is None:
                    return blocked(kval, "for expression key", src)
                vval = self.eval(expr.value, inner, src.child(ktext))
                if expr.group:
                    obj.setdefault(ktext, Known([], src)).value.append(vval)
                else:
                    obj[ktext] = vval
            else:
                items.append(self.eval(expr.value, inner, src.child(len(items))))
        return Known(obj if expr.is_object else items, src)

    # -- function calls
    def e_call(self, expr: Call, scope, src):
        name = expr.name
        if name in ("try", "can"):
            return self._try(expr, scope, src) if name == "try" else self._can(expr, scope, src)
        args = [self.eval(a, scope, src.child(i)) for i, a in enumerate(expr.args)]
        if expr.expand and args:
            last = args[-1]
            if isinstance(last, Known) and isinstance(last.value, list):
                args = args[:-1] + list(last.value)
            else:
                return blocked(last, f"{name}(...)", src)
        if name == "replace" and len(args) == 3:
            shaped = self._replace_shaped(args, src)
            if shaped is not None:
                return shaped
        impl = FUNCTIONS.get(name)
        if impl is None:
            for a in args:
                if isinstance(a, Invalid):
                    return Invalid(a.reason, src)
            return Unknown(f"{name}(...)", src, cause="unsupported")
        return self.lift(lambda vals: impl(vals, src), args, src)

    def _replace_shaped(self, args, src) -> Value | None:
        """``replace`` of a function's ``invoke_arn`` (or of a string made from it) keeps naming
        the function when the text replaced cannot touch what is known only at deploy time
        (shapes.py); None: the ordinary ``replace``."""
        from . import shapes

        old, new = (a.value if isinstance(a, Known) and isinstance(a.value, str) else None for a in args[1:])
        types, configured = getattr(self, "node_types", None), getattr(self, "configured", None)
        if old is None or new is None or types is None or configured is None:
            return None
        text = shapes.invoke_arn_shape(args[0], types, configured)
        if text is None and isinstance(args[0], Known) and isinstance(args[0].value, str) and "${" in args[0].value:
            text = args[0].value
        literals = shapes.literal_names(text, types, configured) if text is not None else None
        if literals is None:
            return None
        out = shapes.replace(text, old, new, literals)
        if out is None:
            return Unknown("replace(...) of a value known only after apply", src, cause="after-apply")
        if len(out) > MAX_STRING:
            return Unknown(f"replace: a result longer than the budget of {MAX_STRING:,} characters", src, cause="budget")
        return Known(out, src)

    def _try(self, expr, scope, src):
        last = None
        for i, a in enumerate(expr.args):
            value = self.eval(a, scope, src.child(i))
            if not isinstance(value, Invalid):
                return located(value, src)
            last = value
        return Invalid(last.reason if last else "try() without arguments", src)

    def _can(self, expr, scope, src):
        if not expr.args:
            return Invalid("can() without arguments", src)
        value = self.eval(expr.args[0], scope, src.child(0))
        if isinstance(value, Invalid):
            return Known(False, src)
        if isinstance(value, Unknown):
            return value.moved(src)
        return Known(True, src)

    def lift(self, fn, args: list, src) -> Value:
        """Apply ``fn`` to argument values, distributing over conditionals (Either)."""
        combinations = 1
        for a in args:
            if isinstance(a, Either):
                combinations *= _alternatives(a)
                if combinations > MAX_ALTERNATIVES:
                    return Unknown(f"{a.condition} (more than {MAX_ALTERNATIVES} alternatives: the budget)", src, cause="budget")
        for i, a in enumerate(args):
            if isinstance(a, Either):
                if len(a.options) > MAX_EITHER:
                    return Unknown(a.condition, src)
                options = _deployable(tuple(self.lift(fn, args[:i] + [opt] + args[i + 1:], src) for opt in a.options))
                if all(_same(options[0], o) for o in options[1:]):
                    return options[0]
                return Either(a.condition, options, src)
        return fn(args)

    def e_traversal(self, expr: Traversal, scope, src) -> Value:
        """A name and the steps after it; resolved against the module by the subclass."""
        raise NotImplementedError


def _alternatives(value: Value) -> int:
    """How many alternatives a value has (leaves of nested conditionals), counted only up to
    just past the budget."""
    if not isinstance(value, Either):
        return 1
    count, stack = 0, [value]
    while stack and count <= MAX_ALTERNATIVES:
        current = stack.pop()
        if isinstance(current, Either):
            stack.extend(current.options)
        else:
            count += 1
    return count + len(stack)


def _deployable(options: tuple) -> tuple:
    """The branches of a conditional that Terraform can plan: a branch Terraform would reject
    (``Invalid``: a null in a string template, a wrong type) fails the plan when it is taken, so
    no deployment has it; all of them when every branch is rejected."""
    valid = tuple(option for option in options if not isinstance(option, Invalid))
    return valid if valid else options


def _same(a: Value, b: Value) -> bool:
    """Whether two options are the same value, so a conditional between them does not matter."""
    if isinstance(a, Unknown) and isinstance(b, Unknown):
        return a.reason == b.reason and type(a) is type(b)
    if isinstance(a, Known) and isinstance(b, Known):
        if isinstance(a.value, ResourceRef) or isinstance(b.value, ResourceRef):
            return a.value == b.value
        try:
            return to_plain(a) == to_plain(b) and type(a.value) is type(b.value)
        except NotPlain:
            return False
    return False
