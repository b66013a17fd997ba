"""The internal audit of document control (ISO 19011 shape) and the evidence pack for a certification body."""
