"""Files in and out: CSV/Excel import, offline geocoding, the project file, recovery journal, exports."""
