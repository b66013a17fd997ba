"""Publishing what is in force: controlled copies (export, verify) and the point-of-use portal (site)."""
