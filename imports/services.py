"""Writes on import jobs: starting one, running it in bounded batches, ending it.

A job runs as batches of ``BATCH_SIZE`` rows. Each batch commits its prospects,
their value history and the job's counters and cursor together, so a worker
killed mid-job resumes at the cursor without storing a row twice, and a
second worker on the same job stops at its first batch (the cursor it expects
has moved).
"""

import csv
import datetime
import functools
import io
import itertools
import logging
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation

from audit import events
from core import database
from core.lookups import AnyOf
from imports import linkedin
from imports.models import ImportJob, ImportKind, ImportStatus
from people.models import Employee, Network
from prospects import rules
from prospects.models import Kind, Language, LawfulBasis, Prospect, ValueHistory, Visibility
from suppression.selectors import opposed_scopes

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000
# Only the first rejected rows are listed on the job (all are counted): a file of
# garbage must not grow the job row without bound.
REJECTED_LISTED_MAX = 1000
SOURCE = "linkedin_import"
# GDPR art. 14(3)(a): data not obtained from the person calls for a notice within one month.
# Connected On is a date: noon keeps it on the same calendar day in any European zone.
COLLECTION_TIME = datetime.time(12, 0)
IMPORTED_FIELDS = ("full_name", "company", "job_title", "email", "profile_url")


def linkedin_import_start(*, owner: Employee, upload) -> ImportJob:
    """Store the upload and enqueue its import once the job row is committed."""
    job = ImportJob(owner=owner, kind=ImportKind.LINKEDIN)
    # Written before the transaction (it can take a while); removed again if the row is not.
    job.file.save("connections.csv", upload, save=False)
    try:
        with transaction.atomic():
            job.save()
            transaction.on_commit(functools.partial(_enqueue, str(job.pk)))
    except BaseException:
        job.file.storage.delete(job.file.name)
        raise
    return job


def _enqueue(job_id: str) -> None:
    from imports import tasks

    try:
        tasks.run_linkedin_import.delay(job_id)
    except Exception:
        # Whatever the broker raised (its errors depend on the transport), a job nobody will
        # run must not stay "pending": say so, and drop the file.
        logger.exception("import %s could not be queued", job_id)
        import_job_fail(
            job_id=job_id, error="the import could not be queued: upload the file again"
        )


def import_job_run(*, job_id: str, time_budget: float | None = None) -> bool:
    """Claim the job and import from its cursor; True when the budget ran out first.

    Rerunning it on a finished job changes nothing.
    """
    job = _claim(job_id)
    if job is None:
        return False
    try:
        with _open_text(job) as text:
            total = linkedin.count_connections(text)
    except (
        FileNotFoundError,
        linkedin.NotAConnectionsExport,
        UnicodeDecodeError,
        csv.Error,
    ) as exc:
        _finish(job, ImportStatus.FAILED, error=_unreadable_reason(exc))
        return False
    ImportJob.objects.filter(pk=job.pk, status=ImportStatus.RUNNING).update(total=total)

    started = time.monotonic()
    cursor = job.cursor
    context = _BatchContext.of(job.owner)
    with _open_text(job) as text:
        rows = linkedin.read_connections(text, today=timezone.localdate(), skip=cursor)
        for batch in _batches(rows, BATCH_SIZE):
            if not _store_batch(job_id=job.pk, cursor=cursor, rows=batch, context=context):
                return False
            cursor += len(batch)
            if time_budget is not None and time.monotonic() - started > time_budget:
                return True
    _finish(job, ImportStatus.DONE, cursor=cursor)
    return False


def import_job_fail(*, job_id: str, error: str) -> None:
    """End a job that cannot go on (e.g. retries exhausted); a finished job is left alone."""
    job = ImportJob.objects.select_related("owner__user").filter(pk=job_id).first()
    if job is not None and not job.is_finished:
        _finish(job, ImportStatus.FAILED, error=error)


def _claim(job_id: str) -> ImportJob | None:
    """pending → running, or the running job to resume; None when it has ended."""
    ImportJob.objects.filter(pk=job_id, status=ImportStatus.PENDING).update(
        status=ImportStatus.RUNNING, started_at=timezone.now()
    )
    return (
        ImportJob.objects.select_related("owner__user")
        .filter(pk=job_id, status=ImportStatus.RUNNING)
        .first()
    )


def _unreadable_reason(exc: Exception) -> str:
    if isinstance(exc, FileNotFoundError):
        return "the uploaded file is no longer available: upload it again"
    if isinstance(exc, UnicodeDecodeError):
        return "the file is not UTF-8 text: upload the Connections.csv file as LinkedIn exported it"
    if isinstance(exc, csv.Error):
        return "the file is not readable as CSV: upload the Connections.csv file as exported"
    return str(exc)


@contextmanager
def _open_text(job: ImportJob) -> Iterator[io.TextIOWrapper]:
    if not job.file.name:
        raise FileNotFoundError(job.pk)
    with job.file.storage.open(job.file.name, "rb") as handle:
        # utf-8-sig drops the byte-order mark some exports start with.
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        try:
            yield text
        finally:
            text.detach()


def _batches(rows: Iterable, size: int) -> Iterator[list]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


@dataclass(frozen=True)
class _Dated:
    collected_at: datetime.datetime
    provenance: str
    retention_until: datetime.date


@dataclass
class _BatchContext:
    owner: Employee
    now: datetime.datetime
    # Connections share few distinct dates: derive collection, provenance and retention once per date.
    dated: dict[datetime.date, _Dated] = field(default_factory=dict)
    # And few distinct companies: their search tokens (a keyed hash per prefix) once each.
    company_tokens: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, owner: Employee) -> "_BatchContext":
        return cls(owner=owner, now=timezone.now())

    def for_date(self, connected_on: datetime.date) -> _Dated:
        found = self.dated.get(connected_on)
        if found is None:
            collected_at = datetime.datetime.combine(
                connected_on, COLLECTION_TIME, tzinfo=timezone.get_default_timezone()
            )
            found = self.dated[connected_on] = _Dated(
                collected_at=collected_at,
                provenance=rules.derive_provenance(
                    collected_at=collected_at, hire_date=self.owner.hire_date
                ),
                # RULES 18: the clock starts when the record enters the CRM, not on
                # "Connected On" (a 2019 connection imported today is not born expired).
                retention_until=rules.retention_until(
                    None, self.now, settings.PROSPECT_RETENTION_DAYS
                ),
            )
        return found

    def tokens_of_company(self, company: str) -> str:
        found = self.company_tokens.get(company)
        if found is None:
            found = self.company_tokens[company] = rules.company_tokens(company)
        return found


@dataclass
class _Outcome:
    created: int = 0
    duplicates: int = 0
    opposed: int = 0
    rejected: list[dict] = field(default_factory=list)
    by_provenance: Counter = field(default_factory=Counter)


def _store_batch(
    *, job_id, cursor: int, rows: list[linkedin.Connection], context: _BatchContext
) -> bool:
    """Store one batch and advance the job; False when the job is no longer ours to advance."""
    outcome = _Outcome()
    candidates = []
    for row in rows:
        # Stored in English whatever the worker's language; pages translate (imports.messages).
        with translation.override("en"):
            indexes, index_errors = rules.identifier_indexes(
                {"email": row.email or None, "profile_url": row.profile_url or None}
            )
        errors = {**row.errors, **index_errors}
        if errors:
            outcome.rejected.append({"row": row.line, "errors": errors})
        else:
            candidates.append((row, indexes))

    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update()
            .filter(pk=job_id, status=ImportStatus.RUNNING, cursor=cursor)
            .first()
        )
        if job is None:
            return False
        prospects, history = _new_records(candidates, context, outcome)
        _insert_prospects(prospects)
        _insert_history(history, context)
        _advance(job, len(rows), outcome)
    return True


def _new_records(candidates, context: _BatchContext, outcome: _Outcome):
    emails = [indexes["email"] for _, indexes in candidates if "email" in indexes]
    urls = [indexes["profile_url"] for _, indexes in candidates if "profile_url" in indexes]
    # One query, as a UNION: each half probes its own partial unique index, where an OR of
    # the two made PostgreSQL scan the whole table.
    known = Prospect.objects.order_by().values_list("email_index", "profile_url_index")
    taken = set()
    for email_index, url_index in known.filter(AnyOf(F("email_index"), emails)).union(
        known.filter(AnyOf(F("profile_url_index"), urls)), all=True
    ):
        taken.add(("email", email_index))
        taken.add(("profile_url", url_index))
    # Any scope counts: a record is not created for someone on the suppression list (RULES 1).
    opposed = opposed_scopes({"email": emails, "profile_url": urls})

    prospects, history = [], []
    now = timezone.now()
    notice_due_at = rules.notice_due_at(context.now)
    owner_id = context.owner.pk
    full_name, company, job_title, email, profile_url, notes = _sealed_columns()
    for row, indexes in candidates:
        keys = list(indexes.items())
        if any(key in opposed for key in keys):
            outcome.opposed += 1
            continue
        if any(key in taken for key in keys):
            outcome.duplicates += 1
            continue
        taken.update(keys)
        dated = context.for_date(row.connected_on)
        pk = uuid.uuid4()
        # In the order of PROSPECT_COLUMNS.
        prospects.append(
            (
                pk,
                owner_id,
                full_name.seal(row.full_name, pk=pk),
                rules.name_tokens(row.full_name),
                company.seal(row.company, pk=pk),
                context.tokens_of_company(row.company),
                job_title.seal(row.position, pk=pk),
                Kind.B2B.value,
                email.seal(row.email or None, pk=pk),
                indexes.get("email"),
                profile_url.seal(row.profile_url, pk=pk),
                indexes["profile_url"],
                Network.LINKEDIN.value,
                dated.provenance,
                SOURCE,
                dated.collected_at,
                LawfulBasis.LEGITIMATE_INTEREST.value,
                False,
                notes.seal("", pk=pk),
                # The profile itself is public to the rep's network; its e-mail is
                # restricted below.
                Visibility.PUBLIC.value,
                dated.retention_until,
                notice_due_at,
                # Newest first, an import lists its rows in the file's order (LinkedIn's
                # newest connection first): a microsecond apart, never the same instant.
                context.now - datetime.timedelta(microseconds=row.line),
                now,
                # RULES 24: the export holds an e-mail only for members who show it to their
                # connections; it is not used under legitimate interest.
                bool(row.email),
                Language.FR.value,
            )
        )
        history.extend(
            (pk, name, dated.provenance)
            for name, value in (
                ("full_name", row.full_name),
                ("company", row.company),
                ("job_title", row.position),
                ("email", row.email),
                ("profile_url", row.profile_url),
            )
            if value
        )
        outcome.by_provenance[dated.provenance] += 1
    outcome.created = len(prospects)
    return prospects, history


# What an imported prospect fills, as table columns; the others (phone, contribution,
# contacts, restriction…) are NULL. A new column without a NULL default fails the
# import tests until it is written here.
PROSPECT_COLUMNS = (
    "id",
    "owner_id",
    "full_name",
    "name_tokens",
    "company",
    "company_tokens",
    "job_title",
    "kind",
    "email",
    "email_index",
    "profile_url",
    "profile_url_index",
    "network",
    "provenance",
    "source",
    "collected_at",
    "lawful_basis",
    "contributed",
    "notes",
    "profile_visibility_at_collection",
    "retention_until",
    "notice_due_at",
    "created_at",
    "updated_at",
    "email_restricted",
    "language",
)


@functools.cache
def _sealed_columns():
    names = ("full_name", "company", "job_title", "email", "profile_url", "notes")
    return tuple(Prospect._meta.get_field(name) for name in names)


def _insert_prospects(rows: list[tuple]) -> None:
    """Rows of PROSPECT_COLUMNS, values already sealed; on PostgreSQL through COPY.

    Profiling showed building and preparing a model instance per row as most of the
    import's time: rows are plain tuples, the encrypted values sealed by their own
    fields (``EncryptedTextField.seal``) just as ``save()`` would.
    """
    database.insert_rows(Prospect, list(PROSPECT_COLUMNS), rows)


def _insert_history(entries: list[tuple], context: _BatchContext) -> None:
    """ValueHistory rows from (prospect id, field, provenance).

    They are four in five of the rows an import writes; they go in as plain values
    (COPY on PostgreSQL): building and preparing a model instance for each was over a
    third of the import's time when profiled.
    """
    names = ["prospect_id", "field", "provenance", "source", "recorded_at", "recorded_by_id"]
    owner_id = context.owner.pk
    database.insert_rows(
        ValueHistory,
        names,
        (
            (prospect_id, name, provenance, SOURCE, context.now, owner_id)
            for prospect_id, name, provenance in entries
        ),
    )


def _advance(job: ImportJob, rows: int, outcome: _Outcome) -> None:
    job.cursor += rows
    job.processed += rows
    job.created += outcome.created
    job.duplicates += outcome.duplicates
    job.opposed += outcome.opposed
    job.rejected_count += len(outcome.rejected)
    room = REJECTED_LISTED_MAX - len(job.rejected)
    if room > 0:
        job.rejected = job.rejected + outcome.rejected[:room]
    by_provenance = dict(job.by_provenance)
    for provenance, count in outcome.by_provenance.items():
        by_provenance[provenance] = by_provenance.get(provenance, 0) + count
    job.by_provenance = by_provenance
    job.save(
        update_fields=[
            "cursor",
            "processed",
            "created",
            "duplicates",
            "opposed",
            "rejected_count",
            "rejected",
            "by_provenance",
        ]
    )


def _finish(job: ImportJob, status: str, *, error: str = "", cursor: int | None = None) -> None:
    """End the job once, audit it once, and delete its file after the commit."""
    with transaction.atomic():
        current = ImportJob.objects.select_for_update().filter(
            pk=job.pk, status__in=(ImportStatus.PENDING, ImportStatus.RUNNING)
        )
        if cursor is not None:
            current = current.filter(cursor=cursor)
        locked = current.first()
        if locked is None:
            return
        file_name = locked.file.name
        locked.status = status
        locked.error = error
        locked.finished_at = timezone.now()
        locked.file = ""
        locked.save(update_fields=["status", "error", "finished_at", "file"])
        events.record(
            actor=job.owner.user,
            action="prospects.imported"
            if status == ImportStatus.DONE
            else "prospects.import_failed",
            obj=locked,
            fields=IMPORTED_FIELDS if status == ImportStatus.DONE else (),
        )
        if file_name:
            storage = locked.file.storage
            transaction.on_commit(functools.partial(storage.delete, file_name))
    logger.info("import %s %s", job.pk, status)
