"""The phase bar reads the intervention cycle's order from the phase labels; it must be the programs' order."""

from server.programs.services import PHASES
from server.web.labels import LABELS
from server.web.templating import make_environment


def test_phase_labels_are_registered_in_the_cycles_order():
    assert tuple(value for value, _label in LABELS.choices("phase")) == PHASES


def test_phase_index_places_each_phase_in_the_cycle():
    phase_index = make_environment().globals["phase_index"]
    assert [phase_index(phase) for phase in PHASES] == list(range(len(PHASES)))
    assert phase_index("unknown") == 0
