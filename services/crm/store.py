"""SQL for the crm, one function per query."""

from datetime import date
from typing import Any
from uuid import UUID

import asyncpg

from .domain import REDACTED

# A uuid column's id: asyncpg takes either (ids from a path are UUIDs, ids from events str).
# candidate_id is text here (the candidates service's id, not a foreign key): str.
Id = str | UUID

# Columns a PATCH may set, per table: the names come from here, never from the request.
ORGANISATION_COLUMNS = ("name", "kind")
CONTACT_COLUMNS = ("name", "email", "phone", "function", "email_hash", "phone_hash", "referee_for")
ASSIGNMENT_COLUMNS = ("vacancy", "function_type", "starts_on", "ends_on", "status", "closed_on")


def _count(status: str) -> int:
    """Rows touched, from asyncpg's command tag ('UPDATE 3')."""
    return int(status.split()[-1])


async def _update(
    conn: asyncpg.Connection, table: str, allowed: tuple[str, ...], row_id: Id, changes: dict
) -> asyncpg.Record | None:
    cols = [c for c in changes if c in allowed]
    assert len(cols) == len(changes), f"not updatable: {set(changes) - set(cols)}"
    sets = ", ".join(f"{c} = ${i}" for i, c in enumerate(cols, start=2))
    sets = f"{sets}, updated_at = now()" if sets else "updated_at = now()"
    return await conn.fetchrow(
        f"UPDATE {table} SET {sets} WHERE id = $1 RETURNING *",
        row_id,
        *(changes[c] for c in cols),
    )


# --- organisations -------------------------------------------------------------------------


async def insert_organisation(conn: asyncpg.Connection, org_id: Id, name: str, kind: str) -> None:
    await conn.execute(
        "INSERT INTO organisations(id, name, kind) VALUES ($1, $2, $3)", org_id, name, kind
    )


async def get_organisation(conn: asyncpg.Connection, org_id: Id) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM organisations WHERE id = $1", org_id)


async def list_organisations(
    conn: asyncpg.Connection, kind: str | None, limit: int, offset: int
) -> tuple[list[asyncpg.Record], int]:
    rows = await conn.fetch(
        "SELECT *, count(*) OVER () AS total FROM organisations"
        " WHERE $1::text IS NULL OR kind = $1 ORDER BY name, id LIMIT $2 OFFSET $3",
        kind,
        limit,
        offset,
    )
    if rows or offset == 0:
        return list(rows), rows[0]["total"] if rows else 0
    total = await conn.fetchval(
        "SELECT count(*) FROM organisations WHERE $1::text IS NULL OR kind = $1", kind
    )
    return [], total


async def update_organisation(
    conn: asyncpg.Connection, org_id: Id, changes: dict[str, Any]
) -> asyncpg.Record | None:
    return await _update(conn, "organisations", ORGANISATION_COLUMNS, org_id, changes)


# --- contacts ------------------------------------------------------------------------------


async def insert_contact(conn: asyncpg.Connection, contact_id: Id, fields: dict[str, Any]) -> None:
    await conn.execute(
        "INSERT INTO contacts(id, organisation_id, name, email, phone, function, email_hash,"
        " phone_hash, referee_for) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        contact_id,
        fields["organisation_id"],
        fields["name"],
        fields.get("email"),
        fields.get("phone"),
        fields.get("function"),
        fields.get("email_hash"),
        fields.get("phone_hash"),
        fields.get("referee_for"),
    )


async def get_contact(conn: asyncpg.Connection, contact_id: Id) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM contacts WHERE id = $1", contact_id)


async def list_contacts(conn: asyncpg.Connection, org_id: Id) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT * FROM contacts WHERE organisation_id = $1 ORDER BY name, id", org_id
    )


async def update_contact(
    conn: asyncpg.Connection, contact_id: Id, changes: dict[str, Any]
) -> asyncpg.Record | None:
    return await _update(conn, "contacts", CONTACT_COLUMNS, contact_id, changes)


async def contact_by_email_hash(conn: asyncpg.Connection, email_hash: str) -> str | None:
    value = await conn.fetchval(
        "SELECT id FROM contacts WHERE email_hash = $1 ORDER BY created_at LIMIT 1", email_hash
    )
    return str(value) if value else None


async def set_unsubscribed(conn: asyncpg.Connection, contact_id: Id) -> int:
    return _count(
        await conn.execute(
            "UPDATE contacts SET unsubscribed_at = coalesce(unsubscribed_at, now()),"
            " updated_at = now() WHERE id::text = $1",
            contact_id,
        )
    )


# --- contact moments -----------------------------------------------------------------------


async def insert_moment(conn: asyncpg.Connection, moment_id: Id, fields: dict[str, Any]) -> None:
    await conn.execute(
        "INSERT INTO contact_moments(id, organisation_id, contact_id, employee_id, occurred_at,"
        " channel, report) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        moment_id,
        fields["organisation_id"],
        fields.get("contact_id"),
        fields["employee_id"],
        fields["occurred_at"],
        fields["channel"],
        fields.get("report"),
    )


async def get_moment(conn: asyncpg.Connection, moment_id: Id) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM contact_moments WHERE id = $1", moment_id)


async def moments_of_organisation(
    conn: asyncpg.Connection, org_id: Id, limit: int, offset: int
) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT * FROM contact_moments WHERE organisation_id = $1"
        " ORDER BY occurred_at DESC, id LIMIT $2 OFFSET $3",
        org_id,
        limit,
        offset,
    )


async def moments_of_contact(
    conn: asyncpg.Connection, contact_id: Id, limit: int, offset: int
) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT * FROM contact_moments WHERE contact_id = $1"
        " ORDER BY occurred_at DESC, id LIMIT $2 OFFSET $3",
        contact_id,
        limit,
        offset,
    )


# --- assignments, proposals, placements -----------------------------------------------------


async def insert_assignment(
    conn: asyncpg.Connection, assignment_id: Id, fields: dict[str, Any]
) -> None:
    await conn.execute(
        "INSERT INTO assignments(id, organisation_id, vacancy, function_type, opened_on,"
        " starts_on, ends_on, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        assignment_id,
        fields["organisation_id"],
        fields["vacancy"],
        fields["function_type"],
        fields["opened_on"],
        fields.get("starts_on"),
        fields.get("ends_on"),
        fields["created_by"],
    )


async def get_assignment(
    conn: asyncpg.Connection, assignment_id: Id, *, lock: bool = False
) -> asyncpg.Record | None:
    # Placements and status changes lock the row so two recruiters cannot fill it twice.
    suffix = " FOR UPDATE" if lock else ""
    return await conn.fetchrow(f"SELECT * FROM assignments WHERE id = $1{suffix}", assignment_id)


async def list_assignments(
    conn: asyncpg.Connection, org_id: Id | None, status: str | None, limit: int, offset: int
) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT * FROM assignments WHERE ($1::uuid IS NULL OR organisation_id = $1)"
        " AND ($2::text IS NULL OR status = $2) ORDER BY opened_on DESC, id LIMIT $3 OFFSET $4",
        org_id,
        status,
        limit,
        offset,
    )


async def update_assignment(
    conn: asyncpg.Connection, assignment_id: Id, changes: dict[str, Any]
) -> asyncpg.Record | None:
    return await _update(conn, "assignments", ASSIGNMENT_COLUMNS, assignment_id, changes)


async def get_proposal(
    conn: asyncpg.Connection, assignment_id: Id, candidate_id: str
) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT * FROM proposals WHERE assignment_id = $1 AND candidate_id = $2",
        assignment_id,
        candidate_id,
    )


async def insert_proposal(
    conn: asyncpg.Connection, proposal_id: Id, fields: dict[str, Any]
) -> asyncpg.Record | None:
    """None when this candidate was already proposed for the assignment (a replay)."""
    return await conn.fetchrow(
        "INSERT INTO proposals(id, assignment_id, candidate_id, proposed_on, consent_checked_at,"
        " proposed_by) VALUES ($1, $2, $3, $4, $5, $6)"
        " ON CONFLICT (assignment_id, candidate_id) DO NOTHING RETURNING *",
        proposal_id,
        fields["assignment_id"],
        fields["candidate_id"],
        fields["proposed_on"],
        fields["consent_checked_at"],
        fields["proposed_by"],
    )


async def proposals_of_assignment(
    conn: asyncpg.Connection, assignment_id: Id
) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT * FROM proposals WHERE assignment_id = $1 ORDER BY proposed_on, id", assignment_id
    )


async def placement_of_assignment(
    conn: asyncpg.Connection, assignment_id: Id
) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM placements WHERE assignment_id = $1", assignment_id)


async def lock_candidate(conn: asyncpg.Connection, candidate_id: str) -> None:
    """Serialise placements of one candidate, so the overlap check cannot race."""
    await conn.execute(
        "SELECT pg_advisory_xact_lock(hashtext('crm.candidate:' || $1))", candidate_id
    )


async def overlapping_placement(
    conn: asyncpg.Connection, candidate_id: str, starts_on: date, ends_on: date | None
) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT id, assignment_id, starts_on, ends_on FROM placements WHERE candidate_id = $1"
        " AND daterange(starts_on, ends_on, '[]') && daterange($2, $3, '[]') LIMIT 1",
        candidate_id,
        starts_on,
        ends_on,
    )


async def insert_placement(
    conn: asyncpg.Connection, placement_id: Id, fields: dict[str, Any]
) -> asyncpg.Record:
    return await conn.fetchrow(
        "INSERT INTO placements(id, assignment_id, proposal_id, candidate_id, placed_on,"
        " starts_on, ends_on, placed_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *",
        placement_id,
        fields["assignment_id"],
        fields["proposal_id"],
        fields["candidate_id"],
        fields["placed_on"],
        fields["starts_on"],
        fields.get("ends_on"),
        fields["placed_by"],
    )


async def assignment_facts(
    conn: asyncpg.Connection, start: date, end: date
) -> list[asyncpg.Record]:
    """Non-personal facts of the assignments a period's statistics can involve: those opened
    in it and those filled in it (each through its own index)."""
    return await conn.fetch(
        "WITH involved AS ("
        "  SELECT id FROM assignments WHERE opened_on BETWEEN $1 AND $2"
        "  UNION SELECT assignment_id FROM placements WHERE placed_on BETWEEN $1 AND $2)"
        " SELECT a.id, a.organisation_id, o.name AS organisation_name, a.function_type,"
        " a.opened_on, p.placed_on, coalesce(n.proposals, 0) AS proposals"
        " FROM involved i JOIN assignments a ON a.id = i.id"
        " JOIN organisations o ON o.id = a.organisation_id"
        " LEFT JOIN placements p ON p.assignment_id = a.id"
        " LEFT JOIN (SELECT assignment_id, count(*) AS proposals FROM proposals"
        "   WHERE assignment_id IN (SELECT id FROM involved) GROUP BY assignment_id) n"
        "   ON n.assignment_id = a.id",
        start,
        end,
    )


# --- privacy: erasure and access -----------------------------------------------------------


async def redact_reports(conn: asyncpg.Connection, patterns: list[str]) -> int:
    """Strike every match of an erased contact's identifiers from every report, any case."""
    touched: set[str] = set()
    for pattern in patterns:
        rows = await conn.fetch(
            "UPDATE contact_moments SET report = regexp_replace(report, $1, $2, 'gi')"
            " WHERE report ~* $1 RETURNING id",
            pattern,
            REDACTED,
        )
        touched.update(str(r["id"]) for r in rows)
    return len(touched)


async def moments_mentioning(
    conn: asyncpg.Connection, patterns: list[str], contact_id: Id
) -> list[asyncpg.Record]:
    """Other contact moments whose report mentions the contact (part of their access slice)."""
    if not patterns:
        return []
    return await conn.fetch(
        "SELECT * FROM contact_moments WHERE contact_id IS DISTINCT FROM $2"
        " AND report ~* $1 ORDER BY occurred_at, id",
        "|".join(f"({p})" for p in patterns),
        contact_id,
    )


async def empty_reports_of_contact(conn: asyncpg.Connection, contact_id: Id) -> int:
    """A report of a conversation with the person is that person's data: empty it, unlink."""
    return _count(
        await conn.execute(
            "UPDATE contact_moments SET report = NULL, contact_id = NULL WHERE contact_id = $1",
            contact_id,
        )
    )


async def delete_contact(conn: asyncpg.Connection, contact_id: Id) -> int:
    return _count(await conn.execute("DELETE FROM contacts WHERE id = $1", contact_id))


async def unlink_candidate(conn: asyncpg.Connection, candidate_id: str) -> dict[str, int]:
    """Forget which candidate was proposed and placed; the facts stay for the statistics."""
    return {
        "proposals_unlinked": _count(
            await conn.execute(
                "UPDATE proposals SET candidate_id = NULL WHERE candidate_id = $1", candidate_id
            )
        ),
        "placements_unlinked": _count(
            await conn.execute(
                "UPDATE placements SET candidate_id = NULL WHERE candidate_id = $1", candidate_id
            )
        ),
        "referee_links_removed": _count(
            await conn.execute(
                "UPDATE contacts SET referee_for = NULL, updated_at = now() WHERE referee_for = $1",
                candidate_id,
            )
        ),
    }


async def all_moments_of_contact(conn: asyncpg.Connection, contact_id: Id) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT * FROM contact_moments WHERE contact_id = $1 ORDER BY occurred_at, id", contact_id
    )


async def proposals_of_candidate(
    conn: asyncpg.Connection, candidate_id: str
) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT pr.*, a.vacancy, a.function_type, a.organisation_id, o.name AS organisation_name"
        " FROM proposals pr JOIN assignments a ON a.id = pr.assignment_id"
        " JOIN organisations o ON o.id = a.organisation_id"
        " WHERE pr.candidate_id = $1 ORDER BY pr.proposed_on, pr.id",
        candidate_id,
    )


async def placements_of_candidate(
    conn: asyncpg.Connection, candidate_id: str
) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT pl.*, a.vacancy, a.function_type, a.organisation_id, o.name AS organisation_name"
        " FROM placements pl JOIN assignments a ON a.id = pl.assignment_id"
        " JOIN organisations o ON o.id = a.organisation_id"
        " WHERE pl.candidate_id = $1 ORDER BY pl.placed_on, pl.id",
        candidate_id,
    )


async def referees_named_by(conn: asyncpg.Connection, candidate_id: str) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT id, organisation_id FROM contacts WHERE referee_for = $1 ORDER BY id",
        candidate_id,
    )


async def scan(
    conn: asyncpg.Connection, subject: str | None, email_hash: str | None, phone_hash: str | None
) -> list[dict[str, Any]]:
    """Where anything of a person is still held: by subject id or keyed hash, per table."""
    rows = await conn.fetch(
        "SELECT 'contacts' AS where, count(*) FROM contacts WHERE id::text = $1"
        " OR email_hash = $2 OR phone_hash = $3"
        " UNION ALL SELECT 'contacts.referee_for', count(*) FROM contacts WHERE referee_for = $1"
        " UNION ALL SELECT 'contact_moments', count(*) FROM contact_moments"
        "  WHERE contact_id::text = $1"
        " UNION ALL SELECT 'proposals', count(*) FROM proposals WHERE candidate_id = $1"
        " UNION ALL SELECT 'placements', count(*) FROM placements WHERE candidate_id = $1",
        subject,
        email_hash,
        phone_hash,
    )
    return [{"where": r["where"], "count": r["count"]} for r in rows if r["count"]]


# --- the pipeline of an assignment, and editing the contact-moment register -----------------


PIPELINE = (
    "SELECT pr.id AS proposal_id, pr.candidate_id, pr.proposed_on, pr.proposed_by,"
    " pr.stage_changed_at, CASE WHEN pl.id IS NULL THEN pr.stage ELSE 'placed' END AS stage"
    " FROM proposals pr LEFT JOIN placements pl ON pl.proposal_id = pr.id"
    " WHERE pr.assignment_id = $1"
)


async def pipeline_of_assignment(
    conn: asyncpg.Connection, assignment_id: Id
) -> list[asyncpg.Record]:
    """Each proposal with its stage; a placed candidate's stage is "placed"."""
    return await conn.fetch(f"{PIPELINE} ORDER BY pr.proposed_on, pr.id", assignment_id)


async def pipeline_entry(
    conn: asyncpg.Connection, assignment_id: Id, proposal_id: Id
) -> asyncpg.Record | None:
    return await conn.fetchrow(f"{PIPELINE} AND pr.id = $2", assignment_id, proposal_id)


async def set_proposal_stage(conn: asyncpg.Connection, proposal_id: Id, stage: str) -> None:
    await conn.execute(
        "UPDATE proposals SET stage = $2, stage_changed_at = now() WHERE id = $1",
        proposal_id,
        stage,
    )


async def assignments_overview(
    conn: asyncpg.Connection, org_id: Id | None, status: str | None, limit: int, offset: int
) -> tuple[list[asyncpg.Record], int]:
    """Assignments with their client's name and how many candidates stand at each stage."""
    rows = await conn.fetch(
        "SELECT a.*, o.name AS organisation_name, count(*) OVER () AS total,"
        " (SELECT count(*) FROM proposals pr WHERE pr.assignment_id = a.id) AS proposals,"
        " (SELECT count(*) FROM proposals pr WHERE pr.assignment_id = a.id"
        "   AND pr.stage = 'interviewing') AS interviewing"
        " FROM assignments a JOIN organisations o ON o.id = a.organisation_id"
        " WHERE ($1::uuid IS NULL OR a.organisation_id = $1)"
        " AND ($2::text IS NULL OR a.status = $2)"
        " ORDER BY a.opened_on DESC, a.created_at DESC, a.id LIMIT $3 OFFSET $4",
        org_id,
        status,
        limit,
        offset,
    )
    if rows:
        return rows, rows[0]["total"]
    total = await conn.fetchval(
        "SELECT count(*) FROM assignments WHERE ($1::uuid IS NULL OR organisation_id = $1)"
        " AND ($2::text IS NULL OR status = $2)",
        org_id,
        status,
    )
    return [], total


MOMENT_COLUMNS = ("contact_id", "occurred_at", "channel", "report")


async def update_moment(
    conn: asyncpg.Connection, moment_id: Id, changes: dict[str, Any]
) -> asyncpg.Record | None:
    cols = [c for c in changes if c in MOMENT_COLUMNS]
    assert len(cols) == len(changes), f"not updatable: {set(changes) - set(cols)}"
    if not cols:
        return await get_moment(conn, moment_id)
    sets = ", ".join(f"{c} = ${i}" for i, c in enumerate(cols, start=2))
    return await conn.fetchrow(
        f"UPDATE contact_moments SET {sets} WHERE id = $1 RETURNING *",
        moment_id,
        *(changes[c] for c in cols),
    )


async def delete_moment(conn: asyncpg.Connection, moment_id: Id) -> asyncpg.Record | None:
    return await conn.fetchrow("DELETE FROM contact_moments WHERE id = $1 RETURNING *", moment_id)
