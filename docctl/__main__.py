from docctl.cli import main

raise SystemExit(main())
