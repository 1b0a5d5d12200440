"""lambdalint's rules, one module per rule (shipped in the wheel as ``lambdalint.rules``)."""
