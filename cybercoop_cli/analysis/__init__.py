"""Analyses: functions from the model to plain report dataclasses; never text."""
