"""The everyday path: start a review, bring in sources, write notes, stay in flow.

``scaffold`` (init), ``importer`` and ``keys`` (import), ``newnote`` (note new),
``completion`` (what the shell completes) and ``watch`` (review --watch).
"""
