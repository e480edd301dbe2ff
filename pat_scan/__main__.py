from pat_scan.cli import main

raise SystemExit(main())
