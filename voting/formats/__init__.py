"""Ballot file formats: readers and writers that turn files into Concord ballots and back."""

__all__ = []

from voting.formats.ballot_file import BallotFile, BallotFileError  # noqa: E402
from voting.formats.load import load_ballot_file, read_ballot_text  # noqa: E402

__all__ += ["BallotFile", "BallotFileError", "load_ballot_file", "read_ballot_text"]
