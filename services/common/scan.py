"""The erasure verification scan's request, one model for every service (docs/contracts.md:
`POST /internal/scan`). Only keyed hashes and the subject id travel, never the identifiers."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator

BlindIndex = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class ScanRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email_hash: BlindIndex | None = None
    phone_hash: BlindIndex | None = None
    subject: Annotated[str, StringConstraints(max_length=64)] | None = None

    @model_validator(mode="after")
    def something_to_look_for(self) -> "ScanRequest":
        if not (self.email_hash or self.phone_hash or self.subject):
            raise ValueError("give a subject, an email_hash or a phone_hash")
        return self
