from seedgen.cli import main

main()
