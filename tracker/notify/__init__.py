"""Reminders: policy (pure), rendering (pure), outbox and transports (I/O)."""
