"""The plan and its arithmetic. Pure Python + numpy/pandas: no Qt, no files."""
