"""OR-Tools formulations, the fast heuristic, the out-of-process worker and suggestions. No Qt."""
