"""`python -m territory_desktop` starts the app exactly like the `territory-desktop` command."""

from territory_desktop.app import main

if __name__ == "__main__":
    raise SystemExit(main())
