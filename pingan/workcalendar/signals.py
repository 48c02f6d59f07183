"""Told when the calendar of some years changed, so that clocks counted on it can be counted again.

The calendar sits below the case engine and does not know it; the engine listens here."""

from django.dispatch import Signal

# Sent with `years` (a set of ints) inside the transaction that changed the calendar.
calendar_changed = Signal()
