"""A client workload of the lab: a client that held nothing before the fault. Creates FILE, takes
an fcntl lock on it, writes one line and fsyncs it, then prints "START END" in nanoseconds, START
given on the command line (taken before the mount) so that the mount's own wait counts. During
grace the server refuses a new open or lock with NFS4ERR_GRACE and the kernel retries it, so this
measures how long a new client waits on a server in grace.

    first-lock.py FILE START
"""
import fcntl
import os
import sys
import time

path, start = sys.argv[1], int(sys.argv[2])
fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
fcntl.lockf(fd, fcntl.LOCK_EX)
os.write(fd, b"first lock\n")
os.fsync(fd)
fcntl.lockf(fd, fcntl.LOCK_UN)
os.close(fd)
print(start, time.time_ns())
