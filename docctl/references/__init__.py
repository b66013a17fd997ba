"""References between documents and to clauses of standards.

``model`` (the values), ``extract`` and ``clauses`` (a document's references, read from its
metadata and the prose of its body), ``graph`` (references resolved across a collection: ``xref``
and ``impact``) and ``matrix`` (clause coverage and its renderers). The rules import ``model`` and
``graph`` only: neither reads a file format.
"""
