"""A subscription's plan, split into what runs once and what runs for every event.

The planner plans a subscription like a query whose root fetch is a ``subscription`` operation
to the owning subgraph: ``Fetch`` alone, or ``Sequence { Fetch, ...entity fetches }``. Here that
plan is cut in two: the *primary* fetch, sent once over graphql-transport-ws, and the *rest*, the
entity fetches that add fields owned by other subgraphs, run against each event's data.
"""

from __future__ import annotations

from dataclasses import dataclass

from router.plan import FetchNode, PlanNode, QueryPlan, SequenceNode


class NotASubscriptionPlan(Exception):
    """The plan does not start with a subscription fetch (a planner bug, not a client error)."""


@dataclass(frozen=True)
class SubscriptionPlan:
    primary: FetchNode
    rest: PlanNode | None

    @classmethod
    def split(cls, plan: QueryPlan) -> SubscriptionPlan:
        node = plan.node
        rest: PlanNode | None = None
        if isinstance(node, SequenceNode) and node.nodes:
            first, after = node.nodes[0], node.nodes[1:]
            rest = after[0] if len(after) == 1 else SequenceNode(after) if after else None
            node = first
        if not isinstance(node, FetchNode) or node.operation_kind != "subscription":
            raise NotASubscriptionPlan("a subscription plan must start with a subscription fetch")
        return cls(primary=node, rest=rest)
