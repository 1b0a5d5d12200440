"""The normalized model (entities), the resource graph and IAM evaluation."""
from .entities import *  # noqa: F401,F403  (the entity classes are the model's vocabulary)
from .graph import Model  # noqa: F401
