"""The thin shell: argument parsing, files, printing, exit codes."""
