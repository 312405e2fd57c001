#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The known answers the authenticated-mode suites compile in
# (tests/vectors/auth_vectors.h) are Python's: generated again here with
# hashlib and hmac, they must be the committed ones octet for octet.  The
# kernel matrix's guests have no Python, so the C suites carry the header.
set -u
# shellcheck source=testing/lib.sh
. "$(dirname "$0")/../testing/lib.sh"

if ! command -v python3 >/dev/null; then
	skip auth-vectors/python "needs python3 (make test installs it)"
	finish
fi
if python3 "$TOP/tests/vectors/gen_auth_vectors.py" >"$T/auth_vectors.h" 2>"$T/err"; then
	if cmp -s "$T/auth_vectors.h" "$TOP/tests/vectors/auth_vectors.h"; then
		pass auth-vectors/python
	else
		fail auth-vectors/python "tests/vectors/auth_vectors.h is not what gen_auth_vectors.py writes: run it again and commit"
	fi
else
	fail auth-vectors/python "gen_auth_vectors.py: $(oneline "$(cat "$T/err")")"
fi
finish
