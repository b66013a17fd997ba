"""Pure rule functions: documents and configuration in, findings out. No I/O, no git."""
