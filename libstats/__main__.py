from libstats.cli import main

main()
