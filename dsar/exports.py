"""The access / portability bundle (GDPR art. 15 and 20): built, sealed on disk, served, purged.

The files live under ``DSAR_EXPORT_DIR`` (outside the web root), encrypted with
the field-encryption keyring and bound to their export id, for
``DSAR_EXPORT_DAYS``; a daily task deletes them afterwards.
"""

import base64
import io
import json
import os
import zipfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit import events
from core import crypto, csv
from dsar import rules
from dsar.models import DataSubjectRequest, DsarExport, ExportFormat


def _dir() -> Path:
    path = Path(settings.DSAR_EXPORT_DIR)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _aad(export: DsarExport) -> bytes:
    return f"dsar_export|{export.pk}".encode()


def _iso(value):
    return value.isoformat() if value else None


def export_document(dsar: DataSubjectRequest) -> dict:
    """Everything the CRM holds about the person, with where it came from (art. 15(1)(g)).

    Only the records the request acts on (RULES 22: confirmed by the DPO, or reached
    through a verified identifier), from every table holding them: the record and its
    history, consents, outreach, deals, re-permission requests, suppression entries,
    evidence kept from earlier deleted records, and who in the company holds the data;
    with a plain-language summary in the person's language.
    """
    from dsar.selectors import dsar_matches, person_indexes, verified_indexes_of

    matches = dsar_matches(dsar, prospect_ids=dsar.prospect_ids)
    ids = [p.pk for p in matches.prospects]
    deals_by_prospect, repermissions_by_prospect = _deals_and_repermissions(ids)
    evidence = _evidence_of_deleted_records(person_indexes(dsar, matches.prospects))
    consents_by_prospect, outreach_by_prospect = {}, {}
    for event in matches.consent_events:
        consents_by_prospect.setdefault(event.prospect_id, []).append(event)
    for attempt in matches.outreach:
        outreach_by_prospect.setdefault(attempt.prospect_id, []).append(attempt)
    from prospects.models import ValueHistory

    history_by_prospect = {}
    for entry in ValueHistory.objects.filter(
        prospect_id__in=[p.pk for p in matches.prospects]
    ).select_related("recorded_by__user"):
        history_by_prospect.setdefault(entry.prospect_id, []).append(entry)
    from prospects.models import FollowUp

    follow_ups_by_prospect = {}
    for follow_up in FollowUp.objects.filter(prospect_id__in=ids).select_related("owner__user"):
        follow_ups_by_prospect.setdefault(follow_up.prospect_id, []).append(follow_up)
    jobs_by_owner = {}
    for job in matches.import_jobs:
        jobs_by_owner.setdefault(job.owner_id, []).append(job)

    with translation.override(dsar.language):
        records = [
            _record(
                prospect,
                history=history_by_prospect.get(prospect.pk, []),
                consents=consents_by_prospect.get(prospect.pk, []),
                outreach=outreach_by_prospect.get(prospect.pk, []),
                jobs=jobs_by_owner.get(prospect.owner_id, []),
                deals=deals_by_prospect.get(prospect.pk, []),
                repermissions=repermissions_by_prospect.get(prospect.pk, []),
                follow_ups=follow_ups_by_prospect.get(prospect.pk, []),
            )
            for prospect in matches.prospects
        ]
        oppositions = [
            {
                "identifier_type": opposition.identifier_type,
                "scope": opposition.scope,
                "registered_at": _iso(opposition.created_at),
                "statement": _("You objected to being contacted on %(date)s (%(scope)s).")
                % {
                    "date": date_format(timezone.localtime(opposition.created_at), "DATE_FORMAT"),
                    "scope": opposition.get_scope_display(),
                },
            }
            for opposition in matches.oppositions
        ]
        verified = verified_indexes_of(dsar)
        document = {
            "format": "socialcrm-dsar-export/2",
            "generated_at": _iso(timezone.now()),
            "controller": {
                "name": settings.COMPANY_NAME,
                "contact": settings.DEFAULT_FROM_EMAIL,
            },
            "request": {
                "id": str(dsar.pk),
                "type": dsar.type,
                "received_at": _iso(dsar.received_at),
                "due_at": _iso(dsar.due_at),
            },
            # The identifiers searched for: those proven or verified (RULES 22).
            "identifiers": {
                field: getattr(dsar, field) if field in verified else None
                for field in ("email", "phone", "profile_url")
            },
            "records": records,
            "oppositions": oppositions,
            "evidence_of_deleted_records": evidence,
            "people_with_access": [
                {
                    "employee": _who(holder["employee"]),
                    "employee_username": _username(holder["employee"]),
                    "reasons": holder["reasons"],
                }
                for holder in matches.holders
            ],
            "purposes": [str(purpose) for purpose in rules.PURPOSES],
            "lawful_bases": sorted({r["lawful_basis"] for r in records if r["lawful_basis"]}),
            "retention": str(rules.RETENTION_STATEMENT)
            % {
                "years": settings.PROSPECT_RETENTION_DAYS // 365,
                "evidence_years": settings.EVIDENCE_RETENTION_DAYS // 365,
            },
            "recipients": [str(recipient) for recipient in rules.RECIPIENTS],
            "rights": str(rules.RIGHTS_STATEMENT),
        }
        document["summary"] = plain_summary(document)
        return document


def _deals_and_repermissions(ids) -> tuple[dict, dict]:
    from django.apps import apps

    deals, repermissions = {}, {}
    if apps.is_installed("deals") and ids:
        for deal in apps.get_model("deals", "Deal").objects.filter(prospect_id__in=ids):
            deals.setdefault(deal.prospect_id, []).append(deal)
    if apps.is_installed("retention") and ids:
        model = apps.get_model("retention", "RepermissionRequest")
        for entry in model.objects.filter(prospect_id__in=ids).order_by("requested_at"):
            repermissions.setdefault(entry.prospect_id, []).append(entry)
    return deals, repermissions


def _evidence_of_deleted_records(pairs) -> list[dict]:
    """What an earlier deletion (an offboarding's purge) kept about the person: keyed hashes
    matched on their identifiers, with the channel, the action and the date (RULES 19)."""
    from django.apps import apps
    from django.db.models import Q

    if not apps.is_installed("offboarding") or not pairs:
        return []
    condition = Q(pk__in=[])
    for field, index in pairs:
        condition |= Q(**{f"{field}_index": index})
    model = apps.get_model("offboarding", "PurgedEvidence")
    return [
        {
            "kind": entry.kind,
            "channel": entry.channel,
            "action": entry.action,
            "evidence": entry.evidence,
            "occurred_at": _iso(entry.occurred_at),
        }
        for entry in model.objects.filter(condition).order_by("occurred_at")
    ]


def _date(value) -> str:
    if value is None:
        return "—"
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    return date_format(value, "DATE_FORMAT")


SOURCES = {
    "linkedin_import": gettext_lazy(
        "imported from the LinkedIn connections of one of our employees"
    ),
}
ENTERED = gettext_lazy("entered by one of our employees")


def plain_summary(document: dict) -> str:
    """The export in plain words, in the active language (the person's): what we hold,
    where it came from, what we did with it, how long we keep it, your rights."""
    company = document["controller"]["name"]
    lines = [
        _("What %(company)s holds about you") % {"company": company},
        "",
        _(
            "This file answers your request of %(date)s. It lists every piece of personal "
            "data we hold about you, where it came from and what we did with it."
        )
        % {"date": _date(_parse(document["request"]["received_at"]))},
        "",
    ]
    records = document["records"]
    if not records:
        lines.append(_("We hold no record about you."))
    for number, record in enumerate(records, start=1):
        values = record["values"]
        origin = record["origin"]
        lines.append(
            _("Record %(number)s: %(name)s")
            % {"number": number, "name": values["full_name"] or "—"}
        )
        held = ", ".join(
            f"{label}: {values[field]}"
            for field, label in (
                ("company", _("company")),
                ("job_title", _("job title")),
                ("email", _("e-mail")),
                ("phone", _("phone")),
                ("profile_url", _("profile URL")),
            )
            if values.get(field)
        )
        if held:
            lines.append("  " + _("What we hold: %(values)s.") % {"values": held})
        source = SOURCES.get(record["source"], ENTERED)
        network = _network_label(origin["network"])
        lines.append(
            "  "
            + _("Where it came from: %(source)s (%(network)s), on %(date)s.")
            % {"source": source, "network": network, "date": _date(_parse(record["collected_at"]))}
        )
        lines.append(
            "  "
            + _("Why we use it: %(basis)s. We keep it until %(date)s unless you contact us.")
            % {
                "basis": _basis_label(record["lawful_basis"]),
                "date": _date(_parse_day(record["retention_until"])),
            }
        )
        lines.append(
            "  "
            + _(
                "%(consents)s consent record(s), %(messages)s message(s) from our staff, "
                "%(deals)s sale(s)."
            )
            % {
                "consents": len(record["consents"]),
                "messages": len(record["outreach"]),
                "deals": len(record["deals"]),
            }
        )
        lines.append("")
    if document["oppositions"]:
        lines.extend(o["statement"] for o in document["oppositions"])
        lines.append("")
    lines.extend(
        [
            _("Who sees it: %(recipients)s.") % {"recipients": "; ".join(document["recipients"])},
            _("How long: %(retention)s") % {"retention": document["retention"]},
            document["rights"],
            "",
            _(
                "The other files give the details: records.csv (your records), history.csv "
                "(when each value was recorded and by whom), consents.csv, outreach.csv "
                "(messages), deals.csv (sales), oppositions.csv, and export.json (everything, "
                "for a computer)."
            ),
        ]
    )
    return "\n".join(lines) + "\n"


def _network_label(code: str) -> str:
    from people.models import Network

    return str(Network(code).label) if code in Network.values else _("no network")


def _basis_label(code: str) -> str:
    from prospects.models import LawfulBasis

    return str(LawfulBasis(code).label) if code in LawfulBasis.values else "—"


def _parse(value):
    import datetime

    return datetime.datetime.fromisoformat(value) if value else None


def _parse_day(value):
    import datetime

    return datetime.date.fromisoformat(value[:10]) if value else None


def _who(employee):
    # As everywhere in the API, a field naming a person holds the employee's id (API.md).
    return employee.pk if employee is not None else None


def _username(employee):
    return employee.username if employee is not None else None


def _record(
    prospect, *, history, consents, outreach, jobs, deals, repermissions, follow_ups=()
) -> dict:
    account = prospect.social_account
    imported_by = [
        {"import": str(job.pk), "kind": job.kind, "created_at": _iso(job.created_at)}
        for job in jobs
        if prospect.source == "linkedin_import"
    ]
    return {
        "id": str(prospect.pk),
        "values": {field: getattr(prospect, field) for field in rules.EXPORTED_VALUES},
        "kind": prospect.kind,
        "provenance": prospect.provenance,
        "source": prospect.source,
        "collected_at": _iso(prospect.collected_at),
        "lawful_basis": prospect.lawful_basis,
        "retention_until": _iso(prospect.retention_until),
        "processing_restricted_at": _iso(getattr(prospect, "processing_restricted_at", None)),
        "origin": {
            "network": prospect.network,
            "employee": _who(prospect.owner),
            "employee_username": _username(prospect.owner),
            "social_account": {"network": account.network, "handle": account.handle}
            if account
            else None,
            "imports": imported_by,
        },
        "history": [
            {
                "field": entry.field,
                "provenance": entry.provenance,
                "source": entry.source,
                "recorded_at": _iso(entry.recorded_at),
                "recorded_by": _who(entry.recorded_by),
            }
            for entry in history
        ],
        "consents": [
            {
                "channel": event.channel,
                "action": event.action,
                "purpose": event.purpose,
                "evidence": event.evidence,
                "proof": event.proof,
                "wording_shown": event.wording_shown,
                "occurred_at": _iso(event.occurred_at),
                "recorded_at": _iso(event.recorded_at),
                "captured_by": _who(event.captured_by),
            }
            for event in consents
        ],
        "outreach": [
            {
                "channel": attempt.channel,
                "decision": attempt.decision,
                "content": attempt.final_content or attempt.content,
                "sent_at": _iso(attempt.created_at),
                "replied_at": _iso(attempt.replied_at),
                "employee": _who(attempt.employee),
                "employee_username": _username(attempt.employee),
                "social_account": {
                    "network": attempt.social_account.network,
                    "handle": attempt.social_account.handle,
                }
                if attempt.social_account
                else None,
            }
            for attempt in outreach
        ],
        "deals": [
            {
                "id": deal.pk,
                "product": deal.product,
                "status": deal.status,
                "amount": str(deal.amount),
                "currency": deal.currency,
                "network": deal.network,
                "channel": deal.channel,
                "concluded_on": _iso(deal.concluded_on),
                "notes": deal.notes,
                "employee": _who(deal.owner),
                "created_at": _iso(deal.created_at),
            }
            for deal in deals
        ],
        "repermission_requests": [
            {
                "requested_at": _iso(entry.requested_at),
                "retention_until": _iso(entry.retention_until),
            }
            for entry in repermissions
        ],
        # The dates an employee planned to get back to the person, with their notes.
        "follow_ups": [
            {
                "due_on": _iso(follow_up.due_on),
                "note": follow_up.note,
                "done_at": _iso(follow_up.done_at),
                "employee": _who(follow_up.owner),
            }
            for follow_up in follow_ups
        ],
    }


def _zip_of(document: dict) -> bytes:
    """The same document as CSV files (one per kind of record) plus the JSON, zipped."""
    tables = {
        "records.csv": (
            [
                "id",
                *rules.EXPORTED_VALUES,
                "provenance",
                "source",
                "network",
                "employee",
                "social_account",
                "collected_at",
                "lawful_basis",
                "retention_until",
            ],
            [
                [
                    r["id"],
                    *(r["values"][f] for f in rules.EXPORTED_VALUES),
                    r["provenance"],
                    r["source"],
                    r["origin"]["network"],
                    r["origin"]["employee"],
                    (r["origin"]["social_account"] or {}).get("handle"),
                    r["collected_at"],
                    r["lawful_basis"],
                    r["retention_until"],
                ]
                for r in document["records"]
            ],
        ),
        "history.csv": (
            ["record", "field", "provenance", "source", "recorded_at", "recorded_by"],
            [
                [
                    r["id"],
                    *(
                        h[k]
                        for k in ("field", "provenance", "source", "recorded_at", "recorded_by")
                    ),
                ]
                for r in document["records"]
                for h in r["history"]
            ],
        ),
        "consents.csv": (
            [
                "record",
                "channel",
                "action",
                "purpose",
                "evidence",
                "proof",
                "wording_shown",
                "occurred_at",
            ],
            [
                [
                    r["id"],
                    *(
                        c[k]
                        for k in (
                            "channel",
                            "action",
                            "purpose",
                            "evidence",
                            "proof",
                            "wording_shown",
                            "occurred_at",
                        )
                    ),
                ]
                for r in document["records"]
                for c in r["consents"]
            ],
        ),
        "follow_ups.csv": (
            ["record", "due_on", "note", "done_at", "employee"],
            [
                [r["id"], *(f[k] for k in ("due_on", "note", "done_at", "employee"))]
                for r in document["records"]
                for f in r["follow_ups"]
            ],
        ),
        "outreach.csv": (
            ["record", "channel", "decision", "content", "sent_at", "employee"],
            [
                [
                    r["id"],
                    *(o[k] for k in ("channel", "decision", "content", "sent_at", "employee")),
                ]
                for r in document["records"]
                for o in r["outreach"]
            ],
        ),
        "deals.csv": (
            [
                "record",
                "product",
                "status",
                "amount",
                "currency",
                "network",
                "channel",
                "concluded_on",
                "notes",
            ],
            [
                [
                    r["id"],
                    *(
                        d[k]
                        for k in (
                            "product",
                            "status",
                            "amount",
                            "currency",
                            "network",
                            "channel",
                            "concluded_on",
                            "notes",
                        )
                    ),
                ]
                for r in document["records"]
                for d in r["deals"]
            ],
        ),
        "oppositions.csv": (
            ["identifier_type", "scope", "registered_at", "statement"],
            [
                [o[k] for k in ("identifier_type", "scope", "registered_at", "statement")]
                for o in document["oppositions"]
            ],
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # First, and plain text: what a person opening the archive reads.
        archive.writestr("README.txt", document["summary"])
        archive.writestr("export.json", json.dumps(document, ensure_ascii=False, indent=2))
        for name, (header, rows) in tables.items():
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerow(header)
            writer.writerows(rows)
            archive.writestr(name, text.getvalue())
    return buffer.getvalue()


def _write(export: DsarExport, payload: bytes) -> None:
    sealed = crypto.seal(base64.b64encode(payload).decode("ascii"), aad=_aad(export))
    path = _dir() / export.file_name
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(sealed)
    os.replace(tmp, path)


def export_build(*, dsar: DataSubjectRequest) -> dict:
    """Build the JSON and the ZIP variants (replacing older ones of this request)."""
    document = export_document(dsar)
    json_bytes = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    payloads = {ExportFormat.JSON: json_bytes, ExportFormat.ZIP: _zip_of(document)}
    expires_at = timezone.now() + timedelta(days=settings.DSAR_EXPORT_DAYS)
    with transaction.atomic():
        export_delete_files(requests=[dsar])
        DsarExport.objects.filter(request=dsar).delete()
        for fmt, payload in payloads.items():
            export = DsarExport(request=dsar, format=fmt, expires_at=expires_at, size=len(payload))
            export.file_name = f"{export.pk}.sealed"
            _write(export, payload)
            export.save()
    return {
        "export": {
            "records": len(document["records"]),
            "oppositions": len(document["oppositions"]),
            "expires_at": _iso(expires_at),
        }
    }


def export_read(*, actor, export: DsarExport, action: str = "dsar.export_downloaded") -> bytes:
    """The export's bytes; each download (each reading of the summary page: ``action``
    ``dsar.summary_viewed``) is audited."""
    path = _dir() / export.file_name
    payload = base64.b64decode(crypto.unseal(path.read_text(), aad=_aad(export)))
    with transaction.atomic():
        if action == "dsar.export_downloaded":
            DsarExport.objects.filter(pk=export.pk).update(downloads=F("downloads") + 1)
        events.record(
            actor=actor,
            action=action,
            obj=export,
            fields=[export.format],
            record_ids=_record_ids(export, payload),
        )
    return payload


def summary_of(document: dict) -> dict:
    """The export in words for the person's summary page (in the active language): each
    record with what we hold, where it came from, why, until when, the messages we sent,
    the consents, the sales and the re-permission requests; then the objections, who
    sees the data, how long we keep it, and the person's rights."""
    from consent.models import ConsentAction, Evidence
    from deals.models import DealStatus
    from suppression.models import Channel

    def label(choices, code):
        return str(choices(code).label) if code in choices.values else (code or "—")

    value_labels = {
        "full_name": _("name"),
        "company": _("company"),
        "job_title": _("job title"),
        "email": _("e-mail"),
        "phone": _("phone"),
        "profile_url": _("profile URL"),
        "notes": _("notes written by our staff"),
    }
    records = []
    for record in document["records"]:
        origin = record["origin"]
        account = origin.get("social_account") or {}
        records.append(
            {
                "name": record["values"].get("full_name") or "—",
                "values": [
                    (value_labels.get(field, field), value)
                    for field, value in record["values"].items()
                    if value
                ],
                "source": str(SOURCES.get(record["source"], ENTERED)),
                "network": _network_label(origin["network"]),
                "account": account.get("handle") or "",
                "collected_on": _date(_parse(record["collected_at"])),
                "basis": _basis_label(record["lawful_basis"]),
                "retention_until": _date(_parse_day(record["retention_until"])),
                "restricted_on": _date(_parse(record["processing_restricted_at"]))
                if record.get("processing_restricted_at")
                else "",
                "messages": [
                    {
                        "date": _date(_parse(attempt["sent_at"])),
                        "channel": label(Channel, attempt["channel"]),
                        "content": attempt["content"] or "",
                        "account": (attempt.get("social_account") or {}).get("handle") or "",
                    }
                    for attempt in record["outreach"]
                    if attempt["decision"] == "allow"
                ],
                "consents": [
                    {
                        "date": _date(_parse(event["occurred_at"])),
                        "channel": label(Channel, event["channel"]),
                        "action": label(ConsentAction, event["action"]),
                        "purpose": event["purpose"] or "",
                        "evidence": label(Evidence, event["evidence"]),
                        "wording": event["wording_shown"] or "",
                    }
                    for event in record["consents"]
                ],
                "deals": [
                    {
                        "product": deal["product"],
                        "status": label(DealStatus, deal["status"]),
                        "amount": f"{deal['amount']} {deal['currency']}",
                        "concluded_on": _date(_parse_day(deal["concluded_on"]))
                        if deal["concluded_on"]
                        else "",
                    }
                    for deal in record["deals"]
                ],
                "repermissions": [
                    _date(_parse(entry["requested_at"]))
                    for entry in record.get("repermission_requests", [])
                ],
            }
        )
    return {
        "company": document["controller"]["name"],
        "contact": document["controller"]["contact"],
        "requested_on": _date(_parse(document["request"]["received_at"])),
        "records": records,
        "oppositions": [o["statement"] for o in document["oppositions"]],
        "purposes": document["purposes"],
        "recipients": document["recipients"],
        "retention": document["retention"],
        "rights": document["rights"],
    }


def _record_ids(export: DsarExport, payload: bytes) -> list[str]:
    """The records the export shows, named in the read trail like a list page's."""
    if export.format == ExportFormat.ZIP:
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            payload = archive.read("export.json")
    return [record["id"] for record in json.loads(payload)["records"]]


def export_delete_files(*, requests) -> int:
    """Delete the files of these requests' exports (rows kept, marked deleted); how many."""
    live = DsarExport.objects.filter(request__in=requests, deleted_at__isnull=True)
    count = 0
    for export in live:
        try:
            (_dir() / export.file_name).unlink()
        except FileNotFoundError:
            pass
        count += 1
    live.update(deleted_at=timezone.now())
    return count


def export_purge_expired(*, now=None) -> int:
    """Daily: delete the files of exports past their availability."""
    now = now or timezone.now()
    expired = DsarExport.objects.filter(deleted_at__isnull=True, expires_at__lte=now)
    count = 0
    for export in expired:
        try:
            (_dir() / export.file_name).unlink()
        except FileNotFoundError:
            pass
        count += 1
    expired.update(deleted_at=now)
    return count
