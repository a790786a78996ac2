"""A tiny, safe expression language for the fake subgraphs' computed fields.

A case's fixture may say ``Product.shippingEstimate: "weight * 2"``: when the fake subgraph
resolves that field it evaluates the expression with the parent object's fields and the field's
arguments as names. Only plain data operations are allowed (arithmetic, comparisons, ``and``/
``or``, ``x if c else y``, indexing and slicing, list/dict literals) plus the helper functions a
case passes in (``lookup``, ``error``, ``record`` ...). Anything else is rejected with a message
naming the expression, so a typo in a fixture fails loudly instead of running arbitrary code.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from typing import Any

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
}
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b, ast.Is: operator.is_, ast.IsNot: operator.is_not,
}
_BUILTINS: dict[str, Callable[..., Any]] = {
    "len": len, "str": str, "int": int, "round": round, "min": min, "max": max, "sum": sum,
    "sorted": sorted, "upper": str.upper, "lower": str.lower,
    "get": lambda mapping, key, default=None: (mapping or {}).get(key, default),
}


class ExpressionError(ValueError):
    """A fixture expression that is malformed or uses something outside the language."""


def evaluate(source: str, names: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]]
             ) -> Any:
    """Evaluate ``source`` with ``names`` as variables and ``functions`` (and builtins)."""
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"cannot parse expression {source!r}: {exc.msg}") from None
    return _Evaluator(source, names, {**_BUILTINS, **functions}).visit(tree.body)


class _Evaluator:
    def __init__(self, source: str, names: Mapping[str, Any],
                 functions: Mapping[str, Callable[..., Any]]) -> None:
        self.source, self.names, self.functions = source, names, functions

    def fail(self, what: str) -> ExpressionError:
        return ExpressionError(f"expression {self.source!r}: {what}")

    def visit(self, node: ast.expr) -> Any:
        handler = getattr(self, f"visit_{type(node).__name__}", None)
        if handler is None:
            raise self.fail(f"{type(node).__name__} is not allowed")
        return handler(node)

    def visit_Constant(self, node: ast.Constant) -> Any:
        return node.value

    def visit_Name(self, node: ast.Name) -> Any:
        if node.id in self.names:
            return self.names[node.id]
        if node.id in {"None", "True", "False"}:
            return {"None": None, "True": True, "False": False}[node.id]
        raise self.fail(f"unknown name {node.id!r} (known: {sorted(self.names)})")

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        function = _BINARY.get(type(node.op))
        if function is None:
            raise self.fail(f"operator {type(node.op).__name__} is not allowed")
        return function(self.visit(node.left), self.visit(node.right))

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Any:
        value = self.visit(node.operand)
        if isinstance(node.op, ast.USub):
            return -value
        if isinstance(node.op, ast.Not):
            return not value
        raise self.fail(f"operator {type(node.op).__name__} is not allowed")

    def visit_BoolOp(self, node: ast.BoolOp) -> Any:
        result: Any = None
        for value_node in node.values:
            result = self.visit(value_node)
            if isinstance(node.op, ast.And) and not result:
                return result
            if isinstance(node.op, ast.Or) and result:
                return result
        return result

    def visit_Compare(self, node: ast.Compare) -> Any:
        left = self.visit(node.left)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = self.visit(right_node)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True

    def visit_IfExp(self, node: ast.IfExp) -> Any:
        return self.visit(node.body) if self.visit(node.test) else self.visit(node.orelse)

    def visit_Subscript(self, node: ast.Subscript) -> Any:
        container = self.visit(node.value)
        if isinstance(node.slice, ast.Slice):
            parts = [None if part is None else self.visit(part)
                     for part in (node.slice.lower, node.slice.upper, node.slice.step)]
            return container[slice(*parts)]
        return container[self.visit(node.slice)]

    def visit_List(self, node: ast.List) -> Any:
        return [self.visit(element) for element in node.elts]

    def visit_Tuple(self, node: ast.Tuple) -> Any:
        return [self.visit(element) for element in node.elts]

    def visit_Dict(self, node: ast.Dict) -> Any:
        result: dict[Any, Any] = {}
        for key, value in zip(node.keys, node.values, strict=True):
            if key is None:
                result.update(self.visit(value))
            else:
                result[self.visit(key)] = self.visit(value)
        return result

    def visit_ListComp(self, node: ast.ListComp) -> Any:
        if len(node.generators) != 1 or not isinstance(node.generators[0].target, ast.Name):
            raise self.fail("only `[expr for name in items if cond]` comprehensions are allowed")
        generator = node.generators[0]
        assert isinstance(generator.target, ast.Name)
        results = []
        for item in self.visit(generator.iter):
            inner = _Evaluator(self.source, {**self.names, generator.target.id: item},
                               self.functions)
            if all(inner.visit(condition) for condition in generator.ifs):
                results.append(inner.visit(node.elt))
        return results

    def visit_Call(self, node: ast.Call) -> Any:
        if not isinstance(node.func, ast.Name) or node.func.id not in self.functions:
            raise self.fail(f"only these functions may be called: {sorted(self.functions)}")
        args = [self.visit(argument) for argument in node.args]
        kwargs = {keyword.arg: self.visit(keyword.value) for keyword in node.keywords
                  if keyword.arg is not None}
        return self.functions[node.func.id](*args, **kwargs)
