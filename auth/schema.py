"""GraphQL face of the auth service. Resolvers stay thin: parse, authorize, call a use case."""

from __future__ import annotations

from datetime import datetime

import strawberry

from auth import services
from auth.models import UserRow
from auth.repository import UserRepository
from auth.services import AuthTools, SignedIn
from subgraphs.kit.context import ContextInfo, require_viewer
from subgraphs.kit.errors import UserError
from subgraphs.kit.federation import subgraph_schema
from subgraphs.kit.loaders import entity_loader, load_entity
from subgraphs.kit.outcomes import attempt, parse_id_or_error


def _tools(info: ContextInfo) -> AuthTools:
    tools: AuthTools = info.context.runtime.ports["auth"]
    return tools


@strawberry.federation.type(keys=["id"], description="A person with an account.")
class User:
    id: strawberry.ID = strawberry.field(description="The user's ID.")
    display_name: str = strawberry.field(description="The name other players see.")
    created_at: datetime = strawberry.field(description="When the account was created.")
    email_address: strawberry.Private[str]
    # True in the payload of register/login/refresh: the caller just proved to be this user,
    # though the request itself carried no token.
    shown_to_owner: strawberry.Private[bool] = False

    @strawberry.field(
        description="The sign-in email address. Only its owner can read it; null for anyone else."
    )
    def email(self, info: ContextInfo) -> str | None:
        viewer = info.context.viewer
        is_owner = viewer is not None and not viewer.is_service and viewer.subject == str(self.id)
        return self.email_address if is_owner or self.shown_to_owner else None

    @classmethod
    def from_row(cls, row: UserRow, *, shown_to_owner: bool = False) -> User:
        return cls(
            id=strawberry.ID(str(row.id)),
            display_name=row.display_name,
            created_at=row.created_at,
            email_address=row.email,
            shown_to_owner=shown_to_owner,
        )

    @classmethod
    async def resolve_reference(cls, info: ContextInfo, id: strawberry.ID) -> User | None:
        # Other subgraphs point at users (a character's owner, a campaign's members) only where
        # they have already decided the viewer may see the thing pointing (a public character
        # can be read signed out), so the display name is public here. The email stays private.
        row = await load_entity(info.context, UserRepository, id)
        return None if row is None else cls.from_row(row)


@strawberry.input(description="A new account.")
class RegisterInput:
    email: str = strawberry.field(description="The address you sign in with; nobody else sees it.")
    password: str = strawberry.field(
        description="At least 10 characters; a few unrelated words make a good one."
    )
    display_name: str = strawberry.field(
        description="The name other players see, 1 to 60 characters."
    )


@strawberry.input(description="Email and password of an existing account.")
class LoginInput:
    email: str = strawberry.field(description="The account's email address.")
    password: str = strawberry.field(description="The account's password.")


@strawberry.input(description="A refresh token from an earlier sign-in, register or refresh.")
class RefreshTokenInput:
    refresh_token: str = strawberry.field(description="The refresh token; each works only once.")


@strawberry.type(description="The result of signing up, signing in or refreshing.")
class AuthPayload:
    access_token: str | None = strawberry.field(
        description="Send as `Authorization: Bearer <token>`; valid for `expiresIn` seconds."
    )
    refresh_token: str | None = strawberry.field(
        description="Trade it in with `refresh` for a new pair before the session ends. Each "
        "refresh token works once; keep it secret."
    )
    expires_in: int | None = strawberry.field(description="Seconds until `accessToken` expires.")
    user: User | None = strawberry.field(description="Who is signed in.")
    user_errors: list[UserError] = strawberry.field(description="Why it did not work.")


@strawberry.type(description="The result of signing out.")
class LogoutPayload:
    signed_out: bool = strawberry.field(description="Whether the session is now signed out.")
    user_errors: list[UserError] = strawberry.field(description="Why it did not work.")


def _auth_payload(done: SignedIn | None, errors: list[UserError]) -> AuthPayload:
    if done is None:
        return AuthPayload(
            access_token=None, refresh_token=None, expires_in=None, user=None, user_errors=errors
        )
    return AuthPayload(
        access_token=done.access.token,
        refresh_token=done.refresh_token,
        expires_in=done.access.expires_in,
        user=User.from_row(done.user, shown_to_owner=True),
        user_errors=errors,
    )


@strawberry.type
class Query:
    @strawberry.field(description="The signed-in user; UNAUTHENTICATED without a valid token.")
    async def me(self, info: ContextInfo) -> User | None:
        viewer = require_viewer(info)
        async with info.context.runtime.sessions() as session:
            row = await UserRepository(session).get(viewer.user_id)
        return None if row is None else User.from_row(row)

    @strawberry.field(description="A user by ID (name only); null when there is none.")
    async def user(self, info: ContextInfo, id: strawberry.ID) -> User | None:
        require_viewer(info)
        key = parse_id_or_error(id, "id")
        row = await entity_loader(info.context, UserRepository).load(key)
        return None if row is None else User.from_row(row)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Create an account and sign in to it.")
    async def register(self, info: ContextInfo, input: RegisterInput) -> AuthPayload:
        new = services.NewAccount(input.email, input.password, input.display_name)
        runtime = info.context.runtime
        return _auth_payload(*await attempt(services.register(runtime.uow(), _tools(info), new)))

    @strawberry.mutation(description="Sign in with email and password.")
    async def login(self, info: ContextInfo, input: LoginInput) -> AuthPayload:
        work = services.login(info.context.runtime.uow(), _tools(info), input.email, input.password)
        return _auth_payload(*await attempt(work))

    @strawberry.mutation(
        description="Trade a refresh token for a new access token and a new refresh token."
    )
    async def refresh(self, info: ContextInfo, input: RefreshTokenInput) -> AuthPayload:
        work = services.refresh(info.context.runtime.uow(), _tools(info), input.refresh_token)
        return _auth_payload(*await attempt(work))

    @strawberry.mutation(
        description="Sign out: the refresh token and every token of the same sign-in stop working."
    )
    async def logout(self, info: ContextInfo, input: RefreshTokenInput) -> LogoutPayload:
        _, errors = await attempt(
            services.logout(info.context.runtime.uow(), _tools(info), input.refresh_token)
        )
        return LogoutPayload(signed_out=not errors, user_errors=errors)


schema = subgraph_schema(query=Query, mutation=Mutation, types=[User])
