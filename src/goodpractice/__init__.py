"""GCTF good-practice memoranda published as linked data.

The stages, one way down (ARCHITECTURE.md has the map): ``content`` (the files maintainers
edit) → ``graph`` (the one RDF model, and ``graph.read``, the one read API) → ``check`` (SHACL
shapes and fidelity to the source) and ``export`` (every data file) → ``site`` (the reader's
edition) → ``pipeline`` (the build) → ``cli`` and ``serve``. ``vocab`` and ``iris`` state the
facts they share.
"""
