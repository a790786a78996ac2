"""GraphQL subscriptions through the router: WebSocket and SSE in, graphql-transport-ws out.

How one subscription flows (module by module):

* transport - ``websocket.py`` (graphql-transport-ws server) and ``sse.py`` (GraphQL over SSE,
  distinct connections mode);
* service - ``service.py``: token check, prepare through the gateway (validation, plan, cache),
  attach the transport's subscriber to a stream;
* plan - ``plan.py``: the plan's primary ``subscription`` fetch vs. the entity fetches that run
  for every event;
* stream - ``streams.py``: one upstream per distinct (operation, variables, viewer), fanned out;
* upstream - ``upstream.py``: graphql-transport-ws client of the owning subgraph;
* delivery - ``outbox.py``: each client's bounded queue; overflow disconnects that client only.

Every event is completed by ``Executor.execute_event`` (entity fetches for fields other subgraphs
own, then shaping by the client's own operation) once per stream, not once per subscriber.
"""

from router.subscriptions.protocol import CloseCode
from router.subscriptions.service import Subscriptions, SubscriptionSettings
from router.subscriptions.sse import event_stream_response, wants_event_stream
from router.subscriptions.websocket import GraphQLWebSocket

__all__ = [
    "CloseCode",
    "GraphQLWebSocket",
    "SubscriptionSettings",
    "Subscriptions",
    "event_stream_response",
    "wants_event_stream",
]
