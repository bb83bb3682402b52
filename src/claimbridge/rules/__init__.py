"""The rules kernel: the decisions a claim depends on, with no Django import (usable as a library)."""
