from psstrat.cli import main

main()
