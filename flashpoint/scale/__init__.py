"""Running a pipeline at scale: over local processes now (:mod:`.local`), a cluster later.

This layer sits above the analyzers and below the runner (see docs/architecture.md):
it may import the pipeline and the analyzers, never the runner or the CLI.
"""
