"""The loan rules that live in DMN tables, asked outside a process: the close of business, the
handlers and the books check read them here, so all three follow a designer's change alike. A
handler acting for a process instance passes its id: the case keeps the tables of its version."""
from .workflow.decisions import decision


def floor_for(dpd, instance_id=None):
    """The objective class floor for days past due, from `classification_floor.dmn`."""
    return decision("classification_floor", instance_id)({"loan": {"dpd": dpd}}).get("floor_class")


def provision_rate_for(classification, instance_id=None):
    """The provision rate of a class, from `provision_rates.dmn`."""
    return decision("provision_rates", instance_id)({"proposed_class": classification})["provision_rate"]
