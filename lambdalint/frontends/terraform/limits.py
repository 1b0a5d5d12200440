"""Budgets that keep evaluation of huge or hostile Terraform configurations finite: past them a
value becomes ``Unknown`` naming the budget, instead of costing unbounded time or memory, and
the run goes on.  The README ("Budgets") lists each with the largest value measured on the
corpus (``scripts/corpus_budgets.py``); ``tests/test_hostile_terraform.py`` shows each one enforced.
All of them count per root module evaluation (a root module and every local module it calls).
"""

MAX_DEPTH = 120  # nested expression evaluation
MAX_MODULE_DEPTH = 8  # module calls inside module calls
MAX_INSTANCES = 1000  # one count/for_each: past it, one unknown instance
MAX_TOTAL_INSTANCES = 10_000  # resource and module instances of one root module, all levels
MAX_STRING = 1_000_000  # characters in one evaluated string
MAX_ARGUMENT_CHARACTERS = 4 * MAX_STRING  # characters of strings in the arguments of one function call
MAX_CHARACTERS = 64_000_000  # characters of all strings evaluated (each time one is produced or passed on)
MAX_COLLECTION = 100_000  # items in one evaluated list or map
MAX_STEPS = 1_000_000  # expression evaluations of one root module
MAX_EITHER = 16  # options of a conditional distributed through a function
MAX_ALTERNATIVES = 256  # leaves of nested conditionals whose conditions are unknown, in one value
