"""Running a pipeline at scale: local processes (:mod:`.local`), Ray (:mod:`.ray_engine`),
and ``flashpoint batch`` over either (:mod:`.batch`, docs/scale.md).

This layer sits above the analyzers and below the runner (see docs/architecture.md):
it may import the pipeline and the analyzers, never the runner or the CLI.
"""
