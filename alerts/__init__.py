"""Alerts: rules from regwatch.toml, an outbox written with the events, delivery through Apprise."""
