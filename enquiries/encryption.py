"""Encryption at rest across every app: which fields are encrypted, moving them all to
the newest key, and a report of what the configured keys can and cannot open.

Enquiries owns encryption but never imports another app: models are found through
the app registry, so an encrypted field a colleague adds elsewhere is covered as soon
as its app is installed.

The field library hands back the stored ciphertext when no key opens it, so an ORM
read cannot tell a lost key from a value. Everything here reads the raw column.
"""

from dataclasses import dataclass, field
from enum import Enum, auto

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connections, models, router, transaction
from encrypted_model_fields import fields as field_library

# Every Fernet token starts so: a version byte, then a timestamp whose top bytes stay
# zero until 2106.
FERNET_PREFIX = "gAAAAA"
# A report names at most this many values of each kind per model; counts stay exact.
LOCATIONS_PER_MODEL = 20

type EncryptedModel = tuple[type[models.Model], tuple[models.Field, ...]]


@dataclass(frozen=True)
class Location:
    """Where a value is: never what it is."""

    model: str
    pk: object
    field: str

    def __str__(self) -> str:
        return f"{self.model} pk={self.pk} field {self.field}"


class UndecryptableValue(Exception):
    """A stored value that re-encryption will not touch. The message names the row
    and field only, so it is safe in logs and Sentry."""

    def __init__(self, *, location: Location, detail: str) -> None:
        self.location = location
        super().__init__(f"{location} {detail}")


@dataclass
class ModelReport:
    """What one model's encrypted columns hold, by count."""

    model: str
    rows: int = 0
    values: int = 0  # non-NULL values in encrypted columns
    older_key: int = 0  # open only with a key after the newest
    undecryptable: int = 0  # Fernet tokens no configured key opens
    undecryptable_rows: int = 0
    plaintext: int = 0  # not a Fernet token at all
    undecryptable_at: list[Location] = field(default_factory=list)  # capped
    plaintext_at: list[Location] = field(default_factory=list)  # capped


@dataclass
class Report:
    """`encryption_report`'s answer: one ModelReport per model with encrypted
    fields, in `encrypted_fields()` order."""

    models: list[ModelReport]

    @property
    def values(self) -> int:
        return sum(model.values for model in self.models)

    @property
    def older_key(self) -> int:
        return sum(model.older_key for model in self.models)

    @property
    def undecryptable(self) -> int:
        return sum(model.undecryptable for model in self.models)

    @property
    def plaintext(self) -> int:
        return sum(model.plaintext for model in self.models)

    @property
    def readable(self) -> bool:
        """Every value is encrypted and some configured key opens it."""
        return not (self.undecryptable or self.plaintext)


def encrypted_fields() -> dict[str, tuple[str, ...]]:
    """The encrypted fields of every concrete, managed, non-proxy model of every
    installed app: model label → field names. Models without any are left out.
    Labels are sorted; fields keep their declaration order. Reads nothing from the
    database."""
    return {
        model._meta.label: tuple(f.name for f in fields)
        for model, fields in _encrypted_models()
    }


def reencrypt_all(*, batch_size: int = 500) -> dict[str, int]:
    """Decrypt every encrypted value of every app with whichever configured key opens
    it and store it under the newest key (the first in FIELD_ENCRYPTION_KEY); a
    plaintext value found in an encrypted column is encrypted. Returns model label →
    rows rewritten, for every model with encrypted fields (0 when nothing was due).

    Idempotent: a row whose values the newest key already opens is not rewritten, so
    a rerun after a stop picks up where it left off. Each batch of `batch_size` rows
    is locked (select_for_update) and committed on its own. Values are written by a
    queryset update, so the field's own encryption runs but save() signals and model
    history do not. NULL stays NULL.

    Raises UndecryptableValue, naming model, pk and field, rather than re-encrypt a
    value no configured key opens: a first pass checks everything and changes
    nothing if it finds one; should one appear later, only its batch rolls back."""
    crypter = _crypter()
    encrypted = _encrypted_models()
    scans = [
        _scan(model, crypter=crypter, batch_size=batch_size) for model in encrypted
    ]
    if undecryptable := sum(scan.undecryptable for scan in scans):
        raise UndecryptableValue(
            location=next(at for scan in scans for at in scan.undecryptable_at),
            detail="cannot be decrypted with any key in FIELD_ENCRYPTION_KEY"
            f" ({undecryptable} in all; manage.py check_encryption lists them)."
            " Nothing was re-encrypted: add the key it was encrypted with, then"
            " rerun.",
        )
    return {
        model._meta.label: _reencrypt_model(
            (model, fields), crypter=crypter, batch_size=batch_size
        )
        for model, fields in encrypted
    }


def encryption_report(*, batch_size: int = 500) -> Report:
    """Count, per model, the encrypted values that no configured key opens, those
    still under an older key, and plaintext sitting in an encrypted column, naming
    (model, pk, field) of the first LOCATIONS_PER_MODEL of each problem. Reads raw
    columns with the keys the field library holds now; read-only, commits nothing."""
    crypter = _crypter()
    return Report(
        models=[
            _scan(model, crypter=crypter, batch_size=batch_size)
            for model in _encrypted_models()
        ]
    )


class _State(Enum):
    NEWEST = auto()
    OLDER_KEY = auto()
    UNDECRYPTABLE = auto()
    PLAINTEXT = auto()


def _crypter() -> MultiFernet:
    # Looked up on each call, not imported by name: the library builds CRYPTER from
    # FIELD_ENCRYPTION_KEY at import, and whatever it holds now is what reads and
    # writes use (tests swap it).
    return field_library.CRYPTER


def _newest_key(crypter: MultiFernet) -> Fernet:
    # MultiFernet encrypts with the first of its keys but has no public way to get
    # that key, so this reads its private list: here only, should cryptography
    # rename it.
    return crypter._fernets[0]


def _is_encrypted(model_field: models.Field) -> bool:
    # By class ancestry, so a project subclass of a library field counts too.
    return any(
        cls.__module__.startswith("encrypted_model_fields")
        for cls in type(model_field).__mro__
    )


def _encrypted_models() -> list[EncryptedModel]:
    found = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue  # a proxy shares its table; an unmanaged table is not ours
        # Local fields only: a multi-table child's inherited columns are in the
        # parent's table and are handled with the parent.
        fields = tuple(f for f in meta.local_concrete_fields if _is_encrypted(f))
        if fields:
            found.append((model, fields))
    return sorted(found, key=lambda pair: pair[0]._meta.label)


def _state(raw: object, *, crypter: MultiFernet) -> _State | None:
    """What a raw column value is; None for NULL."""
    if raw is None:
        return None
    text = raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)
    if not text.startswith(FERNET_PREFIX):
        return _State.PLAINTEXT
    token = text.encode()
    try:
        _newest_key(crypter).decrypt(token)
        return _State.NEWEST
    except InvalidToken:
        pass
    try:
        crypter.decrypt(token)  # every configured key, newest first
        return _State.OLDER_KEY
    except InvalidToken:
        return _State.UNDECRYPTABLE


def _database(model: type[models.Model]) -> str:
    # The database rotation writes to, also for the report: it must describe what
    # re-encryption will meet, not a replica that may lag.
    return router.db_for_write(model)


def _next_pks(
    model: type[models.Model], *, after: object, batch_size: int, lock: bool
) -> list:
    # By primary key from where the last batch ended, so rows added meanwhile are
    # neither skipped nor visited twice. The base manager sees every row.
    rows = model._base_manager.using(_database(model)).order_by("pk")
    if after is not None:
        rows = rows.filter(pk__gt=after)
    if lock:
        rows = rows.select_for_update()
    return list(rows.values_list("pk", flat=True)[:batch_size])


def _raw_values(
    encrypted: EncryptedModel, pks: list
) -> list[tuple[object, tuple[object, ...]]]:
    """(pk, raw column values) for those rows, in the order of `pks`."""
    if not pks:
        return []  # `IN ()` is not SQL
    model, fields = encrypted
    connection = connections[_database(model)]
    quote = connection.ops.quote_name
    pk_field = model._meta.pk
    columns = ", ".join(quote(f.column) for f in (pk_field, *fields))
    placeholders = ", ".join(["%s"] * len(pks))
    # Identifiers quoted by the backend, values passed as parameters.
    sql = (
        f"SELECT {columns} FROM {quote(model._meta.db_table)}"  # nosec B608
        f" WHERE {quote(pk_field.column)} IN ({placeholders})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk_field.get_db_prep_value(pk, connection) for pk in pks])
        found = {pk_field.to_python(row[0]): row[1:] for row in cursor.fetchall()}
    return [(pk, found[pk]) for pk in pks if pk in found]  # a row may have gone


def _scan(
    encrypted: EncryptedModel, *, crypter: MultiFernet, batch_size: int = 500
) -> ModelReport:
    model, fields = encrypted
    report = ModelReport(model=model._meta.label)
    after = None
    while pks := _next_pks(model, after=after, batch_size=batch_size, lock=False):
        after = pks[-1]
        for pk, raw_values in _raw_values(encrypted, pks):
            report.rows += 1
            row_undecryptable = False
            for model_field, raw in zip(fields, raw_values, strict=True):
                state = _state(raw, crypter=crypter)
                if state is None:
                    continue
                report.values += 1
                location = Location(report.model, pk, model_field.name)
                if state is _State.OLDER_KEY:
                    report.older_key += 1
                elif state is _State.UNDECRYPTABLE:
                    report.undecryptable += 1
                    row_undecryptable = True
                    _note(report.undecryptable_at, location)
                elif state is _State.PLAINTEXT:
                    report.plaintext += 1
                    _note(report.plaintext_at, location)
            report.undecryptable_rows += row_undecryptable
    return report


def _note(locations: list[Location], location: Location) -> None:
    if len(locations) < LOCATIONS_PER_MODEL:
        locations.append(location)


def _reencrypt_model(
    encrypted: EncryptedModel, *, crypter: MultiFernet, batch_size: int
) -> int:
    model, _ = encrypted
    database = _database(model)
    rewritten, after = 0, None
    while True:
        with transaction.atomic(using=database):
            pks = _next_pks(model, after=after, batch_size=batch_size, lock=True)
            rewritten += _reencrypt_rows(encrypted, pks, crypter=crypter)
        if len(pks) < batch_size:
            return rewritten
        after = pks[-1]


def _reencrypt_rows(
    encrypted: EncryptedModel, pks: list, *, crypter: MultiFernet
) -> int:
    # Runs inside the batch's transaction, with its rows locked. Every row is checked
    # before any is written, though a refusal rolls the batch back either way.
    model, fields = encrypted
    label = model._meta.label
    rows = _raw_values(encrypted, pks)
    if len(rows) != len(pks):
        # Locked rows cannot go, so their keys did not survive the round trip;
        # skipping them would leave them under a key about to be dropped.
        raise RuntimeError(
            f"Read back {len(rows)} of {len(pks)} locked rows of {label}; this"
            " batch was rolled back."
        )
    updates = []
    for pk, raw_values in rows:
        due = {}
        for model_field, raw in zip(fields, raw_values, strict=True):
            state = _state(raw, crypter=crypter)
            location = Location(label, pk, model_field.name)
            if state is _State.UNDECRYPTABLE:
                raise UndecryptableValue(
                    location=location,
                    detail="cannot be decrypted with any key in FIELD_ENCRYPTION_KEY"
                    " (it appeared after the first check). Its batch was"
                    " rolled back; batches before it are safely under the newest"
                    " key. Add the key it was encrypted with, then rerun.",
                )
            if state in (_State.OLDER_KEY, _State.PLAINTEXT):
                due[model_field.name] = _python_value(model_field, raw, location)
        if due:
            updates.append((pk, due))
    manager = model._base_manager.using(_database(model))
    for pk, due in updates:
        # update() encrypts through each field's get_db_prep_save, under the
        # newest key, without save()'s signals, history rows or auto_now.
        manager.filter(pk=pk).update(**due)
    return len(updates)


def _python_value(model_field: models.Field, raw: object, location: Location) -> object:
    # The field's own to_python decrypts (with the library's CRYPTER) and parses.
    # Django's parse errors quote the value, so they are replaced, outside the except
    # block so that the original is not even chained.
    try:
        return model_field.to_python(raw)
    except (ValidationError, ValueError, TypeError):
        pass
    raise UndecryptableValue(
        location=location,
        detail="holds plaintext that is not a valid value for the field. Its batch"
        " was rolled back; batches before it are safely under the newest key.",
    )
