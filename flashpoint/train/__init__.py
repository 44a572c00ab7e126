"""Training: the ``fit`` halves of the models the analyzers run.

Everything that needs scikit-learn's estimators or torch to *fit* a model lives
here: :mod:`flashpoint.train.sentence_scores` (TF-IDF models and encoder heads of
``sentence_scores.v1``) and :mod:`flashpoint.train.techniques` (the technique
model of ``persuasion.v1``). The run-time path (pipeline, analyzers, runner, CLI
``analyze``) never imports this package; the import rules in ``pyproject.toml``
enforce it.
"""
