"""v2 auth as etcd 3.5 serves it with --enable-v2 (v2auth and v2http/client_auth.go).

etcd keeps its users, roles and auth switch as records under /2 in the v2 store, apart from the
client's keys: each read of them is a store get (a quorum read also a raft entry), each write a raft
entry, a store count and, when it applies, an index. The first user or role write first creates
/2, /2/users, /2/roles and /2/enabled. Passwords are kept as given and compared as bcrypt compares
them; they are never shown.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, Union, cast

from . import errors
from .answers import CORS, JSON, error_answer, go_json, message, method_not_allowed, not_found
from .cluster import Cluster
from .errors import EtcdError
from .http import BAD_ESCAPE, Answer, Request
from .store import clean

ROOT = "root"
GUEST = "guest"
_ITEM_METHODS = ("GET", "PUT", "DELETE")
_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")
_SURROGATE = re.compile("[\ud800-\udfff]")
_GO_VERB = re.compile(r"%[-+# 0]*\d*(?:\.\d*)?(.?)", re.DOTALL)
_INTERNAL = "Internal Server Error"

Json = dict[str, Any]


class _AuthError(Exception):
    """An error etcd's auth handlers answer as `{"message": ...}`, without a newline."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status = status
        self.text = text


def _panic() -> ConnectionAbortedError:
    """Where etcd's handler panics (a nil record value, an empty pattern): Go drops the connection."""
    return ConnectionAbortedError("etcd's v2 auth handler panics here")


def _go_format(text: str) -> str:
    """Go's Sprintf of `text` with no arguments: etcd formats two of its messages a second time."""
    return _GO_VERB.sub(lambda m: "%" if m[1] == "%" else f"%!{m[1]}(MISSING)" if m[1] else "%!(NOVERB)", text)


def _bcrypt_key(password: bytes) -> bytes:
    """What bcrypt hashes of a password: its bytes and a NUL, repeated, cut at 72 bytes."""
    key = password + b"\0"
    return (key * (72 // len(key) + 1))[:72]


@dataclass
class Permissions:
    """A role's key patterns (`{"kv": {"read": [...], "write": [...]}}`); None is Go's nil, shown as null."""

    read: list[str] | None = None
    write: list[str] | None = None

    def is_empty(self) -> bool:
        return not self.read and not self.write

    def to_json(self) -> Json:
        return {"kv": {"read": self.read, "write": self.write}}

    def granted(self, more: Permissions) -> Permissions:
        """Both lists as sorted sets with `more` added; a pattern already there is a conflict."""
        out: list[list[str]] = []
        for kind, have, add in (("read", self.read, more.read), ("write", self.write, more.write)):
            patterns = set(have or [])
            for pattern in add or []:
                if pattern in patterns:
                    raise _AuthError(409, f"auth: Granting duplicate {kind} permission {pattern}")
                patterns.add(pattern)
            out.append(sorted(patterns))
        return Permissions(*out)

    def revoked(self, less: Permissions) -> Permissions:
        """Both lists as sorted sets without `less`; a pattern that is not there is skipped."""
        return Permissions(sorted(set(self.read or []) - set(less.read or [])),
                           sorted(set(self.write or []) - set(less.write or [])))  # fmt: skip

    def allows(self, key: str, write: bool, recursive: bool) -> bool:
        """A pattern ending in "*" matches keys it prefixes, any other only itself; a recursive
        request needs a "*" pattern."""
        for pattern in (self.write if write else self.read) or []:
            if not pattern:
                raise _panic()
            if pattern.endswith("*"):
                if key.startswith(pattern[:-1]):
                    return True
            elif not recursive and key == pattern:
                return True
        return False


@dataclass
class Role:
    """A role as etcd stores it; `grant` and `revoke` stay in it when a create sent them empty."""

    name: str
    permissions: Permissions = field(default_factory=Permissions)
    grant: Permissions | None = None
    revoke: Permissions | None = None

    def to_json(self) -> Json:
        out: Json = {"role": self.name, "permissions": self.permissions.to_json()}
        if self.grant is not None:
            out["grant"] = self.grant.to_json()
        if self.revoke is not None:
            out["revoke"] = self.revoke.to_json()
        return out

    def allows(self, key: str, write: bool, recursive: bool) -> bool:
        return self.name == ROOT or self.permissions.allows(key, write, recursive)

    def merged(self, change: Role) -> Role:
        """etcd's Role.merge: the grants added, then the revokes taken away."""
        permissions = self.permissions if change.grant is None else self.permissions.granted(change.grant)
        if change.revoke is not None:
            permissions = permissions.revoked(change.revoke)
        return Role(self.name, permissions)


ROOT_ROLE = Role(ROOT, Permissions(["/*"], ["/*"]))


@dataclass
class User:
    """A user as etcd stores it, roles in the order given (None: JSON null)."""

    name: str
    password: str
    roles: list[str] | None

    def to_json(self) -> Json:
        return {"user": self.name, "roles": self.roles}

    def merged(self, change: Json) -> User:
        """etcd's User.merge: a new password if one is given, roles granted then revoked, sorted."""
        roles = set(self.roles or [])
        grants: list[str] = change.get("grant") or []
        revokes: list[str] = change.get("revoke") or []
        for granted in grants:
            if granted in roles:
                raise _AuthError(409, _go_format(f"auth: Granting duplicate role {granted} for user {self.name}"))
            roles.add(granted)
        for revoked in revokes:
            if revoked not in roles:
                raise _AuthError(409, _go_format(f"auth: Revoking ungranted role {revoked} for user {self.name}"))
            roles.remove(revoked)
        return User(self.name, change.get("password") or self.password, sorted(roles))


# Request bodies, read as Go's json.Decoder reads them into etcd's structs.

Field = Callable[[Any, Any], Any]


class _Object(list[tuple[str, Any]]):
    """A JSON object's members in order, repeated keys kept: Go assigns each in turn."""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"invalid JSON value {name}")


_DECODER = json.JSONDecoder(object_pairs_hook=_Object, parse_constant=_reject_constant)


def _string(value: Any, current: Any) -> Any:
    if value is None:
        return current
    if not isinstance(value, str):
        raise ValueError("not a string")
    return _SURROGATE.sub("\ufffd", value)


def _strings(value: Any, current: Any) -> Any:
    if value is None:
        return None
    if not isinstance(value, list):
        raise ValueError("not an array")
    return [_string(item, "") for item in cast("list[object]", value)]


def _struct(schema: dict[str, Field], pointer: bool = False) -> Field:
    """A struct field: JSON keys match its names exactly or else case-insensitively, others are
    ignored; null leaves a struct as it is and sets a pointer to nil."""

    def decode(value: Any, current: Any) -> Any:
        if value is None:
            return None if pointer else current
        if not isinstance(value, _Object):
            raise ValueError("not an object")
        target = dict(current or {})
        for key, item in value:
            name = key if key in schema else key.lower().replace("\u017f", "s")
            if name in schema:
                target[name] = schema[name](item, target.get(name))
        return target

    return decode


_KV = {"kv": _struct({"read": _strings, "write": _strings})}
_USER_BODY = _struct({"user": _string, "password": _string, "roles": _strings, "grant": _strings, "revoke": _strings})
_ROLE_BODY = _struct({
    "role": _string,
    "permissions": _struct(_KV),
    "grant": _struct(_KV, pointer=True),
    "revoke": _struct(_KV, pointer=True),
})  # fmt: skip


def _decode(body: bytes, struct: Field) -> Json:
    """The first JSON value of a body into a struct; anything else is etcd's 400."""
    text = body.decode("utf-8", "surrogateescape").lstrip(" \t\r\n")
    try:
        value, _ = _DECODER.raw_decode(text)
        fields: Json = struct(value, {})
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than Python's decoder goes
        raise _AuthError(400, "Invalid JSON in request body.") from None
    return fields


def _permissions(fields: Json | None) -> Permissions:
    kv: Json = (fields or {}).get("kv") or {}
    return Permissions(kv.get("read"), kv.get("write"))


def _role_from(fields: Json) -> Role:
    grant, revoke = fields.get("grant"), fields.get("revoke")
    return Role(
        fields.get("role", ""),
        _permissions(fields.get("permissions")),
        None if grant is None else _permissions(grant),
        None if revoke is None else _permissions(revoke),
    )


Record = Union[User, Role, bool, list[str]]


class Auth:
    """etcd's v2 auth store and its HTTP handlers, for every member of one cluster."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self._ensured = False  # /2 and the records below it exist
        self._enabled = False
        self._users: dict[str, User] = {}
        self._roles: dict[str, Role] = {}

    # etcd's records under /2.

    def _find(self, path: str) -> Record:
        """The record at a cleaned store path; a directory is the names it lists (not those with "_").
        Paths that leave /2 (etcd's member records, the client's keys) are taken as missing."""
        names = path.split("/")[1:] if path != "/" else []
        index = self.cluster.store.index
        if not names:
            return []
        if names[0] != "2" or not self._ensured:
            raise EtcdError(errors.KEY_NOT_FOUND, path, index)
        if len(names) == 1:
            return []
        record: Record
        if names[1] == "enabled":
            record, depth = self._enabled, 2
        elif names[1] in ("users", "roles"):
            table: dict[str, Any] = self._users if names[1] == "users" else self._roles
            if len(names) == 2:
                return sorted(name for name in table if not name.startswith("_"))
            if names[2] not in table:
                raise EtcdError(errors.KEY_NOT_FOUND, path, index)
            record, depth = table[names[2]], 3
        else:
            raise EtcdError(errors.KEY_NOT_FOUND, path, index)
        if len(names) > depth:
            raise EtcdError(errors.NOT_DIR, "/" + "/".join(names[:depth]), index)
        return record

    def _get(self, path: str, quorum: bool) -> Record:
        """etcd's read of one of its records: a store get, through raft when quorum."""
        if quorum:
            self.cluster.propose()
        try:
            record = self._find(path)
        except EtcdError:
            self.cluster.store.count_get(False)
            raise
        self.cluster.store.count_get(True)
        return record

    def _write(self, action: str, applies: bool) -> None:
        """One write etcd makes to its records: a raft entry, a store count, an index when it applies."""
        store = self.cluster.store
        self.cluster.propose()
        store.count(action + ("Success" if applies else "Fail"))
        if applies:
            store.record_internal()

    def _change(self, action: str, applies: bool) -> None:
        """A user, role or switch write, after the creation of /2 that the first one makes."""
        if not self._ensured:
            for _ in range(4):
                self._write("create", True)
            self._ensured = True
        self._write(action, applies)

    def _auth_enabled(self) -> bool:
        """etcd's detectAuth, a read of /2/enabled made for every keys request and most auth requests."""
        self.cluster.store.count_get(self._ensured)
        return self._enabled

    def _get_user(self, name: str, quorum: bool) -> User:
        """etcd's getUser; the root user always has the root role."""
        try:
            record = self._get(clean(f"/2/users/{name}"), quorum)
        except EtcdError as error:
            if error.code == errors.KEY_NOT_FOUND:
                raise _AuthError(404, f"auth: User {name} does not exist.") from None
            raise
        if isinstance(record, list):
            raise _panic()
        if not isinstance(record, User):
            raise _AuthError(500, _INTERNAL)
        if record.name == ROOT and ROOT not in (record.roles or []):
            return replace(record, roles=[*(record.roles or []), ROOT])
        return record

    def _get_role(self, name: str, quorum: bool) -> Role:
        """etcd's getRole: root is built in; a user's record read as a role is an empty one."""
        if name == ROOT:
            return ROOT_ROLE
        try:
            record = self._get(clean(f"/2/roles/{name}"), quorum)
        except EtcdError as error:
            if error.code == errors.KEY_NOT_FOUND:
                raise _AuthError(404, f"auth: Role {name} does not exist.") from None
            raise
        if isinstance(record, list):
            raise _panic()
        if isinstance(record, User):
            return Role("")
        if not isinstance(record, Role):
            raise _AuthError(500, _INTERNAL)
        return record

    def _names(self, kind: str) -> list[str]:
        """etcd's AllUsers / AllRoles: the listed names, sorted; the roles with root among them."""
        listing: Record
        try:
            listing = self._get(f"/2/{kind}", False)
        except EtcdError as error:
            if error.code != errors.KEY_NOT_FOUND:
                raise
            listing = []
        assert isinstance(listing, list)
        return sorted([ROOT, *listing]) if kind == "roles" else listing

    # Who is asking.

    def _basic_user(self, request: Request) -> User | None:
        """The user named by the request's Basic credentials (as Go's BasicAuth reads them) whose
        password they match."""
        header = request.headers.get("authorization", "")
        encoded = header[6:]
        if header[:6].lower() != "basic " or not _BASE64.fullmatch(encoded):
            return None
        name, colon, password = base64.b64decode(encoded).partition(b":")
        if not colon:
            return None
        try:
            user = self._get_user(name.decode("utf-8", "surrogateescape"), False)
        except (_AuthError, EtcdError):
            return None
        return user if _bcrypt_key(password) == _bcrypt_key(user.password.encode()) else None

    def _is_root(self, request: Request) -> bool:
        """etcd's hasRootAccess: anyone while auth is off, then only a user with the root role."""
        if not self._auth_enabled():
            return True
        user = self._basic_user(request)
        return user is not None and ROOT in (user.roles or [])

    def _role_allows(self, name: str, key: str, write: bool, recursive: bool) -> bool:
        """Whether the role lets the request at the key; a role that cannot be read does not."""
        try:
            role = self._get_role(name, False)
        except (_AuthError, EtcdError):
            return False
        return role.allows(key, write, recursive)

    def may_access(self, request: Request, recursive: bool, write: bool) -> bool:
        """etcd's hasKeyPrefixAccess. `write` is any method but GET and HEAD. etcd checks the URL path
        after /v2/keys as sent ("" for /v2/keys, a trailing "/" kept), not the cleaned key. Without
        an Authorization header the guest role decides (recursive or not); with one, a role of the
        user it names, if its password is right."""
        with self.cluster.store.lock:
            if not self._auth_enabled():
                return True
            checked = request.path[len("/v2/keys") :]
            if not request.headers.get("authorization"):
                return self._role_allows(GUEST, checked, write, False)
            user = self._basic_user(request)
            return user is not None and any(self._role_allows(name, checked, write, recursive) for name in user.roles or [])

    # The handlers.

    def handle(self, request: Request) -> Answer:
        """/v2/auth/enable, /v2/auth/users[/<name>] and /v2/auth/roles[/<name>]; other paths are 404s,
        and deeper ones below users/ and roles/ are 400s."""
        path = request.path
        with self.cluster.store.lock:
            if path == "/v2/auth/enable":
                return self._serve(request, _ITEM_METHODS, partial(self._serve_enable, request), reads_open=True)
            for kind in ("users", "roles"):
                base = f"/v2/auth/{kind}"
                if path != base and not path.startswith(base + "/"):
                    continue
                pieces = clean(path[len("/v2/auth") :]).split("/")
                if len(pieces) == 2:
                    return self._serve(request, ("GET",), partial(self._serve_list, request, kind))
                if len(pieces) != 3:
                    return message(400, "Invalid path")
                serve = self._serve_user if kind == "users" else self._serve_role
                return self._serve(request, _ITEM_METHODS, partial(serve, request, pieces[2]))
            return not_found()

    def _serve(
        self, request: Request, methods: tuple[str, ...], run: Callable[[], tuple[int, Any]], reads_open: bool = False
    ) -> Answer:
        """Method check, then root check (401 without the cluster ID), then the handler's answer:
        JSON and a newline, or an empty body for None."""
        if request.method not in methods:
            return method_not_allowed(",".join(methods))
        if not (reads_open and request.method == "GET") and not self._is_root(request):
            return message(401, "Insufficient credentials")
        headers = {**CORS, "Content-Type": JSON, "X-Etcd-Cluster-Id": format(self.cluster.id, "x")}
        try:
            status, body = run()
        except _AuthError as error:
            return message(error.status, error.text, headers)
        except EtcdError as error:
            return error_answer(error, headers)
        return Answer(status, headers, b"" if body is None else go_json(body) + b"\n")

    def _check_query(self, request: Request) -> None:
        """Go's ParseForm, which these GET handlers call: a bad escape in the query is a 500."""
        if BAD_ESCAPE.search(request.query):
            raise _AuthError(500, _INTERNAL)

    def _known_roles(self, user: User) -> list[Json]:
        """The user's roles that can be read, as the users listing shows them."""
        roles: list[Json] = []
        for name in user.roles or []:
            try:
                roles.append(self._get_role(name, False).to_json())
            except (_AuthError, EtcdError):
                continue
        return roles

    def _serve_list(self, request: Request, kind: str) -> tuple[int, Any]:
        """GET users: each with the roles that exist (`null` for none); GET roles: root's included."""
        names = self._names(kind)
        self._check_query(request)
        if kind == "roles":
            return 200, {"roles": [self._get_role(name, False).to_json() for name in names]}
        users: list[Json] = []
        for name in names:
            user = self._get_user(name, False)
            entry: Json = {"user": user.name}
            roles = self._known_roles(user)
            if roles:
                entry["roles"] = roles
            users.append(entry)
        return 200, {"users": users or None}

    def _serve_user(self, request: Request, name: str) -> tuple[int, Any]:
        """GET shows the user with its roles expanded (a missing one is a 404). PUT with roles
        creates (200); with neither roles, grant nor revoke it creates (201) or sets the password
        (200); with grant or revoke it updates (200). DELETE of root is refused while auth is on."""
        if request.method == "GET":
            user = self._get_user(name, False)
            self._check_query(request)
            out: Json = {"user": user.name}
            roles = [self._get_role(role, False).to_json() for role in user.roles or []]
            if roles:
                out["roles"] = roles
            return 200, out
        if request.method == "DELETE":
            if self._auth_enabled() and name == ROOT:
                raise _AuthError(403, "auth: Cannot delete root user while auth is enabled.")
            exists = name in self._users
            self._change("delete", exists)
            if not exists:
                raise _AuthError(404, f"auth: User {name} does not exist")
            del self._users[name]
            return 200, None
        change = _decode(request.body, _USER_BODY)
        if change.get("user", "") != name:
            raise _AuthError(400, "User JSON name does not match the name in the URL")
        if change.get("grant") or change.get("revoke"):
            if change.get("roles"):
                raise _AuthError(400, "User JSON contains both roles and grant/revoke")
            return 200, self._update_user(change).to_json()
        if change.get("roles"):
            return 200, self._create_user(change).to_json()
        try:
            self._get_user(name, True)
        except (_AuthError, EtcdError):
            return 201, self._create_user(change).to_json()
        return 200, self._update_user(change).to_json()

    def _create_user(self, change: Json) -> User:
        """etcd's CreateUser: a password is needed; root gets the root role."""
        user = User(change["user"], change.get("password", ""), change.get("roles"))
        if user.name == ROOT and ROOT not in (user.roles or []):
            user.roles = [*(user.roles or []), ROOT]
        if not user.password:
            raise _AuthError(400, f"auth: Cannot create user {user.name} with an empty password")
        exists = user.name in self._users
        self._change("create", not exists)
        if exists:
            raise _AuthError(409, f"auth: User {user.name} already exists.")
        self._users[user.name] = user
        return user

    def _update_user(self, change: Json) -> User:
        """etcd's UpdateUser: a change that leaves the user as it was (no password given) is a 400."""
        old = self._get_user(change["user"], True)
        new = old.merged(change)
        if not change.get("password") and new == old:
            raise _AuthError(400, "auth: User not updated. Use grant/revoke/password to update the user.")
        self._change("update", True)
        self._users[new.name] = new
        return new

    def _serve_role(self, request: Request, name: str) -> tuple[int, Any]:
        """PUT without grant or revoke creates (201), with them updates (200); the root role is
        built in and cannot be changed or deleted."""
        if request.method == "GET":
            return 200, self._get_role(name, False).to_json()
        if request.method == "DELETE":
            if name == ROOT:
                raise _AuthError(403, "auth: Cannot modify role root: is root role.")
            exists = name in self._roles
            self._change("delete", exists)
            if not exists:
                raise _AuthError(404, f"auth: Role {name} doesn't exist.")
            del self._roles[name]
            return 200, None
        role = _role_from(_decode(request.body, _ROLE_BODY))
        if role.name != name:
            raise _AuthError(400, "Role JSON name does not match the name in the URL")
        creates = (role.grant is None or role.grant.is_empty()) and (role.revoke is None or role.revoke.is_empty())
        if not creates and not role.permissions.is_empty():
            raise _AuthError(400, "Role JSON contains both permissions and grant/revoke")
        if name == ROOT:
            raise _AuthError(403, "auth: Cannot modify role root: is root role.")
        if creates:
            exists = name in self._roles
            self._change("create", not exists)
            if exists:
                raise _AuthError(409, f"auth: Role {name} already exists.")
            self._roles[name] = role
            return 201, role.to_json()
        old = self._get_role(name, True)
        new = old.merged(role)
        if new == old:
            raise _AuthError(400, "auth: Role not updated. Use grant/revoke to update the role.")
        self._change("update", True)
        self._roles[name] = new
        return 200, new.to_json()

    def _serve_enable(self, request: Request) -> tuple[int, Any]:
        """GET tells the switch; PUT needs a root user and makes the guest role (all keys) if there
        is none; DELETE turns auth off. Both answer an empty body."""
        enabled = self._auth_enabled()
        if request.method == "GET":
            return 200, {"enabled": enabled}
        if request.method == "PUT":
            if self._auth_enabled():
                raise _AuthError(409, "auth: already enabled")
            try:
                self._get_user(ROOT, True)
            except (_AuthError, EtcdError):
                raise _AuthError(409, "auth: No root user available, please create one") from None
            try:
                self._get_role(GUEST, True)
            except (_AuthError, EtcdError):
                self._change("create", True)
                self._roles[GUEST] = Role(GUEST, Permissions(["/*"], ["/*"]))
        elif not self._auth_enabled():
            raise _AuthError(409, "auth: already disabled")
        self._change("update", True)
        self._enabled = request.method == "PUT"
        return 200, None
