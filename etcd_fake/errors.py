"""etcd's v2 errors: the codes, messages and HTTP statuses etcd 3.5 answers with.

Every error answer is `{"errorCode": N, "message": ..., "cause": ..., "index": N}` and a newline,
with `X-Etcd-Index` set to the error's index.
"""

from __future__ import annotations

KEY_NOT_FOUND = 100
TEST_FAILED = 101
NOT_FILE = 102
NOT_DIR = 104
NODE_EXIST = 105
ROOT_READ_ONLY = 107
DIR_NOT_EMPTY = 108
UNAUTHORIZED = 110
PREV_VALUE_REQUIRED = 201
TTL_NAN = 202
INDEX_NAN = 203
INVALID_FIELD = 209
INVALID_FORM = 210
REFRESH_VALUE = 211
REFRESH_TTL_REQUIRED = 212
RAFT_INTERNAL = 300
EVENT_INDEX_CLEARED = 401

MESSAGES = {
    KEY_NOT_FOUND: "Key not found",
    TEST_FAILED: "Compare failed",
    NOT_FILE: "Not a file",
    NOT_DIR: "Not a directory",
    NODE_EXIST: "Key already exists",
    ROOT_READ_ONLY: "Root is read only",
    DIR_NOT_EMPTY: "Directory not empty",
    UNAUTHORIZED: "The request requires user authentication",
    PREV_VALUE_REQUIRED: "PrevValue is Required in POST form",
    TTL_NAN: "The given TTL in POST form is not a number",
    INDEX_NAN: "The given index in POST form is not a number",
    INVALID_FIELD: "Invalid field",
    INVALID_FORM: "Invalid POST form",
    REFRESH_VALUE: "Value provided on refresh",
    REFRESH_TTL_REQUIRED: "A TTL must be provided on refresh",
    RAFT_INTERNAL: "Raft Internal Error",
    EVENT_INDEX_CLEARED: "The event in requested index is outdated and cleared",
}

# Codes etcd answers with another status than 400 Bad Request.
_STATUSES = {
    KEY_NOT_FOUND: 404,
    NOT_FILE: 403,
    DIR_NOT_EMPTY: 403,
    UNAUTHORIZED: 401,
    TEST_FAILED: 412,
    NODE_EXIST: 412,
    RAFT_INTERNAL: 500,
}


class EtcdError(Exception):
    """One v2 error answer. `index` is the store's index when it happened (0 for a malformed request)."""

    def __init__(self, code: int, cause: str, index: int = 0) -> None:
        super().__init__(f"{MESSAGES[code]} ({cause})")
        self.code = code
        self.cause = cause
        self.index = index

    @property
    def message(self) -> str:
        return MESSAGES[self.code]

    @property
    def status(self) -> int:
        return _STATUSES.get(self.code, 400)

    def to_json(self) -> dict[str, object]:
        """The answer's body; an empty cause is left out (Go's omitempty), as for the root's."""
        out: dict[str, object] = {"errorCode": self.code, "message": self.message}
        if self.cause:
            out["cause"] = self.cause
        out["index"] = self.index
        return out
