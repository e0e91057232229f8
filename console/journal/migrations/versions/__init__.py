"""One file per revision; ``console.journal.schema.REVISIONS`` lists them in order."""
