from omtquiz.cli import main

raise SystemExit(main())
