"""The event envelope (DESIGN.md): ids and non-personal facts in `data`, personal fields sealed."""

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from uuid_utils.compat import uuid7


def new_id() -> str:
    """A time-sortable UUID (v7)."""
    return str(uuid7())


def utcnow() -> datetime:
    return datetime.now(UTC)


class Envelope(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    id: str = Field(default_factory=new_id)
    type: str
    source: str
    time: datetime = Field(default_factory=utcnow)
    subject: str | None = None
    correlation_id: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    sealed: str | None = None  # AES-GCM token under the subject's key, see keys.py
    schema_version: int = Field(default=1, alias="schema")

    def to_bytes(self) -> bytes:
        return self.model_dump_json(by_alias=True).encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> "Envelope":
        return cls.model_validate_json(raw)
