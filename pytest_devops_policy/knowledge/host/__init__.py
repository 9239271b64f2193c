"""What live-host policies know: parsers of the host's files and command outputs."""
