"""GCTF good-practice memoranda published as linked data.

The pipeline, one module a stage: ``content`` (the files maintainers edit) → ``graph`` (the one
RDF model) → ``validate`` (SHACL shapes and fidelity to the source) → ``export`` (every data
file) and ``site`` (the reader's edition); ``build`` runs them, ``cli`` is the command line.
"""
