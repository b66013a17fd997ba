from docctl.cli.main import main

raise SystemExit(main())
