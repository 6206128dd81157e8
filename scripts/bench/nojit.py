#!/usr/bin/python3
"""nojit.py PROGRAM [ARGS...] - runs PROGRAM as under the systemd unit's
MemoryDenyWriteExecute=yes: no memory may become writable and executable,
so PCRE2's JIT is refused and its interpreter runs the rules.  Uses
Linux's PR_SET_MDWE (6.3 and later), inherited through exec; exits 3 when
the kernel does not have it."""

import ctypes
import os
import sys

PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN = 65, 1

if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_MDWE,
                                           PR_MDWE_REFUSE_EXEC_GAIN,
                                           0, 0, 0) != 0:
    sys.stderr.write("nojit: PR_SET_MDWE: %s\n"
                     % os.strerror(ctypes.get_errno()))
    sys.exit(3)
os.execv(sys.argv[1], sys.argv[1:])
