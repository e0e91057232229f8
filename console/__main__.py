"""``python -m console`` opens the console window."""

from console.app import main

raise SystemExit(main())
