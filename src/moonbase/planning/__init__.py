"""Programme planning: science tasks of mutual interest, portfolio, schedule, campaign."""
