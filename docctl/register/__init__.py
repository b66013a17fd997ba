"""The controlled-document register: one row per document, now or as of a date or commit.

model.py     the values: Row (and its Approver, Pending), Register, the columns and formats
build.py     the rows, built on the composer and one pass of history (git through docctl.adapters.git)
readers.py   register files read back as tables, and compare() for ``docctl register --check``
writers/     one module per format (csv, json, md, html, docx, xlsx); ooxml.py holds what Word and Excel share
"""
