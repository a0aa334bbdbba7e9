"""The voting library's commands, run by ``concord``: ``tally`` counts a ballot file, ``power`` analyses a game,
``design`` searches for the weights and quota that give each member an intended power."""
