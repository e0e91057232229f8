"""Pure domain: dataclasses, enums and rules. No Qt, no I/O."""
