"""The outbox's delivery side: rendering, e-mail, webhooks, and the worker that sends them and closes due ballots."""
