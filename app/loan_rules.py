"""The loan rules that live in DMN tables, asked outside a process: the close of business, the
handlers and the books check read them here, so all three follow a designer's change alike."""
from .workflow.decisions import decision


def floor_for(dpd):
    """The objective class floor for days past due, from `classification_floor.dmn`."""
    return decision("classification_floor")({"loan": {"dpd": dpd}}).get("floor_class")


def provision_rate_for(classification):
    """The provision rate of a class, from `provision_rates.dmn`."""
    return decision("provision_rates")({"proposed_class": classification})["provision_rate"]
