"""The outcomes' timeline event types fit the engine's column (CaseEvent.type) and are registered."""

from pingan.cases.events import event_spec
from pingan.cases.models import CaseEvent
from pingan.lawguard.outcome_services import EVENT_TYPES


def test_event_types_fit_and_are_registered():
    width = CaseEvent._meta.get_field("type").max_length
    for spec in EVENT_TYPES:
        assert len(spec.type) <= width, spec.type
        assert event_spec(spec.type) == spec
