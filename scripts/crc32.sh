#!/bin/sh
# crc32.sh FILE - print the CRC-32 (zlib/IEEE) of FILE as 8 hex digits,
# read from the trailer gzip writes (the last 8 bytes: CRC32, then size).
set -eu
gzip -1 -c "$1" | tail -c 8 | head -c 4 | od -An -tx4 | tr -d ' \n'
echo
