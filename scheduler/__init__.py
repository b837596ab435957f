"""Day-keyed check-ins: when they are due, and sending them once."""
