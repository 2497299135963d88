from fitlake.cli import main

main()
