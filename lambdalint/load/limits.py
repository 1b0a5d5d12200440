"""Budgets that keep one file (or one deployment package) bounded in time and memory.

Past a file budget the file is LL001 naming the budget; past a package budget LL108 reports
the package as undecided.  Each default is far above anything a real template reaches: the
README ("Budgets") lists them with the largest values measured on a corpus of ~2,700 real
files, and `tests/test_hostile.py` checks each one is enforced.
"""

MB = 1024 * 1024

# -- one input file ------------------------------------------------------------------------
# CloudFormation accepts templates of at most 1 MB (S3) and SAM/CDK output must fit it too;
# Terraform configuration files are hand-written or generated per module.
MAX_TEMPLATE_BYTES = 16 * MB  # CloudFormation/SAM YAML or JSON, .tf and .tf.json
# `terraform show -json` of a large state: the one input that is legitimately big.
MAX_PLAN_BYTES = 512 * MB
MAX_NODES = 2_000_000  # parse nodes of one file, YAML aliases expanded (an alias bomb stops here)
MAX_DEPTH = 200  # nesting of mappings/lists (or HCL blocks/expressions) in one file

# -- one deployment package (LL108) --------------------------------------------------------
MAX_PACKAGE_ENTRIES = 50_000  # files walked in a package directory, or entries in a zip
MAX_ZIP_DIRECTORY_BYTES = 16 * MB  # size of a zip's central directory (all that is read)
