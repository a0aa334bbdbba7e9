"""The voting library's commands, run by ``concord``: ``tally`` counts a ballot file, ``power`` analyses a game."""
