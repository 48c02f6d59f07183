"""The audit log's hash chain (审计日志防篡改链), its verification and its archive.

Every audit row carries `seq` (its place in the chain, 1, 2, 3, … with no gap), `prev_hash` (the previous
row's `hash`; 64 zeros for the first row of a fresh chain) and `hash`, SHA-256 over the row's canonical
form. A row changed afterwards no longer matches its hash; a removed row leaves a gap in `seq`; a row put in
with raw SQL either has a wrong hash or breaks the next row's link. The database refuses UPDATE and DELETE
on the table as well (triggers, migration core 0006); the chain is what finds the change a DBA could still
make with the triggers disabled.

Canonical form, version 1 (`chain_version` = 1; frozen — a change of form is a new version, verified by its
own function, never an edit of this one):

    canonical = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    hash      = SHA-256(canonical encoded as UTF-8), written as 64 lowercase hex digits

where `obj` is a JSON object with exactly these members:

    "v"            1
    "seq"          the row's seq (integer)
    "prev"         the previous row's hash (64 lowercase hex digits; "0" * 64 for seq 1)
    "created_at"   the time in UTC, "YYYY-MM-DDTHH:MM:SS.ffffffZ" (always six fraction digits)
    "actor"        the user's id (integer) or null
    "action", "object_type", "object_id", "object_repr", "region_code", "user_agent", "reason"
                   strings, as stored
    "ip"           the address as Django's GenericIPAddressField stores it (string) or null
    "changes"      the JSON value as stored (objects' keys sorted like every object here)

Keys are sorted by code point, there is no white space, non-ASCII characters are written as themselves
(control characters as \\uXXXX, as Python's json module does). The chain is not keyed: someone who can write
the table and recompute every later hash can rewrite history, which is why `audit_verify` prints the chain's
head (seq and hash) for the operator to keep outside the database, and why each archive keeps its anchor.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from .models import AuditArchive, AuditLog

CHAIN_VERSION = 1
GENESIS = "0" * 64
# pg_advisory_xact_lock's key for chain appends ("pingan audit" as a 63-bit number; any constant would do).
ADVISORY_LOCK_KEY = int.from_bytes(hashlib.sha256(b"pingan.audit_chain").digest()[:8], "big") >> 1
ARCHIVE_FORMAT = "pingan-audit-archive"
# The fields that enter the hash, as the canonical form names them (attname on the model → member).
HASHED_FIELDS = {
    "actor_id": "actor",
    "action": "action",
    "object_type": "object_type",
    "object_id": "object_id",
    "object_repr": "object_repr",
    "region_code": "region_code",
    "ip": "ip",
    "user_agent": "user_agent",
    "reason": "reason",
    "changes": "changes",
}
_IP_FIELD = models.GenericIPAddressField()


def _utc(value: datetime.datetime) -> str:
    value = value.astimezone(datetime.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_v1(row: Mapping[str, Any]) -> bytes:
    """The canonical form (version 1) of a row given as a mapping of the model's attnames."""
    obj: dict[str, Any] = {
        "v": 1,
        "seq": int(row["seq"]),
        "prev": row["prev_hash"],
        "created_at": _utc(row["created_at"]),
    }
    for attname, member in HASHED_FIELDS.items():
        obj[member] = row.get(attname)
    obj["ip"] = _IP_FIELD.get_prep_value(obj["ip"]) if obj["ip"] else None
    obj["changes"] = obj["changes"] if obj["changes"] is not None else {}
    for member in ("action", "object_type", "object_id", "object_repr", "region_code", "user_agent", "reason"):
        obj[member] = obj[member] or ""
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return text.encode("utf-8")


def row_hash(row: Mapping[str, Any]) -> str:
    version = row.get("chain_version", CHAIN_VERSION)
    if version != 1:
        raise ValueError(f"unknown audit chain version {version}")
    return hashlib.sha256(canonical_v1(row)).hexdigest()


def _row(entry: AuditLog) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in ("seq", "prev_hash", "created_at", "chain_version", *HASHED_FIELDS)}


# --- appending --------------------------------------------------------------------------------------


def lock_chain() -> None:
    """Serialise appends to the chain until the end of the current transaction.

    PostgreSQL: a transaction-level advisory lock (released at COMMIT or ROLLBACK), so two writers never
    read the same head. SQLite: nothing to do — the site opens every transaction with BEGIN IMMEDIATE
    (settings: transaction_mode), so writers are serialised by the database itself."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])


def chain_head() -> tuple[int, str]:
    """The last link: (seq, hash) of the newest row, else of the newest archive's last row, else (0, GENESIS).
    Call after lock_chain(), inside the transaction that appends."""
    head = AuditLog.objects.order_by("-seq").values_list("seq", "hash").first()
    if head is not None:
        return head
    archived = AuditArchive.objects.order_by("-last_seq").values_list("last_seq", "last_hash").first()
    return archived if archived is not None else (0, GENESIS)


def chain_rows(rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Give each row (a dict of AuditLog attnames with `created_at` set) its seq, prev_hash and hash, in
    order, continuing the chain. For bulk writers (the demo's loader): call inside a transaction after
    lock_chain() and insert every row yielded before the transaction ends. The head is read here, at the
    call, not when the first row is drawn: a COPY that consumes the rows cannot run another query."""
    head = chain_head()

    def chained(seq: int, prev: str) -> Iterator[dict[str, Any]]:
        for row in rows:
            seq += 1
            row.update(seq=seq, prev_hash=prev, chain_version=CHAIN_VERSION)
            row["hash"] = prev = row_hash(row)
            yield row

    return chained(*head)


def append(entry: AuditLog) -> AuditLog:
    """Insert one new entry at the head of the chain. The locked section is one indexed read of the head
    and one INSERT; on PostgreSQL the lock is held to the end of the caller's transaction (so call
    audit_log last in a service's transaction)."""
    with transaction.atomic():
        lock_chain()
        seq, prev = chain_head()
        entry.created_at = timezone.now()
        entry.seq, entry.prev_hash, entry.chain_version = seq + 1, prev, CHAIN_VERSION
        entry.hash = row_hash(_row(entry))
        entry.save(force_insert=True)
    return entry


# --- verifying --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    kind: str  # changed | missing | broken_link | missing_anchor | trigger
    seq: int | None
    detail: str

    def __str__(self) -> str:
        where = f"seq {self.seq}: " if self.seq is not None else ""
        return f"[{self.kind}] {where}{self.detail}"


@dataclass
class Report:
    rows: int = 0
    first_seq: int | None = None
    head_seq: int | None = None
    head_hash: str = ""
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


EXPECTED_TRIGGERS = {
    "postgresql": {"core_auditlog_append_only", "core_auditlog_no_truncate"},
    "sqlite": {"core_auditlog_no_update", "core_auditlog_no_delete"},
}


def active_triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'core_auditlog'::regclass"
                " AND NOT tgisinternal AND tgenabled <> 'D'"
            )
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'core_auditlog'")
        else:  # pragma: no cover - the project runs on these two
            return set()
        return {name for (name,) in cursor.fetchall()}


def verify_rows(rows: Iterable[Mapping[str, Any]], *, anchor: tuple[int, str] | None, report: Report) -> Report:
    """Walk rows in seq order: each must match its own hash and link to the one before it."""
    prev_seq, prev_hash = anchor if anchor is not None else (None, None)
    for row in rows:
        seq = row["seq"]
        report.rows += 1
        if report.first_seq is None:
            report.first_seq = seq
            if prev_seq is None:
                if seq == 1:
                    prev_seq, prev_hash = 0, GENESIS
                else:
                    report.findings.append(
                        Finding("missing_anchor", seq, f"rows 1–{seq - 1} are missing and no archive anchors them")
                    )
        try:
            computed = row_hash(row)
        except ValueError as error:
            computed = str(error)
        if computed != row["hash"]:
            report.findings.append(Finding("changed", seq, f"row id {row.get('id')} does not match its hash"))
        if prev_seq is not None:
            if seq != prev_seq + 1:
                gap = f"{prev_seq + 1}" if seq == prev_seq + 2 else f"{prev_seq + 1}–{seq - 1}"
                report.findings.append(Finding("missing", seq, f"row(s) {gap} missing before this one"))
            elif row["prev_hash"] != prev_hash:
                report.findings.append(
                    Finding(
                        "broken_link",
                        seq,
                        f"row id {row.get('id')} does not link to row {prev_seq} (put in or replaced)",
                    )
                )
        prev_seq, prev_hash = seq, row["hash"]
        report.head_seq, report.head_hash = seq, row["hash"]
    return report


def verify(*, check_triggers: bool = True) -> Report:
    """Verify the chain in the database, from the anchor of the newest archive when rows were archived."""
    report = Report()
    if check_triggers:
        expected = EXPECTED_TRIGGERS.get(connection.vendor, set())
        for name in sorted(expected - active_triggers()):
            report.findings.append(Finding("trigger", None, f"trigger {name} is missing or disabled"))
    first = AuditLog.objects.order_by("seq").values_list("seq", flat=True).first()
    anchor = _anchor_before(first) if first is not None else None
    names = ["id", "hash", *_row_names()]
    rows = AuditLog.objects.order_by("seq").values(*names).iterator(chunk_size=2000)
    return verify_rows(rows, anchor=anchor, report=report)


def _row_names() -> list[str]:
    return ["seq", "prev_hash", "created_at", "chain_version", *HASHED_FIELDS]


# --- archiving --------------------------------------------------------------------------------------


class ArchiveRefused(Exception):
    pass


def _json_row(row: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(row)
    out["created_at"] = _utc(row["created_at"])
    return out


def _parse_row(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    data["created_at"] = datetime.datetime.fromisoformat(data["created_at"].replace("Z", "+00:00"))
    return data


def archive(
    *, before: datetime.datetime, directory: Path, now: datetime.datetime, retention_days: int
) -> AuditArchive | None:
    """Move the rows at the start of the chain created before `before` into a gzip-compressed JSON-lines
    file with a manifest, and only then remove them from the table (in one transaction, with the archive's
    anchor recorded). Only a prefix of the chain is archived, so what stays verifies from the anchor.
    Refuses a `before` later than now − retention_days. Returns None when there is nothing to archive."""
    if before > now - datetime.timedelta(days=retention_days):
        raise ArchiveRefused(f"rows younger than {retention_days} days are kept (PINGAN_AUDIT_RETENTION_DAYS)")
    with transaction.atomic():
        lock_chain()  # no append while the prefix is chosen and removed
        young = AuditLog.objects.filter(created_at__gte=before).order_by("seq").values_list("seq", flat=True).first()
        prefix = AuditLog.objects.order_by("seq")
        if young is not None:
            prefix = prefix.filter(seq__lt=young)
        bounds = prefix.aggregate(first=models.Min("seq"), last=models.Max("seq"), rows=models.Count("id"))
        if not bounds["rows"]:
            return None
        report = verify_rows(
            prefix.values("id", "hash", *_row_names()).iterator(chunk_size=2000),
            anchor=_anchor_before(bounds["first"]),
            report=Report(),
        )
        if not report.ok:
            raise ArchiveRefused("the chain does not verify; run audit_verify: " + "; ".join(map(str, report.findings)))
        first_row = prefix.values("prev_hash", "hash").first()
        assert first_row is not None
        directory.mkdir(parents=True, exist_ok=True)
        stem = f"audit-{bounds['first']:012d}-{bounds['last']:012d}"
        data_path = directory / f"{stem}.jsonl.gz"
        digest = hashlib.sha256()
        with open(data_path, "wb") as raw:
            with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
                for row in prefix.values("id", "hash", *_row_names()).iterator(chunk_size=2000):
                    gz.write(json.dumps(_json_row(row), sort_keys=True, ensure_ascii=False).encode() + b"\n")
            raw.flush()
            os.fsync(raw.fileno())
        digest.update(data_path.read_bytes())
        manifest = {
            "format": ARCHIVE_FORMAT,
            "version": 1,
            "chain_version": CHAIN_VERSION,
            "created_at": _utc(now),
            "before": _utc(before),
            "rows": bounds["rows"],
            "first_seq": bounds["first"],
            "last_seq": bounds["last"],
            "anchor_prev_hash": first_row["prev_hash"],
            "first_hash": first_row["hash"],
            "last_hash": report.head_hash,
            "file": data_path.name,
            "file_sha256": digest.hexdigest(),
        }
        manifest_path = directory / f"{stem}.manifest.json"
        manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        # Read the file back before anything is removed.
        check = verify_archive(manifest_path)
        if not check.ok:
            raise ArchiveRefused("the archive written does not verify: " + "; ".join(map(str, check.findings)))
        record = AuditArchive.objects.create(
            before=before,
            rows=bounds["rows"],
            first_seq=bounds["first"],
            last_seq=bounds["last"],
            anchor_prev_hash=first_row["prev_hash"],
            first_hash=first_row["hash"],
            last_hash=report.head_hash,
            file_name=data_path.name,
            file_sha256=manifest["file_sha256"],
        )
        _archive_delete(bounds["first"], bounds["last"])
    return record


def _anchor_before(first_seq: int) -> tuple[int, str] | None:
    if first_seq == 1:
        return None
    archived = AuditArchive.objects.filter(last_seq__lt=first_seq).order_by("-last_seq")
    return archived.values_list("last_seq", "last_hash").first()


def _archive_delete(first_seq: int, last_seq: int) -> None:
    """The one DELETE the triggers let through: rows older than the legal minimum, with the archive gate
    open for this transaction only (PostgreSQL: SET LOCAL pingan.audit_archive; SQLite: a row in the gate
    table, removed again before the transaction ends)."""
    table = AuditLog._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL pingan.audit_archive = 'on'")
        else:
            cursor.execute("INSERT INTO pingan_audit_gate (name) VALUES ('archive')")
        cursor.execute(f"DELETE FROM {table} WHERE seq BETWEEN %s AND %s", [first_seq, last_seq])  # noqa: S608
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL pingan.audit_archive = 'off'")
        else:
            cursor.execute("DELETE FROM pingan_audit_gate WHERE name = 'archive'")


def read_archive(manifest_path: Path) -> tuple[dict[str, Any], Iterator[dict[str, Any]]]:
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    data_path = manifest_path.parent / manifest["file"]

    def rows() -> Iterator[dict[str, Any]]:
        with gzip.open(data_path, "rt", encoding="utf-8") as lines:
            for line in lines:
                yield _parse_row(json.loads(line))

    return manifest, rows()


def verify_archive(manifest_path: Path) -> Report:
    """An archive on its own: the file's digest, its chain from the manifest's anchor, its counts and ends."""
    manifest, rows = read_archive(manifest_path)
    report = Report()
    if manifest.get("format") != ARCHIVE_FORMAT:
        report.findings.append(Finding("changed", None, f"{manifest_path.name} is not an audit archive manifest"))
        return report
    data = (manifest_path.parent / manifest["file"]).read_bytes()
    if hashlib.sha256(data).hexdigest() != manifest["file_sha256"]:
        report.findings.append(Finding("changed", None, f"{manifest['file']} does not match the manifest's digest"))
    anchor = (manifest["first_seq"] - 1, manifest["anchor_prev_hash"])
    verify_rows(rows, anchor=anchor, report=report)
    if report.rows != manifest["rows"] or report.first_seq != manifest["first_seq"]:
        report.findings.append(
            Finding("missing", None, f"the archive holds {report.rows} rows, the manifest says {manifest['rows']}")
        )
    if report.head_seq != manifest["last_seq"] or report.head_hash != manifest["last_hash"]:
        report.findings.append(Finding("missing", report.head_seq, "the archive's last row is not the manifest's"))
    return report
