"""aftercare: a Telegram bot that looks after patients after a microneedling treatment."""
