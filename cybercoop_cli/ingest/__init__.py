"""Readers: every module here turns files into the model and nothing else."""
