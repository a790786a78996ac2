"""A character as a record: read one, list yours or the shared ones, rename, share, delete and
restore. The sheet's contents are ``creation``'s and ``sheet``'s business."""
