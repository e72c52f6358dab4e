"""Make the audit log append-only in the database itself, not just in the code:
an UPDATE or DELETE of a row fails, whoever sends it."""

from django.db import migrations

MESSAGE = "enquiries_auditevent is append-only"

POSTGRESQL = f"""
CREATE FUNCTION enquiries_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER enquiries_auditevent_append_only
    BEFORE UPDATE OR DELETE ON enquiries_auditevent
    FOR EACH ROW EXECUTE FUNCTION enquiries_auditevent_append_only();
"""
POSTGRESQL_REVERSE = """
DROP TRIGGER enquiries_auditevent_append_only ON enquiries_auditevent;
DROP FUNCTION enquiries_auditevent_append_only();
"""
SQLITE = [
    f"""CREATE TRIGGER enquiries_auditevent_no_{verb.lower()}
    BEFORE {verb} ON enquiries_auditevent
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"""
    for verb in ("UPDATE", "DELETE")
]
SQLITE_REVERSE = [
    f"DROP TRIGGER enquiries_auditevent_no_{verb};" for verb in ("update", "delete")
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_REVERSE)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("enquiries", "0002_service_defaults")]

    operations = [migrations.RunPython(forwards, backwards)]
