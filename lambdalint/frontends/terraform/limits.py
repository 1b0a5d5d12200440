"""Bounds that keep evaluation of huge or hostile configurations finite: past them a value
becomes ``Unknown`` (with the reason) instead of costing unbounded time or memory."""

MAX_DEPTH = 120  # nested expression evaluation
MAX_MODULE_DEPTH = 8
MAX_INSTANCES = 1000  # count/for_each (and range()) beyond this is treated as unknown
MAX_EITHER = 16  # options of a conditional distributed through a function
