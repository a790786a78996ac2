"""Settings of the auth service, read from the environment with safe production defaults.

| variable                          | default  | meaning                                         |
|-----------------------------------|----------|-------------------------------------------------|
| AUTH_ACCESS_TOKEN_MINUTES         | 15       | lifetime of an access token                     |
| AUTH_REFRESH_TOKEN_DAYS           | 30       | a refresh token expires after this much idleness|
| AUTH_SERVICE_TOKEN_MINUTES        | 5        | lifetime of a service token                     |
| AUTH_KEY_ROTATION_DAYS            | 30       | a new signing key takes over after this long    |
| AUTH_KEY_PUBLISH_AHEAD_HOURS      | 24       | a new key is in the JWKS this long before use   |
| AUTH_USER_SCOPES                  | user     | space-separated scopes every user token carries |
| AUTH_ARGON2_TIME_COST             | 3        | Argon2id passes                                 |
| AUTH_ARGON2_MEMORY_KIB            | 65536    | Argon2id memory per hash (64 MiB)               |
| AUTH_ARGON2_PARALLELISM           | 4        | Argon2id lanes                                  |
| AUTH_SERVICE_CLIENTS              | (none)   | client IDs allowed at ``POST /oauth/token``;    |
|                                   |          | their secret hashes: see ``auth.clients``       |

The Argon2id defaults follow RFC 9106's second recommended option. Tests lower them (the hashes
stay Argon2id, only cheaper); changing them in production is safe, because every successful login
re-hashes a password stored with other parameters.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta

from auth.clients import ServiceClients
from auth.passwords import HashingCost


def _int(name: str, default: int, minimum: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return value


@dataclass(frozen=True)
class AuthConfig:
    access_token_lifetime: timedelta = timedelta(minutes=15)
    refresh_token_lifetime: timedelta = timedelta(days=30)
    service_token_lifetime: timedelta = timedelta(minutes=5)
    key_rotation: timedelta = timedelta(days=30)
    key_publish_ahead: timedelta = timedelta(hours=24)
    user_scopes: tuple[str, ...] = ("user",)
    password_cost: HashingCost = field(default_factory=HashingCost)
    service_clients: ServiceClients = field(default_factory=ServiceClients)

    @classmethod
    def from_env(cls) -> AuthConfig:
        scopes = tuple(os.environ.get("AUTH_USER_SCOPES", "user").split())
        return cls(
            access_token_lifetime=timedelta(minutes=_int("AUTH_ACCESS_TOKEN_MINUTES", 15, 1)),
            refresh_token_lifetime=timedelta(days=_int("AUTH_REFRESH_TOKEN_DAYS", 30, 1)),
            service_token_lifetime=timedelta(minutes=_int("AUTH_SERVICE_TOKEN_MINUTES", 5, 1)),
            key_rotation=timedelta(days=_int("AUTH_KEY_ROTATION_DAYS", 30, 1)),
            key_publish_ahead=timedelta(hours=_int("AUTH_KEY_PUBLISH_AHEAD_HOURS", 24, 0)),
            user_scopes=scopes,
            password_cost=HashingCost(
                time_cost=_int("AUTH_ARGON2_TIME_COST", 3, 1),
                memory_kib=_int("AUTH_ARGON2_MEMORY_KIB", 65536, 8),
                parallelism=_int("AUTH_ARGON2_PARALLELISM", 4, 1),
            ),
            service_clients=ServiceClients.from_env(),
        )

    @property
    def longest_token_lifetime(self) -> timedelta:
        """How long a token signed just before a key retires can still be presented."""
        return max(self.access_token_lifetime, self.service_token_lifetime)
