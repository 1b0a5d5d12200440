"""Terraform frontend: HCL, Terraform JSON and plan JSON onto the normalized model."""
