"""String templates of Terraform expressions (``"arn:${var.x}"``, ``%{if}``/``%{for}``
directives): a mixin of :class:`expressions.ExpressionEvaluator`, which provides ``eval`` and
``lift``.  A part known only at deploy time keeps the rest of the string known (see
:meth:`TemplateEvaluator._join_pieces`)."""
from __future__ import annotations

from ...load.hcl import Template, TemplateFor, TemplateIf
from ...partial_strings import unknown_token
from ...values import Known, Unknown, Value
from .tfvalues import Invalid, located, to_bool, to_str


class TemplateEvaluator:
    def e_template(self, expr: Template, scope, src):
        parts = expr.parts
        if len(parts) == 1 and not isinstance(parts[0], (str, TemplateIf, TemplateFor)):
            return located(self.eval(parts[0], scope, src), src)  # "${x}" is x itself
        pieces: list = []
        for part in parts:
            if isinstance(part, str):
                pieces.append(Known(part, src))
            else:
                pieces.append(self.template_part(part, scope, src))
        return self.lift(lambda vals: self._join_pieces(vals, src), pieces, src)

    def template_part(self, part, scope, src) -> Value:
        if isinstance(part, TemplateIf):
            cond = self.eval(part.cond, scope, src)
            flag = to_bool(cond.value) if isinstance(cond, Known) else None
            if flag is None:
                return cond if isinstance(cond, Unknown) else Unknown("template %{if} condition", src)
            return self._sub_template(part.then if flag else part.else_, scope, src)
        if isinstance(part, TemplateFor):
            coll = self.eval(part.coll, scope, src)
            if not isinstance(coll, Known) or not isinstance(coll.value, (list, dict)):
                return coll if isinstance(coll, Unknown) else Unknown("template %{for} collection", src)
            raw = coll.value
            pairs = list(raw.items()) if isinstance(raw, dict) else list(enumerate(raw))
            out = []
            for key, value in pairs:
                bindings = dict(scope.bindings)
                bindings[part.val_var] = value
                if part.key_var:
                    bindings[part.key_var] = Known(key, src)
                piece = self._sub_template(part.parts, type(scope)(scope.module, bindings), src)
                if not isinstance(piece, Known):
                    return piece
                out.append(piece.value)
            return Known("".join(out), src)
        return self.eval(part, scope, src)

    def _sub_template(self, parts, scope, src):
        if not parts:
            return Known("", src)
        return self.e_template(Template(None, list(parts) + [""]), scope, src)

    @staticmethod
    def _join_pieces(vals, src):
        """A string template's parts joined.  A part known only at deploy time keeps the rest
        known: the result is an Unknown whose ``partial`` is the literal text with a ``${?...}``
        placeholder for that part (``"arn:aws:sqs:${?var.region}:123456789012:jobs"`` still
        names an SQS queue), as CloudFormation's Fn::Sub does (partial_strings.py)."""
        out, blocked = [], None
        for v in vals:
            if isinstance(v, Invalid):  # Terraform rejects the template: try() falls back
                return Invalid(v.reason, src)
            if isinstance(v, Unknown):
                blocked = blocked or v
                out.append(v.partial if v.partial is not None else unknown_token(v.reason.split(" (", 1)[0]))
                continue
            if not isinstance(v, Known):
                return Unknown("template part not set", src)
            text = to_str(v.value)
            if text is None:
                if v.value is None:
                    return Invalid("null value in a string template", src)
                return Invalid("a list or map in a string template", src)
            out.append(text)
        if blocked is not None:
            if len(vals) == 1:
                return blocked if blocked.source is src else blocked.moved(src)
            return Unknown(blocked.reason, src, blocked.import_name, blocked.cause, partial="".join(out))
        return Known("".join(out), src)

    def e_template_directive(self, expr, scope, src):
        return self._sub_template([expr], scope, src)
