"""The student's progress: SQLite storage, migrations, backups and recovery, queries."""
