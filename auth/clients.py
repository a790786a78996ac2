"""Service clients: who may ask the token endpoint for a service token, and how they prove it.

A service running in a container of its own (the llm subgraph in ``compose.yaml``) cannot call
``mint_service_token`` in-process; it authenticates at ``POST /oauth/token`` with a client ID and
secret instead (``auth.oauth``). The clients are deployment configuration, read from the
environment:

| variable                              | meaning                                               |
|---------------------------------------|-------------------------------------------------------|
| AUTH_SERVICE_CLIENTS                  | client IDs, space- or comma-separated, e.g. ``llm``   |
| AUTH_SERVICE_CLIENT_<ID>_SECRET_HASH  | Argon2id hash(es) of that client's secret; ``<ID>``   |
|                                       | upper-cased, ``-`` as ``_``; several hashes separated |
|                                       | by spaces during a secret rotation                    |

Why the environment and not a table: service clients are few and known when the system is
deployed, their secrets belong in the orchestrator's secret store next to the database
passwords, and a table would need an administration API (and a way to create its first client)
that nothing else needs. The secret itself is never configured on the auth side, only its hash,
so the auth service's environment cannot leak it. A client ID is the service's name and becomes
the token's subject, so it must be a valid service name (``auth.issuing.check_service_name``).

``python -m auth.clients`` prints a fresh secret and its hash; ``--hash`` hashes a secret read
from standard input instead.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from auth.issuing import check_service_name
from auth.passwords import PasswordHasher

CLIENTS_VARIABLE = "AUTH_SERVICE_CLIENTS"
# Ours are 43 characters; a much longer one is not a secret we issued, and is not worth hashing.
MAX_SECRET_LENGTH = 256
_ARGON2_PREFIX = "$argon2id$"


def secret_hash_variable(client_id: str) -> str:
    return f"AUTH_SERVICE_CLIENT_{client_id.upper().replace('-', '_')}_SECRET_HASH"


@dataclass(frozen=True)
class ServiceClient:
    client_id: str
    secret_hashes: tuple[str, ...]  # any of them matches: old and new during a rotation


class ServiceClients:
    """The configured clients, and checking a presented secret against them."""

    def __init__(self, clients: tuple[ServiceClient, ...] = ()) -> None:
        self._by_id = {client.client_id: client for client in clients}

    def __bool__(self) -> bool:
        return bool(self._by_id)

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(self._by_id)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServiceClients:
        env = os.environ if environ is None else environ
        names = [name for name in re.split(r"[\s,]+", env.get(CLIENTS_VARIABLE, "")) if name]
        clients = []
        for name in names:
            try:
                client_id = check_service_name(name)
            except ValueError as exc:
                raise ValueError(f"{CLIENTS_VARIABLE}: {exc}") from None
            variable = secret_hash_variable(client_id)
            hashes = tuple(env.get(variable, "").split())
            if not hashes:
                raise ValueError(f"{variable} must hold the Argon2id hash of {client_id}'s secret")
            if not all(h.startswith(_ARGON2_PREFIX) for h in hashes):
                # A secret pasted here by mistake must not quietly become a stored secret.
                raise ValueError(
                    f"{variable} must hold Argon2id hashes ($argon2id$...), not a secret"
                )
            clients.append(ServiceClient(client_id, hashes))
        return cls(tuple(clients))

    async def authenticate(self, hasher: PasswordHasher, client_id: str, secret: str) -> bool:
        """True when ``secret`` is ``client_id``'s. Unknown clients cost as much as known ones.

        Argon2's own comparison runs in constant time; spending a decoy check on an unknown ID
        keeps the answer's timing from telling which client IDs exist.
        """
        if len(secret) > MAX_SECRET_LENGTH:
            return False
        client = self._by_id.get(client_id)
        if client is None:
            await hasher.waste_a_check(secret)
            return False
        for stored in client.secret_hashes:
            if await hasher.matches(stored, secret):
                return True
        return False


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def main() -> None:
    parser = argparse.ArgumentParser(description="Make a service client's secret and its hash.")
    parser.add_argument(
        "--hash", action="store_true", help="hash the secret on standard input instead"
    )
    args = parser.parse_args()
    hasher = PasswordHasher()
    if args.hash:
        print(hasher.hash_now(sys.stdin.readline().rstrip("\n")))
        return
    secret = new_secret()
    print(f"secret (give it to the service): {secret}")
    print(f"hash (give it to the auth service): {hasher.hash_now(secret)}")


if __name__ == "__main__":
    main()
