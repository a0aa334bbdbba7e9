"""The rule designer: weights and a quota (or a double majority) whose power comes closest to a target."""
