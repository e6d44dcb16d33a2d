# platform: posix
mkdir d && touch d/file && $HVNC -l unix:d/file
