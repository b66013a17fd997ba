"""Publishing: what docctl makes for the people who use the documents (the portal of what is in force)."""
