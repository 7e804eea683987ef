"""Use cases over the database. Commands commit; queries never do."""
