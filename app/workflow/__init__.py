"""The generic BPMN runtime around SpiffWorkflow.

It knows process definitions, instances, lanes, service-task names and forms by reference,
never a business process: what a process does lives in the deployed files (designed in PROCESSES_DIR).
"""
