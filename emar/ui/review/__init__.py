"""The pharmacist's medication reviews: the list of who most needs one, and the review itself
(the chart with each line's use, the signals, the signed review and its recommendations)."""
