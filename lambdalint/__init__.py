"""lambdalint: a static linter for AWS Lambda infrastructure as code."""

__version__ = "0.1.0"
